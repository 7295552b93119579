// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.HistogramSpan;
import java.util.List;

/**
 * A growable float histogram chunk (encoding 3) with its appender state, byte-identical to
 * Prometheus 2.42's {@code FloatHistogramChunk} written through one appender ({@link
 * HistogramChunkFormat}). Used as {@link HistogramChunk} is: {@link #appendable} or {@link
 * #appendableGauge}, then a cut, {@link #recode} or nothing, then {@link #append}.
 *
 * <p>Not thread-safe: the owner serializes every call.
 */
public final class FloatHistogramChunk {
  private static final int CAPACITY = 128;

  private final BitWriter b = new BitWriter(HistogramChunkFormat.HEADER_SIZE, CAPACITY);
  private int numSamples;

  private int schema;
  private double zeroThreshold;
  private List<HistogramSpan> positiveSpans = List.of();
  private List<HistogramSpan> negativeSpans = List.of();

  private long t;
  private long tDelta;
  // Raw bits of count, zero count and sum, then of the positive and negative buckets; each with
  // its XOR window (leading, trailing) at 2i, 2i + 1 of windows.
  private long[] values = new long[3];
  private int[] windows = {0xFF, 0, 0xFF, 0, 0xFF, 0};
  private int numPositive;

  /** Creates an empty chunk with an unknown counter reset header. */
  public FloatHistogramChunk() {}

  /** Number of samples appended so far. */
  public int numSamples() {
    return numSamples;
  }

  /** Timestamp of the last sample in ms; undefined when the chunk is empty. */
  public long lastTimestamp() {
    return t;
  }

  /** The counter reset header, one of the constants of {@link HistogramChunkFormat}. */
  public byte counterResetHeader() {
    return (byte) (b.array()[2] & 0xC0);
  }

  /** Sets the counter reset header to one of the constants of {@link HistogramChunkFormat}. */
  public void setCounterResetHeader(byte header) {
    byte[] a = b.array();
    a[2] = (byte) ((a[2] & 0x3F) | (header & 0xC0));
  }

  /** Current size of the chunk bytes. */
  public int sizeBytes() {
    return b.length();
  }

  /** Returns a new array with the chunk bytes exactly as Prometheus' {@code Bytes()} would. */
  public byte[] bytes() {
    return b.toBytes();
  }

  private double value(int i) {
    return Double.longBitsToDouble(values[i]);
  }

  /** As {@link HistogramChunk#appendable}, for float counter histograms. */
  public HistogramAppendability appendable(FloatHistogram h) {
    if (numSamples > 0 && counterResetHeader() == HistogramChunkFormat.GAUGE) {
      return HistogramAppendability.NO;
    }
    if (HistogramChunkFormat.isStale(h.sum())) {
      return HistogramAppendability.YES;
    }
    if (HistogramChunkFormat.isStale(value(2))) {
      return HistogramAppendability.NO;
    }
    if (h.count() < value(0)) {
      return HistogramAppendability.RESET;
    }
    if (h.schema() != schema || h.zeroThreshold() != zeroThreshold) {
      return HistogramAppendability.NO;
    }
    if (h.zeroCount() < value(1)) {
      return HistogramAppendability.RESET;
    }
    int[] pIns = HistogramSpans.expandForward(positiveSpans, h.positiveSpans());
    if (pIns == null) {
      return HistogramAppendability.RESET;
    }
    int[] nIns = HistogramSpans.expandForward(negativeSpans, h.negativeSpans());
    if (nIns == null) {
      return HistogramAppendability.RESET;
    }
    int n = values.length - 3;
    double[] pos = new double[numPositive];
    double[] neg = new double[n - numPositive];
    for (int i = 0; i < n; i++) {
      if (i < numPositive) {
        pos[i] = value(3 + i);
      } else {
        neg[i - numPositive] = value(3 + i);
      }
    }
    if (HistogramSpans.counterResetInAnyBucket(
            positiveSpans,
            new HistogramSpans.FloatCounts(pos),
            h.positiveSpans(),
            new HistogramSpans.FloatCounts(h.positiveBuckets()))
        || HistogramSpans.counterResetInAnyBucket(
            negativeSpans,
            new HistogramSpans.FloatCounts(neg),
            h.negativeSpans(),
            new HistogramSpans.FloatCounts(h.negativeBuckets()))) {
      return HistogramAppendability.RESET;
    }
    return HistogramAppendability.forward(pIns, nIns);
  }

  /** As {@link HistogramChunk#appendableGauge}, for float gauge histograms. */
  public HistogramAppendability appendableGauge(FloatHistogram h) {
    if (numSamples > 0 && counterResetHeader() != HistogramChunkFormat.GAUGE) {
      return HistogramAppendability.NO;
    }
    if (HistogramChunkFormat.isStale(h.sum())) {
      return HistogramAppendability.YES;
    }
    if (HistogramChunkFormat.isStale(value(2))) {
      return HistogramAppendability.NO;
    }
    if (h.schema() != schema || h.zeroThreshold() != zeroThreshold) {
      return HistogramAppendability.NO;
    }
    HistogramSpans.Merge p = HistogramSpans.expandBothWays(positiveSpans, h.positiveSpans());
    HistogramSpans.Merge n = HistogramSpans.expandBothWays(negativeSpans, h.negativeSpans());
    return new HistogramAppendability(
        true, false, p.forward(), n.forward(), p.backward(), n.backward(), p.spans(), n.spans());
  }

