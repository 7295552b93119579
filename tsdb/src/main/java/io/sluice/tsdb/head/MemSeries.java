// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.chunkenc.FloatHistogramChunk;
import io.sluice.tsdb.chunkenc.FloatHistogramChunkCutter;
import io.sluice.tsdb.chunkenc.HistogramChunk;
import io.sluice.tsdb.chunkenc.HistogramChunkCutter;
import io.sluice.tsdb.chunkenc.HistogramChunkFormat;
import io.sluice.tsdb.chunkenc.XorAppender;
import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One series in a {@link Head}: identity (ref, hash, key) and its chunks.
 *
 * <p>Identity is immutable and safe to read from any thread. The chunks are guarded by this
 * object's monitor: appends to one series are serialized, appends to different series never share a
 * lock. Obtain instances only from {@link Head#getOrCreate}; pass them back only to the head that
 * created them. This package's own: other code names a series by key or ref.
 *
 * <p>Layout, for memory (a head holds millions of these): the series key is the only copy of the
 * labels; {@link #labels()} decodes it on each call (queries are rare next to appends, and sort by
 * key, {@link #KEY_ORDER}). The open chunk's state is this object's own fields, inherited from
 * {@link XorAppender}, with a buffer that starts small and is reused from chunk to chunk; closed
 * chunks are trimmed {@code byte[]}s in one array, with their min/max times packed in one {@code
 * long[]} (two entries per chunk), so there is no object per chunk and none per sample.
 *
 * <p>Out-of-order samples (accepted when the head's out-of-order window is enabled, and always on
 * WAL replay) are kept apart from the in-order chunks, sorted by time in two primitive arrays of an
 * {@link OutOfOrder} holder that exists only while there are such samples. A query whose range
 * holds one of them gets the in-order and out-of-order samples merged into one time-ordered stream,
 * re-encoded as XOR chunks; only then are the returned chunks not the stored ones.
 *
 * <p>Native histograms ({@link #appendHistogram}) live in integer or float histogram chunks, cut by
 * Prometheus 2.42's rules ({@link HistogramChunkCutter}); a change between float samples and either
 * kind of histogram starts a new chunk. Their state is in a {@link Histograms} holder that exists
 * only for a series that has had a histogram, so a float-only series pays one null reference.
 * Histograms are never out of order: an older histogram is {@link AppendResult#OUT_OF_ORDER}.
 */
final class MemSeries extends XorAppender {
  /** Orders series by their labels, as {@link Labels#compareTo}, comparing keys. */
  static final Comparator<MemSeries> KEY_ORDER =
      (a, b) -> Labels.compareKeys(a.key, 0, a.key.length, b.key, 0, b.key.length);

  private final long ref;
  private final long hash;
  private final byte[] key;

  // Set once the series record is in the WAL; concurrent writers may both log it (harmless).
  private volatile boolean walLogged;

  // Intrusive chains of the head's maps, guarded by the owning stripe's monitor.
  MemSeries nextInHash;
  MemSeries nextInRef;

  // Guarded by this, as is the open chunk (the inherited XorAppender state).
  private long headMinTime;
  private long nextAt;
  private byte[][] closedData;
  private long[] closedTimes;
  private int closedCount;
  private OutOfOrder ooo;
  private Histograms hist;
  private boolean removed;

  /** The histogram side of a series that has had a histogram sample. */
  private static final class Histograms {
    // Encoding of each closed chunk, parallel to closedData.
    byte[] closedEncodings = new byte[4];
    // Encoding of the open chunk: XOR (the inherited appender), or a histogram chunk's.
    byte open = XorChunkFormat.ENCODING;
    final HistogramChunkCutter ints = new HistogramChunkCutter();
    final FloatHistogramChunkCutter floats = new FloatHistogramChunkCutter();
    // The newest histogram appended, for the duplicate check.
    Object last;

    int openSamples() {
      if (open == HistogramChunkFormat.ENCODING) {
        return ints.chunk() == null ? 0 : ints.chunk().numSamples();
      }
      return floats.chunk() == null ? 0 : floats.chunk().numSamples();
    }

    long openLastTimestamp() {
      return open == HistogramChunkFormat.ENCODING
          ? ints.chunk().lastTimestamp()
          : floats.chunk().lastTimestamp();
    }

    byte[] openBytes() {
      return open == HistogramChunkFormat.ENCODING ? ints.chunk().bytes() : floats.chunk().bytes();
    }

    void forget() {
      ints.forget();
      floats.forget();
      open = XorChunkFormat.ENCODING;
    }
  }

  /** The out-of-order samples, sorted by time; only while there is at least one. */
  private static final class OutOfOrder {
    long[] ts = new long[8];
    long[] vs = new long[8];
    int count;
  }

  MemSeries(long ref, long hash, byte[] key) {
    this.ref = ref;
    this.hash = hash;
    this.key = key;
  }

  /** Head-wide series id: 1 for the first series, then increasing, never reused. */
  long ref() {
    return ref;
  }

  /**
   * The series' labels, decoded from the series key on each call (the head keeps no other copy of
   * them): a new, equal instance every time.
   */
  Labels labels() {
    return Labels.fromKey(key, 0, key.length);
  }

  /** The series key, the series' own array: callers must not modify it. */
  byte[] key() {
    return key;
  }

  /** The hash the series was created with (xxHash64 of hash prefix and key). */
  long hash() {
    return hash;
  }

  /**
   * Whether a series record for this series is known to be in the WAL. Thread-safe; false until
   * {@link #markWalLogged()}.
   */
  boolean walLogged() {
    return walLogged;
  }

  /** Notes that a series record for this series is in the WAL. Thread-safe, idempotent. */
  void markWalLogged() {
    walLogged = true;
  }

  /**
   * Reads a field near each end of this object without its lock, so that the object is in the CPU
   * cache when it is appended to; the result means nothing. See {@link Head#appendReplayed(
   * MemSeries[], long[], long[], int, long[])}.
   */
  int touch() {
    return (int) headMinTime + closedCount + (nextInRef == null ? 0 : 1);
  }

  /** As {@link #touch()}, for the key's bytes: one read per cache line. */
  int touchKey() {
    byte[] k = key;
    int sum = (int) hash;
    for (int i = 0; i < k.length; i += 64) {
      sum += k[i];
    }
    return sum;
  }

  /** As {@link #touch()}, for the open chunk's bytes; reads without the lock, racy by design. */
  int touchChunk() {
    return xorTouch();
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
    if (hist != null && hist.open != XorChunkFormat.ENCODING) {
      return appendAfterHistograms(
          t, valueBits, samplesPerChunk, chunkRange, minValidTime, oooEnabled, oooMinTime);
    }
    if (t >= minValidTime) {
      if (xorNumSamples() == 0) {
        appendInOrder(t, valueBits, samplesPerChunk, chunkRange);
        return AppendResult.OK;
      }
      long last = xorLastTimestamp();
      if (t > last) {
        appendInOrder(t, valueBits, samplesPerChunk, chunkRange);
        return AppendResult.OK;
      }
      if (t == last) {
        return xorLastValueBits() == valueBits ? AppendResult.OK : AppendResult.DUPLICATE_SAMPLE;
      }
    }
    if (oooEnabled) {
      return t >= oooMinTime ? insertOutOfOrder(t, valueBits) : AppendResult.TOO_OLD;
    }
    return t < minValidTime ? AppendResult.OUT_OF_BOUNDS : AppendResult.OUT_OF_ORDER;
  }

  // A float sample while a histogram chunk is open: in order it closes that chunk.
  private AppendResult appendAfterHistograms(
      long t,
      long valueBits,
      int samplesPerChunk,
      long chunkRange,
      long minValidTime,
      boolean oooEnabled,
      long oooMinTime) {
    long last = hist.openLastTimestamp();
    if (t >= minValidTime) {
      if (t > last) {
        closeHistogramChunk();
        appendInOrder(t, valueBits, samplesPerChunk, chunkRange);
        return AppendResult.OK;
      }
      if (t == last) {
        return AppendResult.DUPLICATE_SAMPLE;
      }
    }
    if (oooEnabled) {
      return t >= oooMinTime ? insertOutOfOrder(t, valueBits) : AppendResult.TOO_OLD;
    }
    return t < minValidTime ? AppendResult.OUT_OF_BOUNDS : AppendResult.OUT_OF_ORDER;
  }

  /**
   * Appends a native histogram ({@link Histogram} or {@link FloatHistogram}, already validated)
   * under this series' lock, with Prometheus 2.42's {@code appendableHistogram} rules and chunk
   * cutting: older than {@code minValidTime} is out of bounds, older than the series' newest sample
   * out of order, the same time a duplicate unless the histogram is equal to the newest one (an
   * idempotent OK that stores nothing).
   *
   * @return OK, DUPLICATE_SAMPLE, OUT_OF_ORDER or OUT_OF_BOUNDS
   */
  synchronized AppendResult appendHistogram(
      long t, Object h, int samplesPerChunk, long chunkRange, long minValidTime) {
    if (removed) {
      throw new IllegalStateException(
          this + " was removed by head truncation; append within Head#beginAppend spans");
    }
    if (t < minValidTime) {
      return AppendResult.OUT_OF_BOUNDS;
    }
    byte kind =
        h instanceof Histogram
            ? HistogramChunkFormat.ENCODING
            : HistogramChunkFormat.FLOAT_ENCODING;
    Histograms hs = hist;
    boolean any = openSamples() > 0 || closedCount > 0;
    if (any) {
      long last = lastTimestamp();
      if (t < last) {
        return AppendResult.OUT_OF_ORDER;
      }
      if (t == last) {
        return hs != null && hs.open == kind && sameHistogram(h, hs.last)
            ? AppendResult.OK
            : AppendResult.DUPLICATE_SAMPLE;
      }
    }
    if (hs == null) {
      hs = hist = new Histograms();
      if (closedCount > hs.closedEncodings.length) {
        hs.closedEncodings = new byte[closedData.length];
      }
      Arrays.fill(hs.closedEncodings, XorChunkFormat.ENCODING);
    }
    boolean cut;
    int n = openSamples();
    if (n == 0) {
      cut = true;
    } else if (hs.open != kind) {
      cut = true;
      if (hs.open == XorChunkFormat.ENCODING) {
        closeHeadChunk();
        xorRelease();
      } else {
        closeHistogramChunk();
      }
    } else {
      if (n == samplesPerChunk / 4) {
        nextAt = chunkEndTime(headMinTime, hs.openLastTimestamp(), nextAt);
      }
      cut = t >= nextAt || n >= 2 * samplesPerChunk;
    }
    int after;
    if (kind == HistogramChunkFormat.ENCODING) {
      HistogramChunk closed = hs.ints.append(t, (Histogram) h, cut);
      if (closed != null) {
        addClosed(closed.bytes(), headMinTime, closed.lastTimestamp(), kind);
      }
      after = hs.ints.chunk().numSamples();
    } else {
      FloatHistogramChunk closed = hs.floats.append(t, (FloatHistogram) h, cut);
      if (closed != null) {
        addClosed(closed.bytes(), headMinTime, closed.lastTimestamp(), kind);
      }
      after = hs.floats.chunk().numSamples();
    }
    hs.open = kind;
    hs.last = h;
    if (after == 1) {
      startChunk(t, chunkRange);
    }
    return AppendResult.OK;
  }

  private static boolean sameHistogram(Object a, Object b) {
    if (a instanceof Histogram x && b instanceof Histogram y) {
      return x.equals(withHint(y, x.counterResetHint()));
    }
    if (a instanceof FloatHistogram x && b instanceof FloatHistogram y) {
      return x.equals(
          new FloatHistogram(
              x.counterResetHint(),
              y.schema(),
              y.zeroThreshold(),
              y.zeroCount(),
              y.count(),
              y.sum(),
              y.positiveSpans(),
              y.negativeSpans(),
              y.positiveBuckets(),
              y.negativeBuckets()));
    }
    return false;
  }

  private static Histogram withHint(Histogram y, byte hint) {
    return new Histogram(
        hint,
        y.schema(),
        y.zeroThreshold(),
        y.zeroCount(),
        y.count(),
        y.sum(),
        y.positiveSpans(),
        y.negativeSpans(),
        y.positiveBuckets(),
        y.negativeBuckets());
  }

  private void closeHistogramChunk() {
    Histograms hs = hist;
    if (hs.openSamples() > 0) {
      addClosed(hs.openBytes(), headMinTime, hs.openLastTimestamp(), hs.open);
    }
    hs.forget();
  }

  // Samples in the open chunk, whichever kind it is.
  private int openSamples() {
    Histograms hs = hist;
    if (hs != null && hs.open != XorChunkFormat.ENCODING) {
      return hs.openSamples();
    }
    return xorNumSamples();
  }

  // Newest sample time; the series holds at least one sample.
  private long lastTimestamp() {
    Histograms hs = hist;
    if (hs != null && hs.open != XorChunkFormat.ENCODING) {
      return hs.openSamples() > 0 ? hs.openLastTimestamp() : closedTimes[2 * closedCount - 1];
    }
    return xorNumSamples() > 0 ? xorLastTimestamp() : closedTimes[2 * closedCount - 1];
  }

  private void appendInOrder(long t, long valueBits, int samplesPerChunk, long chunkRange) {
    int n = xorNumSamples();
    if (n == 0) {
      startChunk(t, chunkRange);
    } else {
      long last = xorLastTimestamp();
      if (n == samplesPerChunk / 4) {
        nextAt = chunkEndTime(headMinTime, last, nextAt);
      }
      if (t >= nextAt || n >= 2 * samplesPerChunk) {
        closeHeadChunk();
        startChunk(t, chunkRange);
      }
    }
    xorAppend(t, valueBits);
  }

  // Sorted insert; the same time and value is an idempotent OK, as for the newest in-order sample.
  private AppendResult insertOutOfOrder(long t, long valueBits) {
    OutOfOrder o = ooo;
    int i = o == null ? -1 : Arrays.binarySearch(o.ts, 0, o.count, t);
    if (i >= 0) {
      return o.vs[i] == valueBits ? AppendResult.OK : AppendResult.DUPLICATE_SAMPLE;
    }
    i = -i - 1;
    if (o == null) {
      o = ooo = new OutOfOrder();
    } else if (o.count == o.ts.length) {
      o.ts = Arrays.copyOf(o.ts, o.count * 2);
      o.vs = Arrays.copyOf(o.vs, o.count * 2);
    }
    System.arraycopy(o.ts, i, o.ts, i + 1, o.count - i);
    System.arraycopy(o.vs, i, o.vs, i + 1, o.count - i);
    o.ts[i] = t;
    o.vs[i] = valueBits;
    o.count++;
    return AppendResult.OK;
  }

  private int oooCount() {
    OutOfOrder o = ooo;
    return o == null ? 0 : o.count;
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
    addClosed(xorBytes(), headMinTime, xorLastTimestamp(), XorChunkFormat.ENCODING);
    xorReset();
  }

  private void addClosed(byte[] data, long minTime, long maxTime, byte encoding) {
    if (closedData == null) {
      closedData = new byte[4][];
      closedTimes = new long[8];
    } else if (closedCount == closedData.length) {
      closedData = Arrays.copyOf(closedData, closedCount * 2);
      closedTimes = Arrays.copyOf(closedTimes, closedCount * 4);
    }
    closedData[closedCount] = data;
    closedTimes[2 * closedCount] = minTime;
    closedTimes[2 * closedCount + 1] = maxTime;
    Histograms hs = hist;
    if (hs != null) {
      if (hs.closedEncodings.length < closedData.length) {
        hs.closedEncodings = Arrays.copyOf(hs.closedEncodings, closedData.length);
      }
      hs.closedEncodings[closedCount] = encoding;
    }
    closedCount++;
  }

  private byte closedEncoding(int i) {
    Histograms hs = hist;
    return hs == null ? XorChunkFormat.ENCODING : hs.closedEncodings[i];
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
    OutOfOrder ooo = this.ooo;
    if (ooo == null) {
      return inOrder;
    }
    int from = lowerBound(mint);
    if (from == ooo.count || ooo.ts[from] > maxt) {
      return inOrder;
    }
    List<ChunkMeta> floats = inOrder;
    List<ChunkMeta> histograms = List.of();
    if (hist != null) {
      // Out-of-order floats merge with the float chunks; histogram chunks are returned as stored.
      floats = new ArrayList<>();
      histograms = new ArrayList<>();
      for (ChunkMeta c : inOrder) {
        (c.encoding() == XorChunkFormat.ENCODING ? floats : histograms).add(c);
      }
    }
    long lo = mint;
    long hi = maxt;
    for (ChunkMeta c : floats) {
      lo = Math.min(lo, c.minTime());
      hi = Math.max(hi, c.maxTime());
    }
    List<ChunkMeta> merged = merge(floats, lowerBound(lo), hi, oooCapMax);
    if (histograms.isEmpty()) {
      return merged;
    }
    merged.addAll(histograms);
    merged.sort(Comparator.comparingLong(ChunkMeta::minTime));
    return merged;
  }

  // Index of the first out-of-order sample at or after t; ooo is not null.
  private int lowerBound(long t) {
    int i = Arrays.binarySearch(ooo.ts, 0, ooo.count, t);
    return i >= 0 ? i : -i - 1;
  }

  private List<ChunkMeta> merge(List<ChunkMeta> inOrder, int o, long hi, int capMax) {
    long[] oooTs = ooo.ts;
    long[] oooVs = ooo.vs;
    int oooCount = ooo.count;
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
        out.add(new ChunkMeta(cmin, cmax, closedEncoding(i), closedData[i]));
      }
    }
    Histograms hs = hist;
    if (hs != null && hs.open != XorChunkFormat.ENCODING) {
      if (hs.openSamples() > 0 && headMinTime <= maxt && hs.openLastTimestamp() >= mint) {
        if (out == null) {
          out = new ArrayList<>(1);
        }
        out.add(new ChunkMeta(headMinTime, hs.openLastTimestamp(), hs.open, hs.openBytes()));
      }
    } else if (xorNumSamples() > 0 && headMinTime <= maxt && xorLastTimestamp() >= mint) {
      if (out == null) {
        out = new ArrayList<>(1);
      }
      out.add(new ChunkMeta(headMinTime, xorLastTimestamp(), XorChunkFormat.ENCODING, xorBytes()));
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
      if (hist != null) {
        System.arraycopy(hist.closedEncodings, drop, hist.closedEncodings, 0, closedCount - drop);
      }
      Arrays.fill(closedData, closedCount - drop, closedCount, null);
      closedCount -= drop;
      if (closedCount == 0) {
        closedData = null;
        closedTimes = null;
      }
    }
    if (closedCount > 0 && closedTimes[0] < mint && closedEncoding(0) == XorChunkFormat.ENCODING) {
      // Straddles a cut that is not a chunk-range boundary (a flush): keep the samples at and
      // after mint only, so the block and the head never both return a sample.
      ChunkMeta kept = keepFrom(closedData[0], mint);
      closedData[0] = kept.data();
      closedTimes[0] = kept.minTime();
    }
    Histograms hs = hist;
    if (hs != null && hs.open != XorChunkFormat.ENCODING) {
      // A histogram chunk that straddles the cut is kept whole (a known limit, for flushes only).
      if (hs.openSamples() == 0 || hs.openLastTimestamp() < mint) {
        hs.forget();
      }
    } else if (xorNumSamples() == 0 || xorLastTimestamp() < mint) {
      xorRelease();
    } else if (closedCount == 0 && headMinTime < mint) {
      // The open chunk straddles the cut: re-append its samples at and after mint.
      byte[] open = xorBytes();
      xorReset();
      XorIterator it = XorChunk.iterator(open, 0, open.length);
      boolean first = true;
      while (it.next()) {
        if (it.timestamp() >= mint) {
          if (first) {
            headMinTime = it.timestamp();
            first = false;
          }
          xorAppend(it.timestamp(), it.valueBits());
        }
      }
    }
    OutOfOrder o = ooo;
    if (o != null) {
      int keep = lowerBound(mint);
      if (keep > 0) {
        System.arraycopy(o.ts, keep, o.ts, 0, o.count - keep);
        System.arraycopy(o.vs, keep, o.vs, 0, o.count - keep);
        o.count -= keep;
      }
      if (o.count == 0) {
        ooo = null;
      }
    }
    return isEmpty();
  }

  // The samples of an XOR chunk at and after mint, re-encoded (a chunk straddling a flush's cut).
  private static ChunkMeta keepFrom(byte[] data, long mint) {
    XorIterator it = XorChunk.iterator(data, 0, data.length);
    XorChunk out = new XorChunk();
    long first = mint;
    while (it.next()) {
      if (it.timestamp() >= mint) {
        if (out.numSamples() == 0) {
          first = it.timestamp();
        }
        out.append(it.timestamp(), it.valueBits());
      }
    }
    return new ChunkMeta(first, out.lastTimestamp(), XorChunkFormat.ENCODING, out.bytes());
  }

  private boolean isEmpty() {
    return closedCount == 0 && openSamples() == 0 && ooo == null;
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
    OutOfOrder o = ooo;
    if (o != null && o.ts[0] <= maxt && o.ts[o.count - 1] >= mint) {
      return true;
    }
    if (openSamples() == 0 && closedCount == 0) {
      return false;
    }
    long min = closedCount > 0 ? closedTimes[0] : headMinTime;
    return min <= maxt && lastTimestamp() >= mint;
  }

  /** Number of out-of-order samples held (for tests and metrics). */
  synchronized int numOutOfOrderSamples() {
    return oooCount();
  }

  /** Number of chunks, open one included (for tests and metrics). */
  synchronized int numChunks() {
    return closedCount + (openSamples() > 0 ? 1 : 0);
  }

  @Override
  public String toString() {
    return "MemSeries[ref=" + ref + ", labels=" + labels() + "]";
  }
}
