// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.HistogramSpan;
import java.util.List;
import java.util.Objects;

/**
 * Decodes the samples of a float histogram chunk ({@link HistogramChunkFormat}, encoding 3) in
 * order, with the counter reset hints and stale samples of {@link HistogramIterator}. Allocates the
 * returned histogram per sample. Not thread-safe.
 */
public final class FloatHistogramIterator {
  private final BitReader r;
  private final int total;
  private final byte header;
  private int read;

  private int schema;
  private double zeroThreshold;
  private List<HistogramSpan> positiveSpans = List.of();
  private List<HistogramSpan> negativeSpans = List.of();
  private long t;
  private long tDelta;
  // count, zero count, sum, positive buckets, negative buckets; windows as in the chunk.
  private long[] values;
  private int[] windows;
  private int numPositive;

  FloatHistogramIterator(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    if (len < HistogramChunkFormat.HEADER_SIZE) {
      throw new MalformedChunkException("float histogram chunk of " + len + " bytes has no header");
    }
    total = ((data[off] & 0xFF) << 8) | (data[off + 1] & 0xFF);
    header = (byte) (data[off + 2] & 0xC0);
    r =
        new BitReader(
            data,
            off + HistogramChunkFormat.HEADER_SIZE,
            len - HistogramChunkFormat.HEADER_SIZE,
            "float histogram chunk");
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
      numPositive = HistogramChunkFormat.countBuckets(positiveSpans);
      int n = 3 + numPositive + HistogramChunkFormat.countBuckets(negativeSpans);
      values = new long[n];
      windows = new int[2 * n];
      t = r.readVarbitInt();
      for (int i = 0; i < n; i++) {
        values[i] = r.readBits(64);
      }
      read++;
      return true;
    }
    tDelta += r.readVarbitInt();
    t += tDelta;
    for (int i = 0; i < 3; i++) {
      values[i] = r.xorRead(values[i], windows, 2 * i);
    }
    if (values[2] != HistogramChunkFormat.STALE_NAN_BITS) {
      for (int i = 3; i < values.length; i++) {
        values[i] = r.xorRead(values[i], windows, 2 * i);
      }
    }
    read++;
    return true;
  }

  /** Timestamp in ms of the current sample. */
  public long timestamp() {
    return t;
  }

  /** The current sample, buckets as absolute counts. */
  public FloatHistogram floatHistogram() {
    if (values[2] == HistogramChunkFormat.STALE_NAN_BITS) {
      return new FloatHistogram(
          (byte) 0,
          0,
          0.0,
          0.0,
          0.0,
          Double.longBitsToDouble(values[2]),
          List.of(),
          List.of(),
          new double[0],
          new double[0]);
    }
    double[] pos = new double[numPositive];
    double[] neg = new double[values.length - 3 - numPositive];
    for (int i = 0; i < pos.length; i++) {
      pos[i] = Double.longBitsToDouble(values[3 + i]);
    }
    for (int i = 0; i < neg.length; i++) {
      neg[i] = Double.longBitsToDouble(values[3 + numPositive + i]);
    }
    return new FloatHistogram(
        HistogramChunkFormat.hint(header, read),
        schema,
        zeroThreshold,
        Double.longBitsToDouble(values[1]),
        Double.longBitsToDouble(values[0]),
        Double.longBitsToDouble(values[2]),
        positiveSpans,
        negativeSpans,
        pos,
        neg);
  }
}