  /** As {@link HistogramChunk#widen}, for float gauge histograms. */
  public static FloatHistogram widen(FloatHistogram h, HistogramAppendability a) {
    if (!a.needsBackward()) {
      return h;
    }
    double[] pos = h.positiveBuckets();
    double[] neg = h.negativeBuckets();
    if (a.positiveBackward().length > 0) {
      pos =
          HistogramSpans.insertAbsolute(
              pos, a.positiveBackward(), HistogramChunkFormat.countBuckets(a.positiveSpans()));
    }
    if (a.negativeBackward().length > 0) {
      neg =
          HistogramSpans.insertAbsolute(
              neg, a.negativeBackward(), HistogramChunkFormat.countBuckets(a.negativeSpans()));
    }
    return new FloatHistogram(
        h.counterResetHint(),
        h.schema(),
        h.zeroThreshold(),
        h.zeroCount(),
        h.count(),
        h.sum(),
        a.positiveSpans(),
        a.negativeSpans(),
        pos,
        neg);
  }

  /** As {@link HistogramChunk#recode}, for float histograms. */
  public FloatHistogramChunk recode(
      int[] positiveInserts,
      int[] negativeInserts,
      List<HistogramSpan> positiveSpans,
      List<HistogramSpan> negativeSpans) {
    FloatHistogramChunk out = new FloatHistogramChunk();
    int np = HistogramChunkFormat.countBuckets(positiveSpans);
    int nn = HistogramChunkFormat.countBuckets(negativeSpans);
    FloatHistogramIterator it = iterator(b.array(), 0, b.length());
    while (it.next()) {
      FloatHistogram old = it.floatHistogram();
      if (!HistogramChunkFormat.isStale(old.sum())) {
        double[] pos = old.positiveBuckets();
        double[] neg = old.negativeBuckets();
        if (positiveInserts.length > 0) {
          pos = HistogramSpans.insertAbsolute(pos, positiveInserts, np);
        }
        if (negativeInserts.length > 0) {
          neg = HistogramSpans.insertAbsolute(neg, negativeInserts, nn);
        }
        old =
            new FloatHistogram(
                old.counterResetHint(),
                old.schema(),
                old.zeroThreshold(),
                old.zeroCount(),
                old.count(),
                old.sum(),
                positiveSpans,
                negativeSpans,
                pos,
                neg);
      }
      out.append(it.timestamp(), old);
    }
    out.setCounterResetHeader(counterResetHeader());
    return out;
  }

  /**
   * Appends {@code h} at {@code t} (Prometheus' {@code AppendFloatHistogram}); see {@link
   * HistogramChunk#append}.
   *
   * @throws IllegalStateException if the chunk already holds 65535 samples
   */
  public void append(long t, FloatHistogram h) {
    if (numSamples == 0xFFFF) {
      throw new IllegalStateException("histogram chunk is full: " + numSamples + " samples");
    }
    boolean stale = HistogramChunkFormat.isStale(h.sum());
    double hCount = stale ? 0 : h.count();
    double hZero = stale ? 0 : h.zeroCount();
    double[] pos = stale ? new double[0] : h.positiveBuckets();
    double[] neg = stale ? new double[0] : h.negativeBuckets();
    long td = 0;
    if (numSamples == 0) {
      List<HistogramSpan> ps = stale ? List.of() : h.positiveSpans();
      List<HistogramSpan> ns = stale ? List.of() : h.negativeSpans();
      int sch = stale ? 0 : h.schema();
      double zt = stale ? 0.0 : h.zeroThreshold();
      HistogramChunkFormat.writeLayout(b, sch, zt, ps, ns);
      schema = sch;
      zeroThreshold = zt;
      positiveSpans = ps;
      negativeSpans = ns;
      numPositive = HistogramChunkFormat.countBuckets(ps);
      int n = 3 + numPositive + HistogramChunkFormat.countBuckets(ns);
      values = new long[n];
      windows = new int[2 * n];
      for (int i = 0; i < n; i++) {
        windows[2 * i] = 0xFF;
      }
      Varbit.putInt(b, t);
      values[0] = Double.doubleToRawLongBits(hCount);
      values[1] = Double.doubleToRawLongBits(hZero);
      values[2] = Double.doubleToRawLongBits(h.sum());
      for (int i = 0; i < pos.length; i++) {
        values[3 + i] = Double.doubleToRawLongBits(pos[i]);
      }
      for (int i = 0; i < neg.length; i++) {
        values[3 + numPositive + i] = Double.doubleToRawLongBits(neg[i]);
      }
      for (long v : values) {
        b.writeBits(v, 64);
      }
    } else {
      td = t - this.t;
      Varbit.putInt(b, td - tDelta);
      writeXor(0, hCount);
      writeXor(1, hZero);
      writeXor(2, h.sum());
      for (int i = 0; i < pos.length; i++) {
        writeXor(3 + i, pos[i]);
      }
      for (int i = 0; i < neg.length; i++) {
        writeXor(3 + numPositive + i, neg[i]);
      }
    }
    numSamples++;
    byte[] a = b.array();
    a[0] = (byte) (numSamples >>> 8);
    a[1] = (byte) numSamples;
    this.t = t;
    tDelta = td;
  }

  private void writeXor(int i, double v) {
    long bits = Double.doubleToRawLongBits(v);
    int w = b.xorWrite(bits, values[i], windows[2 * i], windows[2 * i + 1]);
    windows[2 * i] = w >>> 8;
    windows[2 * i + 1] = w & 0xFF;
    values[i] = bits;
  }

  /**
   * Returns an iterator over float histogram chunk bytes. The iterator reads {@code data} in place;
   * the caller must not change that range while iterating.
   *
   * @throws MalformedChunkException if the range is shorter than the header
   */
  public static FloatHistogramIterator iterator(byte[] data, int off, int len) {
    return new FloatHistogramIterator(data, off, len);
  }
}
