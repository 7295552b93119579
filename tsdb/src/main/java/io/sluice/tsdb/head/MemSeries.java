// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
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
 */
public final class MemSeries {
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
   * Appends under this series' lock. The head has already checked bounds and the future window.
   *
   * @return OK, DUPLICATE_SAMPLE or OUT_OF_ORDER
   */
  synchronized AppendResult append(long t, long valueBits, int samplesPerChunk, long chunkRange) {
    XorChunk c = head;
    if (c == null) {
      c = head = new XorChunk();
      startChunk(t, chunkRange);
    } else {
      int n = c.numSamples();
      long last = c.lastTimestamp();
      if (t < last) {
        return AppendResult.OUT_OF_ORDER;
      }
      if (t == last) {
        return c.lastValueBits() == valueBits ? AppendResult.OK : AppendResult.DUPLICATE_SAMPLE;
      }
      if (n == samplesPerChunk / 4) {
        nextAt = chunkEndTime(headMinTime, last, nextAt);
      }
      if (t >= nextAt || n >= 2 * samplesPerChunk) {
        closeHeadChunk();
        startChunk(t, chunkRange);
      }
    }
    c.append(t, valueBits);
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
   * Empty if none overlaps.
   */
  synchronized List<ChunkMeta> chunks(long mint, long maxt) {
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

  /** Whether the series' overall time range overlaps [mint, maxt]; cheap, under the lock. */
  synchronized boolean overlaps(long mint, long maxt) {
    if (head == null || head.numSamples() == 0) {
      return false;
    }
    long min = closedCount > 0 ? closedTimes[0] : headMinTime;
    return min <= maxt && head.lastTimestamp() >= mint;
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
