// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import java.util.List;
import java.util.Objects;

/**
 * Decodes the samples of an integer histogram chunk ({@link HistogramChunkFormat}, encoding 2) in
 * order.
 *
 * <p>Usage: {@code while (it.next()) use(it.timestamp(), it.histogram());}. Each sample's counter
 * reset hint comes from the chunk header as in Prometheus 2.42: gauge for a gauge chunk, "not a
 * reset" after the first sample, "reset" for the first sample of a chunk cut at a reset, else
 * unknown. A stale sample is returned as a histogram with only its sum (the stale NaN) set.
 * Allocates the returned histogram per sample. Not thread-safe.
 */
public final class HistogramIterator {
  private final BitReader r;
  private final int total;
  private final byte header;
  private int read;

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
  private long[] positive;
  private long[] negative;
  private long[] positiveDelta;
  private long[] negativeDelta;
  private long sumBits;
  private final int[] window = new int[2];

  HistogramIterator(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    if (len < HistogramChunkFormat.HEADER_SIZE) {
      throw new MalformedChunkException("histogram chunk of " + len + " bytes has no header");
    }
    total = ((data[off] & 0xFF) << 8) | (data[off + 1] & 0xFF);
    header = (byte) (data[off + 2] & 0xC0);
    r =
        new BitReader(
            data,
            off + HistogramChunkFormat.HEADER_SIZE,
            len - HistogramChunkFormat.HEADER_SIZE,
            "histogram chunk");
  }

  /** Number of samples the chunk header declares. */
  public int numSamples() {
    return total;
  }

  /** The chunk's counter reset header, one of the constants of {@link HistogramChunkFormat}. */
  public byte counterResetHeader() {
    return header;
  }

  /**
   * Advances to the next sample.
   *
   * @return false when all samples have been read
   * @throws MalformedChunkException if the bytes end early or hold impossible fields
   */
  public boolean next() {
    if (read >= total) {
      return false;
    }
    if (read == 0) {
      zeroThreshold = HistogramChunkFormat.readZeroThreshold(r);
      schema = (int) r.readVarbitInt();
      positiveSpans = HistogramChunkFormat.readSpans(r);
      negativeSpans = HistogramChunkFormat.readSpans(r);
      positive = new long[HistogramChunkFormat.countBuckets(positiveSpans)];
      negative = new long[HistogramChunkFormat.countBuckets(negativeSpans)];
      positiveDelta = new long[positive.length];
      negativeDelta = new long[negative.length];
      t = r.readVarbitInt();
      count = r.readVarbitUint();
      zeroCount = r.readVarbitUint();
      sumBits = r.readBits(64);
      for (int i = 0; i < positive.length; i++) {
        positive[i] = r.readVarbitInt();
      }
      for (int i = 0; i < negative.length; i++) {
        negative[i] = r.readVarbitInt();
      }
      read++;
      return true;
    }
    tDelta += r.readVarbitInt();
    t += tDelta;
    countDelta += r.readVarbitInt();
    count += countDelta;
    zeroCountDelta += r.readVarbitInt();
    zeroCount += zeroCountDelta;
    sumBits = r.xorRead(sumBits, window, 0);
    if (sumBits != HistogramChunkFormat.STALE_NAN_BITS) {
      for (int i = 0; i < positive.length; i++) {
        positiveDelta[i] += r.readVarbitInt();
        positive[i] += positiveDelta[i];
      }
      for (int i = 0; i < negative.length; i++) {
        negativeDelta[i] += r.readVarbitInt();
        negative[i] += negativeDelta[i];
      }
    }
    read++;
    return true;
  }

  /** Timestamp in ms of the current sample. */
  public long timestamp() {
    return t;
  }

  /** The current sample, buckets as deltas between adjacent buckets. */
  public Histogram histogram() {
    if (sumBits == HistogramChunkFormat.STALE_NAN_BITS) {
      return new Histogram(
          (byte) 0,
          0,
          0.0,
          0,
          0,
          Double.longBitsToDouble(sumBits),
          List.of(),
          List.of(),
          new long[0],
          new long[0]);
    }
    return new Histogram(
        HistogramChunkFormat.hint(header, read),
        schema,
        zeroThreshold,
        zeroCount,
        count,
        Double.longBitsToDouble(sumBits),
        positiveSpans,
        negativeSpans,
        positive,
        negative);
  }

  /** The current sample as a float histogram (absolute bucket counts), as Prometheus converts. */
  public FloatHistogram floatHistogram() {
    Histogram h = histogram();
    return new FloatHistogram(
        h.counterResetHint(),
        h.schema(),
        h.zeroThreshold(),
        unsignedToDouble(h.zeroCount()),
        unsignedToDouble(h.count()),
        h.sum(),
        h.positiveSpans(),
        h.negativeSpans(),
        absolute(positive, h.positiveBuckets().length),
        absolute(negative, h.negativeBuckets().length));
  }

  private static double[] absolute(long[] deltas, int n) {
    double[] out = new double[n];
    long v = 0;
    for (int i = 0; i < n; i++) {
      v += deltas[i];
      out[i] = v;
    }
    return out;
  }

  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }
}
