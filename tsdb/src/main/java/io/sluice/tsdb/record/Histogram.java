// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An integer native histogram as stored in a histogram samples record (Prometheus' {@code
 * histogram.Histogram}). Buckets are delta-encoded counts, as in the record. Floats compare by raw
 * bits in {@link #equals}.
 *
 * @param counterResetHint 0 unknown, 1 counter reset, 2 not a counter reset, 3 gauge
 * @param schema bucket resolution, int32
 * @param zeroThreshold width of the zero bucket
 * @param zeroCount observations in the zero bucket, uint64
 * @param count total observations, uint64
 * @param sum sum of observations
 * @param positiveSpans spans of the positive buckets
 * @param negativeSpans spans of the negative buckets
 * @param positiveBuckets positive bucket counts as deltas (first absolute)
 * @param negativeBuckets negative bucket counts as deltas (first absolute)
 */
public record Histogram(
    byte counterResetHint,
    int schema,
    double zeroThreshold,
    long zeroCount,
    long count,
    double sum,
    List<HistogramSpan> positiveSpans,
    List<HistogramSpan> negativeSpans,
    long[] positiveBuckets,
    long[] negativeBuckets) {
  /** Copies the lists and arrays. */
  public Histogram {
    positiveSpans = List.copyOf(positiveSpans);
    negativeSpans = List.copyOf(negativeSpans);
    positiveBuckets = positiveBuckets.clone();
    negativeBuckets = negativeBuckets.clone();
  }

  /** A copy of the positive bucket deltas. */
  @Override
  public long[] positiveBuckets() {
    return positiveBuckets.clone();
  }

  /** A copy of the negative bucket deltas. */
  @Override
  public long[] negativeBuckets() {
    return negativeBuckets.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h
        && counterResetHint == h.counterResetHint
        && schema == h.schema
        && bits(zeroThreshold) == bits(h.zeroThreshold)
        && zeroCount == h.zeroCount
        && count == h.count
        && bits(sum) == bits(h.sum)
        && positiveSpans.equals(h.positiveSpans)
        && negativeSpans.equals(h.negativeSpans)
        && Arrays.equals(positiveBuckets, h.positiveBuckets)
        && Arrays.equals(negativeBuckets, h.negativeBuckets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
            counterResetHint,
            schema,
            bits(zeroThreshold),
            zeroCount,
            count,
            bits(sum),
            positiveSpans,
            negativeSpans)
        + 31 * Arrays.hashCode(positiveBuckets)
        + Arrays.hashCode(negativeBuckets);
  }

  @Override
  public String toString() {
    return "Histogram[counterResetHint="
        + counterResetHint
        + ", schema="
        + schema
        + ", zeroThreshold="
        + zeroThreshold
        + ", zeroCount="
        + Long.toUnsignedString(zeroCount)
        + ", count="
        + Long.toUnsignedString(count)
        + ", sum="
        + sum
        + ", positiveSpans="
        + positiveSpans
        + ", negativeSpans="
        + negativeSpans
        + ", positiveBuckets="
        + Arrays.toString(positiveBuckets)
        + ", negativeBuckets="
        + Arrays.toString(negativeBuckets)
        + "]";
  }

  private static long bits(double d) {
    return Double.doubleToRawLongBits(d);
  }
}
