// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import java.util.List;

/**
 * A growable integer histogram chunk (encoding 2) with its appender state, byte-identical to
 * Prometheus 2.42's {@code HistogramChunk} written through one appender ({@link
 * HistogramChunkFormat}).
 *
 * <p>The owner decides where chunks are cut, as Prometheus' head does: it asks {@link #appendable}
 * (counters) or {@link #appendableGauge} (gauges), cuts a new chunk when the answer is not {@code
 * ok}, re-encodes this one with {@link #recode} when new buckets appeared, and then calls {@link
 * #append}, which assumes the sample fits. Timestamps are milliseconds; their order is the owner's
 * business. Counts are uint64 held in {@code long}s and compared unsigned.
 *
 * <p>Not thread-safe: the owner serializes every call. Allocates per append only when its arrays
 * grow; histograms are not on the float hot path.
 */
public final class HistogramChunk {
  private static final int CAPACITY = 128;

  private final BitWriter b = new BitWriter(HistogramChunkFormat.HEADER_SIZE, CAPACITY);
  private int numSamples;

  private int schema;
  private double zeroThreshold;
  private List<HistogramSpan> positiveSpans = List.of();
  private List<HistogramSpan> negativeSpans = List.of();

  private long t;
  private long count;
  private long zeroCount;
  private long tDelta;
  private long countDelta;
  private long zeroCountDelta;
  private long[] positive = new long[0];
  private long[] negative = new long[0];
  private long[] positiveDelta = new long[0];
  private long[] negativeDelta = new long[0];
  private long sumBits;
  private int leading = 0xFF;
  private int trailing;

  /** Creates an empty chunk with an unknown counter reset header. */
  public HistogramChunk() {}

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

