// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A float native histogram as stored in a float histogram samples record (Prometheus' {@code
 * histogram.FloatHistogram}). Buckets are absolute counts. Floats compare by raw bits in {@link
 * #equals}.
 *
 * @param counterResetHint 0 unknown, 1 counter reset, 2 not a counter reset, 3 gauge
 * @param schema bucket resolution, int32
 * @param zeroThreshold width of the zero bucket
 * @param zeroCount observations in the zero bucket
 * @param count total observations
 * @param sum sum of observations
 * @param positiveSpans spans of the positive buckets
 * @param negativeSpans spans of the negative buckets
 * @param positiveBuckets positive bucket counts
 * @param negativeBuckets negative bucket counts
 */
public record FloatHistogram(
    byte counterResetHint,
    int schema,
    double zeroThreshold,
    double zeroCount,
    double count,
    double sum,
    List<HistogramSpan> positiveSpans,
    List<HistogramSpan> negativeSpans,
    double[] positiveBuckets,
    double[] negativeBuckets) {
  /** Copies the lists and arrays. */
  public FloatHistogram {
    positiveSpans = List.copyOf(positiveSpans);
    negativeSpans = List.copyOf(negativeSpans);
    positiveBuckets = positiveBuckets.clone();
    negativeBuckets = negativeBuckets.clone();
  }

  /** A copy of the positive bucket counts. */
  @Override
  public double[] positiveBuckets() {
    return positiveBuckets.clone();
  }

  /** A copy of the negative bucket counts. */
  @Override
  public double[] negativeBuckets() {
    return negativeBuckets.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatHistogram h
        && counterResetHint == h.counterResetHint
        && schema == h.schema
        && bits(zeroThreshold) == bits(h.zeroThreshold)
        && bits(zeroCount) == bits(h.zeroCount)
        && bits(count) == bits(h.count)
        && bits(sum) == bits(h.sum)
        && positiveSpans.equals(h.positiveSpans)
        && negativeSpans.equals(h.negativeSpans)
        && sameBits(positiveBuckets, h.positiveBuckets)
        && sameBits(negativeBuckets, h.negativeBuckets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
            counterResetHint,
            schema,
            bits(zeroThreshold),
            bits(zeroCount),
            bits(count),
            bits(sum),
            positiveSpans,
            negativeSpans)
        + 31 * Arrays.hashCode(positiveBuckets)
        + Arrays.hashCode(negativeBuckets);
  }

  @Override
  public String toString() {
    return "FloatHistogram[counterResetHint="
        + counterResetHint
        + ", schema="
        + schema
        + ", zeroThreshold="
        + zeroThreshold
        + ", zeroCount="
        + zeroCount
        + ", count="
        + count
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

  private static boolean sameBits(double[] a, double[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (bits(a[i]) != bits(b[i])) {
        return false;
      }
    }
    return true;
  }
}
