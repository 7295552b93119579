// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import java.util.List;
import java.util.Locale;

/**
 * Prometheus 2.42's histogram validation ({@code ValidateHistogram}, {@code ValidateFloatHistogram}
 * in {@code tsdb/head_append.go@v2.42.0}), with its messages: spans that need another number of
 * buckets than given, a span after the first with a negative offset, a negative bucket count, and a
 * count below the sum of the bucket counts. 2.42 does not check the schema. Thread-safe
 * (stateless).
 */
public final class HistogramValidation {
  private static final String SPAN_NEGATIVE_OFFSET =
      "histogram has a span whose offset is negative";
  private static final String SPANS_BUCKETS_MISMATCH =
      "histogram spans specify different number of buckets than provided";
  private static final String NEGATIVE_BUCKET_COUNT =
      "histogram has a bucket whose observation count is negative";
  private static final String COUNT_NOT_BIG_ENOUGH =
      "histogram's observation count should be at least the number of observations found in the"
          + " buckets";

  private HistogramValidation() {}

  /** Null if {@code h} is valid, else Prometheus' error message. */
  public static String validate(Histogram h) {
    String e = spans("negative side", h.negativeSpans(), h.negativeBuckets().length);
    if (e == null) {
      e = spans("positive side", h.positiveSpans(), h.positiveBuckets().length);
    }
    if (e != null) {
      return e;
    }
    long[] sums = new long[1];
    e = deltaBuckets("negative side", h.negativeBuckets(), sums);
    if (e == null) {
      e = deltaBuckets("positive side", h.positiveBuckets(), sums);
    }
    if (e != null) {
      return e;
    }
    if (Long.compareUnsigned(sums[0], h.count()) > 0) {
      return Long.toUnsignedString(sums[0])
          + " observations found in buckets, but the Count field is "
          + Long.toUnsignedString(h.count())
          + ": "
          + COUNT_NOT_BIG_ENOUGH;
    }
    return null;
  }

  /** Null if {@code h} is valid, else Prometheus' error message. */
  public static String validate(FloatHistogram h) {
    String e = spans("negative side", h.negativeSpans(), h.negativeBuckets().length);
    if (e == null) {
      e = spans("positive side", h.positiveSpans(), h.positiveBuckets().length);
    }
    if (e != null) {
      return e;
    }
    double[] sums = new double[1];
    e = absoluteBuckets("negative side", h.negativeBuckets(), sums);
    if (e == null) {
      e = absoluteBuckets("positive side", h.positiveBuckets(), sums);
    }
    if (e != null) {
      return e;
    }
    if (sums[0] > h.count()) {
      return String.format(
          Locale.ROOT,
          "%f observations found in buckets, but the Count field is %f: %s",
          sums[0],
          h.count(),
          COUNT_NOT_BIG_ENOUGH);
    }
    return null;
  }

  private static String spans(String side, List<HistogramSpan> spans, int buckets) {
    long need = 0;
    for (int n = 0; n < spans.size(); n++) {
      HistogramSpan s = spans.get(n);
      if (n > 0 && s.offset() < 0) {
        return side
            + ": span number "
            + (n + 1)
            + " with offset "
            + s.offset()
            + ": "
            + SPAN_NEGATIVE_OFFSET;
      }
      need += s.length();
    }
    if (need != buckets) {
      return side
          + ": spans need "
          + need
          + " buckets, have "
          + buckets
          + " buckets: "
          + SPANS_BUCKETS_MISMATCH;
    }
    return null;
  }

  private static String deltaBuckets(String side, long[] deltas, long[] sum) {
    long c = 0;
    for (int i = 0; i < deltas.length; i++) {
      c += deltas[i];
      if (c < 0) {
        return side
            + ": bucket number "
            + (i + 1)
            + " has observation count of "
            + c
            + ": "
            + NEGATIVE_BUCKET_COUNT;
      }
      sum[0] += c;
    }
    return null;
  }

  private static String absoluteBuckets(String side, double[] counts, double[] sum) {
    for (int i = 0; i < counts.length; i++) {
      double c = counts[i];
      if (c < 0) {
        return side
            + ": bucket number "
            + (i + 1)
            + " has observation count of "
            + goFloat(c)
            + ": "
            + NEGATIVE_BUCKET_COUNT;
      }
      sum[0] += c;
    }
    return null;
  }

  // Go's %v of a float64 for the common cases (integral values print without a fraction).
  private static String goFloat(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
