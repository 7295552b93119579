// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.ChunkMeta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One series in a {@link Head}: identity (ref, hash, key, labels) and its chunks.
 *
 * <p>Identity is immutable and safe to read from any thread. The chunks are guarded by this
 * object's monitor: appends to one series are serialized, appends to different series never share a
 * lock. Obtain instances only from {@link Head#getOrCreate}; pass them back only to the head that
 * created them.
 *
 * <p>Layout, for memory: the open chunk is one reused {@link XorChunk}; closed chunks are trimmed
 * {@code byte[]}s in one array, with their min/max times packed in one {@code long[]} (two entries
 * per chunk), so there is no object per chunk and none per sample.
 *
 * <p>Out-of-order samples (accepted when the head's out-of-order window is enabled, and always on
 * WAL replay) are kept apart from the in-order chunks, sorted by time in two primitive arrays. A
 * query whose range holds one of them gets the in-order and out-of-order samples merged into one
 * time-ordered stream, re-encoded as XOR chunks; only then are the returned chunks not the stored
 * ones.
 */
public final class MemSeries {
  private static final long[] EMPTY = new long[0];

  private final long ref;
  private final long hash;
  private final byte[] key;
  private final Labels labels;

  // Set once the series record is in the WAL; concurrent writers may both log it (harmless).
  private volatile boolean walLogged;

  // Intrusive chains of the head's maps, guarded by the owning stripe's monitor.
  MemSeries nextInHash;
  MemSeries nextInRef;

  // Guarded by this.
  private XorChunk head;
  private long headMinTime;
  private long nextAt;
  private byte[][] closedData;
  private long[] closedTimes;
  private int closedCount;
  private long[] oooTs;
  private long[] oooVs;
  private int oooCount;
  private boolean removed;

  MemSeries(long ref, long hash, byte[] key, Labels labels) {
    this.ref = ref;
    this.hash = hash;
    this.key = key;
    this.labels = labels;
  }

  /** Head-wide series id: 1 for the first series, then increasing, never reused. */
  public long ref() {
    return ref;
  }

  /** The series' labels; strings are shared with the head's symbol table. */
  public Labels labels() {
    return labels;
  }

  /** The hash the series was created with (xxHash64 of hash prefix and key). */
  public long hash() {
    return hash;
  }

  /**
   * Whether a series record for this series is known to be in the WAL. Thread-safe; false until
   * {@link #markWalLogged()}.
   */
  public boolean walLogged() {
    return walLogged;
  }

  /** Notes that a series record for this series is in the WAL. Thread-safe, idempotent. */
  public void markWalLogged() {
    walLogged = true;
  }

  boolean keyEquals(byte[] other, int off, int len) {
    return Arrays.equals(key, 0, key.length, other, off, off + len);
  }

  int keyLength() {
    return key.length;
  }

  /**
   * Appends under this series' lock, with Prometheus' {@code memSeries.appendable} rules. The head
   * has already checked the future window (and, with out-of-order ingestion disabled, the bounds).
   *
   * @param minValidTime in-order samples must not be older than this (head maxTime − chunkRange/2,
   *     or {@link Long#MIN_VALUE})
   * @param oooEnabled whether a sample that cannot go in order may go to the out-of-order buffer
   * @param oooMinTime with oooEnabled, the oldest time the out-of-order buffer accepts
   * @return OK, DUPLICATE_SAMPLE, OUT_OF_ORDER, OUT_OF_BOUNDS or TOO_OLD
   */
  synchronized AppendResult append(
      long t,
      long valueBits,
      int samplesPerChunk,
      long chunkRange,
      long minValidTime,
      boolean oooEnabled,
      long oooMinTime) {
    if (removed) {
      throw new IllegalStateException(
          this + " was removed by head truncation; append within Head#beginAppend spans");
    }
    if (t >= minValidTime) {
      XorChunk c = head;
      if (c == null || c.numSamples() == 0) {
        appendInOrder(t, valueBits, samplesPerChunk, chunkRange);
        return AppendResult.OK;
      }
      long last = c.lastTimestamp();
      if (t > last) {
        appendInOrder(t, valueBits, samplesPerChunk, chunkRange);
        return AppendResult.OK;
      }
      if (t == last) {
        return c.lastValueBits() == valueBits ? AppendResult.OK : AppendResult.DUPLICATE_SAMPLE;
      }
    }
    if (oooEnabled) {
      return t >= oooMinTime ? insertOutOfOrder(t, valueBits) : AppendResult.TOO_OLD;
    }
    return t < minValidTime ? AppendResult.OUT_OF_BOUNDS : AppendResult.OUT_OF_ORDER;
  }

  private void appendInOrder(long t, long valueBits, int samplesPerChunk, long chunkRange) {
    XorChunk c = head;
    if (c == null) {
      c = head = new XorChunk();
      startChunk(t, chunkRange);
    } else if (c.numSamples() == 0) {
      startChunk(t, chunkRange);
    } else {
      int n = c.numSamples();
      long last = c.lastTimestamp();
      if (n == samplesPerChunk / 4) {
        nextAt = chunkEndTime(headMinTime, last, nextAt);
      }
      if (t >= nextAt || n >= 2 * samplesPerChunk) {
        closeHeadChunk();
        startChunk(t, chunkRange);
      }
    }
    c.append(t, valueBits);
  }

  // Sorted insert; the same time and value is an idempotent OK, as for the newest in-order sample.
  private AppendResult insertOutOfOrder(long t, long valueBits) {
    int i = Arrays.binarySearch(oooTs == null ? EMPTY : oooTs, 0, oooCount, t);
    if (i >= 0) {
      return oooVs[i] == valueBits ? AppendResult.OK : AppendResult.DUPLICATE_SAMPLE;
    }
    i = -i - 1;
    if (oooTs == null) {
      oooTs = new long[8];
      oooVs = new long[8];
    } else if (oooCount == oooTs.length) {
      oooTs = Arrays.copyOf(oooTs, oooCount * 2);
      oooVs = Arrays.copyOf(oooVs, oooCount * 2);
    }
    System.arraycopy(oooTs, i, oooTs, i + 1, oooCount - i);
    System.arraycopy(oooVs, i, oooVs, i + 1, oooCount - i);
    oooTs[i] = t;
    oooVs[i] = valueBits;
    oooCount++;
    return AppendResult.OK;
  }

  private void startChunk(long t, long chunkRange) {
    headMinTime = t;
    // End of the chunkRange-aligned window holding t; Go's truncating division, as Prometheus.
    nextAt = (t / chunkRange) * chunkRange + chunkRange;
  }

  // Splits the rest of the window into chunks of about the size the first quarter predicts.
  private static long chunkEndTime(long start, long cur, long max) {
    long n = (max - start) / ((cur - start + 1) * 4);
    if (n <= 1) {
      return max;
    }
    return start + (max - start) / n;
  }

  private void closeHeadChunk() {
    if (closedData == null) {
      closedData = new byte[4][];
      closedTimes = new long[8];
    } else if (closedCount == closedData.length) {
      closedData = Arrays.copyOf(closedData, closedCount * 2);
      closedTimes = Arrays.copyOf(closedTimes, closedCount * 4);
    }
    closedData[closedCount] = head.bytes();
    closedTimes[2 * closedCount] = headMinTime;
    closedTimes[2 * closedCount + 1] = head.lastTimestamp();
    closedCount++;
    head.reset();
  }

  /**
   * The chunks overlapping [mint, maxt] in time order: closed chunks shared, the open chunk copied.
   * Empty if none overlaps. If an out-of-order sample lies in [mint, maxt], the samples of the
   * overlapping in-order chunks and the out-of-order samples in their span are merged by time (an
   * in-order sample wins a timestamp held by both) and re-encoded as XOR chunks of at most {@code
   * oooCapMax} samples, which do not overlap.
   */
  synchronized List<ChunkMeta> chunks(long mint, long maxt, int oooCapMax) {
    List<ChunkMeta> inOrder = inOrderChunks(mint, maxt);
    if (oooCount == 0) {
      return inOrder;
    }
    int from = lowerBound(mint);
    if (from == oooCount || oooTs[from] > maxt) {
      return inOrder;
    }
    long lo = mint;
    long hi = maxt;
    for (ChunkMeta c : inOrder) {
      lo = Math.min(lo, c.minTime());
      hi = Math.max(hi, c.maxTime());
    }
    return merge(inOrder, lowerBound(lo), hi, oooCapMax);
  }

  // Index of the first out-of-order sample at or after t.
  private int lowerBound(long t) {
    int i = Arrays.binarySearch(oooTs, 0, oooCount, t);
    return i >= 0 ? i : -i - 1;
  }

  private List<ChunkMeta> merge(List<ChunkMeta> inOrder, int o, long hi, int capMax) {
    List<ChunkMeta> out = new ArrayList<>();
    XorChunk enc = new XorChunk();
    long encMin = 0;
    int ci = 0;
    XorIterator it = null;
    boolean itHas = false;
    while (true) {
      while (!itHas && ci < inOrder.size()) {
        byte[] d = inOrder.get(ci++).data();
        it = XorChunk.iterator(d, 0, d.length);
        itHas = it.next();
      }
      boolean oHas = o < oooCount && oooTs[o] <= hi;
      long t;
      long v;
      if (itHas && (!oHas || it.timestamp() <= oooTs[o])) {
        t = it.timestamp();
        v = it.valueBits();
        if (oHas && oooTs[o] == t) {
          o++;
        }
        itHas = it.next();
      } else if (oHas) {
        t = oooTs[o];
        v = oooVs[o];
        o++;
      } else {
        break;
      }
      if (enc.numSamples() == capMax) {
        out.add(new ChunkMeta(encMin, enc.lastTimestamp(), XorChunkFormat.ENCODING, enc.bytes()));
        enc.reset();
      }
      if (enc.numSamples() == 0) {
        encMin = t;
      }
      enc.append(t, v);
    }
    if (enc.numSamples() > 0) {
      out.add(new ChunkMeta(encMin, enc.lastTimestamp(), XorChunkFormat.ENCODING, enc.bytes()));
    }
    return out;
  }

  private List<ChunkMeta> inOrderChunks(long mint, long maxt) {
    List<ChunkMeta> out = null;
    for (int i = 0; i < closedCount; i++) {
      long cmin = closedTimes[2 * i];
      long cmax = closedTimes[2 * i + 1];
      if (cmin <= maxt && cmax >= mint) {
        if (out == null) {
          out = new ArrayList<>();
        }
        out.add(new ChunkMeta(cmin, cmax, XorChunkFormat.ENCODING, closedData[i]));
      }
    }
    XorChunk c = head;
    if (c != null && c.numSamples() > 0 && headMinTime <= maxt && c.lastTimestamp() >= mint) {
      if (out == null) {
        out = new ArrayList<>(1);
      }
      out.add(new ChunkMeta(headMinTime, c.lastTimestamp(), XorChunkFormat.ENCODING, c.bytes()));
    }
    return out == null ? List.of() : out;
  }

  /**
   * Drops the closed chunks whose last sample is before {@code mint}, the open chunk if its last
   * sample is, and the out-of-order samples before {@code mint}.
   *
   * @return whether the series holds no sample afterwards
   */
  synchronized boolean truncateBefore(long mint) {
    int drop = 0;
    while (drop < closedCount && closedTimes[2 * drop + 1] < mint) {
      drop++;
    }
    if (drop > 0) {
      System.arraycopy(closedData, drop, closedData, 0, closedCount - drop);
      System.arraycopy(closedTimes, 2 * drop, closedTimes, 0, 2 * (closedCount - drop));
      Arrays.fill(closedData, closedCount - drop, closedCount, null);
      closedCount -= drop;
      if (closedCount == 0) {
        closedData = null;
        closedTimes = null;
      }
    }
    if (closedCount > 0 && closedTimes[0] < mint) {
      // Straddles a cut that is not a chunk-range boundary (a flush): keep the samples at and
      // after mint only, so the block and the head never both return a sample.
      XorChunk kept = keepFrom(closedData[0], mint);
      closedData[0] = kept.bytes();
      closedTimes[0] = firstKept;
    }
    if (head != null && (head.numSamples() == 0 || head.lastTimestamp() < mint)) {
      head = null;
    } else if (head != null && closedCount == 0 && headMinTime < mint) {
      head = keepFrom(head.bytes(), mint);
      headMinTime = firstKept;
    }
    if (oooCount > 0) {
      int keep = lowerBound(mint);
      if (keep > 0) {
        System.arraycopy(oooTs, keep, oooTs, 0, oooCount - keep);
        System.arraycopy(oooVs, keep, oooVs, 0, oooCount - keep);
        oooCount -= keep;
      }
      if (oooCount == 0) {
        oooTs = null;
        oooVs = null;
      }
    }
    return isEmpty();
  }

  // Set by keepFrom: the time of the first sample kept.
  private long firstKept;

  private XorChunk keepFrom(byte[] data, long mint) {
    XorIterator it = XorChunk.iterator(data, 0, data.length);
    XorChunk out = new XorChunk();
    while (it.next()) {
      if (it.timestamp() >= mint) {
        if (out.numSamples() == 0) {
          firstKept = it.timestamp();
        }
        out.append(it.timestamp(), it.valueBits());
      }
    }
    return out;
  }

  private boolean isEmpty() {
    return closedCount == 0 && head == null && oooCount == 0;
  }

  /**
   * Marks the series removed if it holds no sample; the head then unlinks it. Called with the
   * head's writers excluded, so no append is between its lookup and its append.
   */
  synchronized boolean markRemovedIfEmpty() {
    if (isEmpty()) {
      removed = true;
    }
    return removed;
  }

  /** Whether the head removed this series (for tests). */
  synchronized boolean removed() {
    return removed;
  }

  /** Whether the series' overall time range overlaps [mint, maxt]; cheap, under the lock. */
  synchronized boolean overlaps(long mint, long maxt) {
    if (oooCount > 0 && oooTs[0] <= maxt && oooTs[oooCount - 1] >= mint) {
      return true;
    }
    if (head == null || head.numSamples() == 0) {
      return false;
    }
    long min = closedCount > 0 ? closedTimes[0] : headMinTime;
    return min <= maxt && head.lastTimestamp() >= mint;
  }

  /** Number of out-of-order samples held (for tests and metrics). */
  synchronized int numOutOfOrderSamples() {
    return oooCount;
  }

  /** Number of chunks, open one included (for tests and metrics). */
  synchronized int numChunks() {
    return closedCount + (head != null && head.numSamples() > 0 ? 1 : 0);
  }

  @Override
  public String toString() {
    return "MemSeries[ref=" + ref + ", labels=" + labels + "]";
  }
}