  /**
   * Whether counter histogram {@code h} can be appended (Prometheus' {@code Appendable}): not to a
   * gauge chunk, not after a stale sample unless stale itself, not with another schema or zero
   * threshold; a decrease of the count, the zero count or any bucket, or a bucket that disappears,
   * is a counter reset.
   */
  public HistogramAppendability appendable(Histogram h) {
    if (numSamples > 0 && counterResetHeader() == HistogramChunkFormat.GAUGE) {
      return HistogramAppendability.NO;
    }
    if (HistogramChunkFormat.isStale(h.sum())) {
      return HistogramAppendability.YES;
    }
    if (HistogramChunkFormat.isStale(Double.longBitsToDouble(sumBits))) {
      return HistogramAppendability.NO;
    }
    if (Long.compareUnsigned(h.count(), count) < 0) {
      return HistogramAppendability.RESET;
    }
    if (h.schema() != schema || h.zeroThreshold() != zeroThreshold) {
      return HistogramAppendability.NO;
    }
    if (Long.compareUnsigned(h.zeroCount(), zeroCount) < 0) {
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
    if (HistogramSpans.counterResetInAnyBucket(
            positiveSpans,
            new HistogramSpans.DeltaCounts(positive),
            h.positiveSpans(),
            new HistogramSpans.DeltaCounts(h.positiveBuckets()))
        || HistogramSpans.counterResetInAnyBucket(
            negativeSpans,
            new HistogramSpans.DeltaCounts(negative),
            h.negativeSpans(),
            new HistogramSpans.DeltaCounts(h.negativeBuckets()))) {
      return HistogramAppendability.RESET;
    }
    return HistogramAppendability.forward(pIns, nIns);
  }

  /**
   * Whether gauge histogram {@code h} can be appended (Prometheus' {@code AppendableGauge}): only
   * to a gauge (or empty) chunk, not after a stale sample unless stale itself, and only with the
   * same schema and zero threshold; buckets may appear on both sides.
   */
  public HistogramAppendability appendableGauge(Histogram h) {
    if (numSamples > 0 && counterResetHeader() != HistogramChunkFormat.GAUGE) {
      return HistogramAppendability.NO;
    }
    if (HistogramChunkFormat.isStale(h.sum())) {
      return HistogramAppendability.YES;
    }
    if (HistogramChunkFormat.isStale(Double.longBitsToDouble(sumBits))) {
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

  /**
   * Widens gauge histogram {@code h} to the merged layout of {@code a} (Prometheus' {@code
   * RecodeHistogram}); returns {@code h} itself when nothing is missing from it.
   */
  public static Histogram widen(Histogram h, HistogramAppendability a) {
    if (!a.needsBackward()) {
      return h;
    }
    long[] pos = h.positiveBuckets();
    long[] neg = h.negativeBuckets();
    if (a.positiveBackward().length > 0) {
      pos =
          HistogramSpans.insertDeltas(
              pos, a.positiveBackward(), HistogramChunkFormat.countBuckets(a.positiveSpans()));
    }
    if (a.negativeBackward().length > 0) {
      neg =
          HistogramSpans.insertDeltas(
              neg, a.negativeBackward(), HistogramChunkFormat.countBuckets(a.negativeSpans()));
    }
    return new Histogram(
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

  /**
   * Returns a new chunk with this chunk's samples re-encoded to the wider layout {@code
   * positiveSpans} / {@code negativeSpans} reached through the inserts (Prometheus' {@code
   * Recode}), with the same counter reset header. This chunk is left unchanged; the owner continues
   * with the returned one.
   */
  public HistogramChunk recode(
      int[] positiveInserts,
      int[] negativeInserts,
      List<HistogramSpan> positiveSpans,
      List<HistogramSpan> negativeSpans) {
    HistogramChunk out = new HistogramChunk();
    int np = HistogramChunkFormat.countBuckets(positiveSpans);
    int nn = HistogramChunkFormat.countBuckets(negativeSpans);
    HistogramIterator it = iterator(b.array(), 0, b.length());
    while (it.next()) {
      Histogram old = it.histogram();
      if (!HistogramChunkFormat.isStale(old.sum())) {
        long[] pos = old.positiveBuckets();
        long[] neg = old.negativeBuckets();
        if (positiveInserts.length > 0) {
          pos = HistogramSpans.insertDeltas(pos, positiveInserts, np);
        }
        if (negativeInserts.length > 0) {
          neg = HistogramSpans.insertDeltas(neg, negativeInserts, nn);
        }
        old =
            new Histogram(
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
   * Appends {@code h} at {@code t} (Prometheus' {@code AppendHistogram}). The caller has checked
   * that it fits ({@link #appendable}, {@link #appendableGauge}) and re-encoded the chunk if new
   * buckets appeared; a stale sample (sum = stale NaN) is written without buckets.
   *
   * @throws IllegalStateException if the chunk already holds 65535 samples
   */
  public void append(long t, Histogram h) {
    if (numSamples == 0xFFFF) {
      throw new IllegalStateException("histogram chunk is full: " + numSamples + " samples");
    }
    boolean stale = HistogramChunkFormat.isStale(h.sum());
    long hCount = stale ? 0 : h.count();
    long hZero = stale ? 0 : h.zeroCount();
    long[] pos = stale ? new long[0] : h.positiveBuckets();
    long[] neg = stale ? new long[0] : h.negativeBuckets();
    long td = 0;
    long cd = 0;
    long zd = 0;
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
      positive = new long[HistogramChunkFormat.countBuckets(ps)];
      negative = new long[HistogramChunkFormat.countBuckets(ns)];
      positiveDelta = new long[positive.length];
      negativeDelta = new long[negative.length];
      Varbit.putInt(b, t);
      Varbit.putUint(b, hCount);
      Varbit.putUint(b, hZero);
      b.writeBits(Double.doubleToRawLongBits(h.sum()), 64);
      for (long x : pos) {
        Varbit.putInt(b, x);
      }
      for (long x : neg) {
        Varbit.putInt(b, x);
      }
    } else {
      td = t - this.t;
      cd = hCount - count;
      zd = hZero - zeroCount;
      long tDod = td - tDelta;
      long cDod = cd - countDelta;
      long zDod = zd - zeroCountDelta;
      if (stale) {
        cDod = 0;
        zDod = 0;
      }
      Varbit.putInt(b, tDod);
      Varbit.putInt(b, cDod);
      Varbit.putInt(b, zDod);
      int w = b.xorWrite(Double.doubleToRawLongBits(h.sum()), sumBits, leading, trailing);
      leading = w >>> 8;
      trailing = w & 0xFF;
      for (int i = 0; i < pos.length; i++) {
        long delta = pos[i] - positive[i];
        Varbit.putInt(b, delta - positiveDelta[i]);
        positiveDelta[i] = delta;
      }
      for (int i = 0; i < neg.length; i++) {
        long delta = neg[i] - negative[i];
        Varbit.putInt(b, delta - negativeDelta[i]);
        negativeDelta[i] = delta;
      }
    }
    numSamples++;
    byte[] a = b.array();
    a[0] = (byte) (numSamples >>> 8);
    a[1] = (byte) numSamples;
    this.t = t;
    count = hCount;
    zeroCount = hZero;
    tDelta = td;
    countDelta = cd;
    zeroCountDelta = zd;
    System.arraycopy(pos, 0, positive, 0, Math.min(pos.length, positive.length));
    System.arraycopy(neg, 0, negative, 0, Math.min(neg.length, negative.length));
    sumBits = Double.doubleToRawLongBits(h.sum());
  }

  /**
   * Returns an iterator over integer histogram chunk bytes. The iterator reads {@code data} in
   * place; the caller must not change that range while iterating.
   *
   * @throws MalformedChunkException if the range is shorter than the header
   */
  public static HistogramIterator iterator(byte[] data, int off, int len) {
    return new HistogramIterator(data, off, len);
  }
}
