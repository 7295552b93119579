// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.sluice.receiver.proto.prometheus.RemoteWrite;

/**
 * An OTLP exponential histogram data point as a Prometheus native histogram (remote write 1.0
 * {@code Histogram}), as Thanos' translator converts it ({@code
 * pkg/receive/otlptranslator/histograms.go}):
 *
 * <ul>
 *   <li>schema = scale; a scale below -4 is an error; above 8 the buckets are merged down to scale
 *       8 (each step halves the index: {@code index >> (scale - 8)});
 *   <li>OTLP bucket {@code offset + i} counts values in {@code (base^(offset+i),
 *       base^(offset+i+1)]}, Prometheus bucket {@code k} values in {@code (base^(k-1), base^k]}:
 *       Prometheus indexes are OTLP's plus one;
 *   <li>spans and delta-encoded integer counts; gaps of up to two empty buckets are written as zero
 *       deltas inside a span, longer ones start a new span;
 *   <li>zero count as is, zero threshold always {@value #ZERO_THRESHOLD} (OTLP's is ignored); count
 *       and sum as is (sum 0 when absent); reset hint unknown; timestamp in ms;
 *   <li>a point flagged {@code NoRecordedValue} gets the stale NaN as its sum and the stale NaN's
 *       bits as its integer count.
 * </ul>
 *
 * Stateless.
 */
final class ExponentialHistograms {
  /** The zero threshold every translated histogram gets, Prometheus' default. */
  static final double ZERO_THRESHOLD = 1e-128;

  /** Prometheus' stale marker, a NaN with these bits. */
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private ExponentialHistograms() {}

  /** A data point that cannot be converted. */
  static final class UnconvertibleException extends Exception {
    private static final long serialVersionUID = 1L;

    UnconvertibleException(String message) {
      super(message);
    }
  }

  /**
   * @param p the data point
   * @return its native histogram
   * @throws UnconvertibleException for a scale below -4, with Thanos' message
   */
  static RemoteWrite.Histogram toNative(ExponentialHistogramDataPoint p)
      throws UnconvertibleException {
    int scale = p.getScale();
    if (scale < -4) {
      throw new UnconvertibleException(
          "cannot convert exponential to native histogram. Scale must be >= -4, was " + scale);
    }
    int scaleDown = 0;
    if (scale > 8) {
      scaleDown = scale - 8;
      scale = 8;
    }
    RemoteWrite.Histogram.Builder h =
        RemoteWrite.Histogram.newBuilder()
            .setResetHint(RemoteWrite.Histogram.ResetHint.UNKNOWN)
            .setSchema(scale)
            .setZeroCountInt(p.getZeroCount())
            .setZeroThreshold(ZERO_THRESHOLD)
            .setTimestamp(OtlpTranslator.millis(p.getTimeUnixNano()));
    if (p.hasPositive()) {
      addBuckets(p.getPositive(), scaleDown, h, true);
    }
    if (p.hasNegative()) {
      addBuckets(p.getNegative(), scaleDown, h, false);
    }
    if ((p.getFlags() & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0) {
      h.setSum(Double.longBitsToDouble(STALE_NAN_BITS)).setCountInt(STALE_NAN_BITS);
    } else {
      if (p.hasSum()) {
        h.setSum(p.getSum());
      }
      h.setCountInt(p.getCount());
    }
    return h.build();
  }

  private static void addBuckets(
      ExponentialHistogramDataPoint.Buckets buckets,
      int scaleDown,
      RemoteWrite.Histogram.Builder h,
      boolean positive) {
    int n = buckets.getBucketCountsCount();
    if (n == 0) {
      return;
    }
    Layout out = new Layout(h, positive);
    int offset = buckets.getOffset();
    int bucketIdx = (offset >> scaleDown) + 1;
    out.span(bucketIdx);
    long count = 0;
    for (int i = 0; i < n; i++) {
      int next = ((i + offset) >> scaleDown) + 1;
      if (bucketIdx == next) {
        // Not all the OTLP buckets of this Prometheus bucket are in yet.
        count += buckets.getBucketCounts(i);
        continue;
      }
      if (count == 0) {
        count = buckets.getBucketCounts(i);
        continue;
      }
      out.gap(next - bucketIdx - 1);
      out.delta(count);
      count = buckets.getBucketCounts(i);
      bucketIdx = next;
    }
    out.gap(((n + offset - 1) >> scaleDown) + 1 - bucketIdx);
    out.delta(count);
    out.finish();
  }

  /** Spans and deltas of one side, written to the builder when finished. */
  private static final class Layout {
    private final RemoteWrite.Histogram.Builder h;
    private final boolean positive;
    private final java.util.List<int[]> spans = new java.util.ArrayList<>();
    private long prevCount;

    Layout(RemoteWrite.Histogram.Builder h, boolean positive) {
      this.h = h;
      this.positive = positive;
    }

    void span(int offset) {
      spans.add(new int[] {offset, 0});
    }

    void gap(int gap) {
      if (gap > 2) {
        span(gap);
      } else {
        for (int i = 0; i < gap; i++) {
          delta(0);
        }
      }
    }

    void delta(long count) {
      spans.get(spans.size() - 1)[1]++;
      long d = count - prevCount;
      prevCount = count;
      if (positive) {
        h.addPositiveDeltas(d);
      } else {
        h.addNegativeDeltas(d);
      }
    }

    void finish() {
      for (int[] s : spans) {
        RemoteWrite.BucketSpan span =
            RemoteWrite.BucketSpan.newBuilder().setOffset(s[0]).setLength(s[1]).build();
        if (positive) {
          h.addPositiveSpans(span);
        } else {
          h.addNegativeSpans(span);
        }
      }
    }
  }
}
