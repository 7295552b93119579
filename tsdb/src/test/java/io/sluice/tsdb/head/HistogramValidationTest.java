// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prometheus 2.42's histogram validation and its messages ({@code head_append.go}). */
class HistogramValidationTest {
  private static Histogram hist(long count, List<HistogramSpan> pos, long... deltas) {
    return new Histogram((byte) 0, 0, 0.0, 0, count, 1.0, pos, List.of(), deltas, new long[0]);
  }

  @Test
  void acceptsAValidHistogramAndOneWithMoreObservationsThanBuckets() {
    assertThat(HistogramValidation.validate(hist(5, List.of(new HistogramSpan(-3, 2)), 2, 1)))
        .isNull();
    assertThat(HistogramValidation.validate(hist(9, List.of(new HistogramSpan(-3, 2)), 2, 1)))
        .isNull();
  }

  @Test
  void namesSpansThatDoNotMatchTheBuckets() {
    assertThat(HistogramValidation.validate(hist(5, List.of(new HistogramSpan(0, 3)), 2, 1)))
        .isEqualTo(
            "positive side: spans need 3 buckets, have 2 buckets: histogram spans specify"
                + " different number of buckets than provided");
  }

  @Test
  void namesANegativeOffsetAfterTheFirstSpan() {
    List<HistogramSpan> spans = List.of(new HistogramSpan(0, 1), new HistogramSpan(-1, 1));
    assertThat(HistogramValidation.validate(hist(5, spans, 2, 1)))
        .isEqualTo(
            "positive side: span number 2 with offset -1: histogram has a span whose offset is"
                + " negative");
  }

  @Test
  void namesANegativeBucketCount() {
    assertThat(HistogramValidation.validate(hist(5, List.of(new HistogramSpan(0, 2)), 2, -3)))
        .isEqualTo(
            "positive side: bucket number 2 has observation count of -1: histogram has a bucket"
                + " whose observation count is negative");
  }

  @Test
  void namesACountBelowTheBuckets() {
    assertThat(HistogramValidation.validate(hist(2, List.of(new HistogramSpan(0, 2)), 2, 1)))
        .isEqualTo(
            "5 observations found in buckets, but the Count field is 2: histogram's observation"
                + " count should be at least the number of observations found in the buckets");
    FloatHistogram f =
        new FloatHistogram(
            (byte) 0,
            0,
            0.0,
            0.0,
            1.5,
            1.0,
            List.of(new HistogramSpan(0, 1)),
            List.of(),
            new double[] {2.5},
            new double[0]);
    assertThat(HistogramValidation.validate(f))
        .isEqualTo(
            "2.500000 observations found in buckets, but the Count field is 1.500000: histogram's"
                + " observation count should be at least the number of observations found in the"
                + " buckets");
  }
}
