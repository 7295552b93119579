// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.samples;
import static io.sluice.tsdb.head.HeadFixtures.select;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.testing.MutableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadAppendTest {
  private static final long HOUR = 3_600_000L;
  private static final long STALE = 0x7ff0000000000002L;

  private final MutableClock clock = new MutableClock(100 * HOUR);
  private final Head head = new Head(HeadOptions.defaults(clock));

  @Test
  void acceptsTheFirstSampleOfAnEmptyHeadAtAnyTime() {
    assertThat(head.minTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(head.maxTime()).isEqualTo(Long.MIN_VALUE);
    MemSeries s = series(head, "__name__", "up");
    assertThat(head.append(s, -5, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.minTime()).isEqualTo(-5);
    assertThat(head.maxTime()).isEqualTo(-5);
  }

  @Test
  void acceptsAnIdenticalSampleAgainWithoutStoringIt() {
    MemSeries s = series(head, "__name__", "up");
    assertThat(head.append(s, 1000, bits(1.5))).isEqualTo(AppendResult.OK);
    assertThat(head.append(s, 1000, bits(1.5))).isEqualTo(AppendResult.OK);
    assertThat(samples(head, s)).hasSize(1);
  }

  @Test
  void rejectsTheSameTimestampWithDifferentValueBitsAsDuplicate() {
    MemSeries s = series(head, "__name__", "up");
    head.append(s, 1000, bits(1.5));
    assertThat(head.append(s, 1000, bits(2.5))).isEqualTo(AppendResult.DUPLICATE_SAMPLE);
    assertThat(head.append(s, 1000, bits(-0.0))).isEqualTo(AppendResult.DUPLICATE_SAMPLE);
    // NaNs are compared by bits: a stale marker is not the same as Go's NaN.
    head.append(s, 2000, STALE);
    assertThat(head.append(s, 2000, 0x7ff8000000000001L)).isEqualTo(AppendResult.DUPLICATE_SAMPLE);
    assertThat(head.append(s, 2000, STALE)).isEqualTo(AppendResult.OK);
    assertThat(samples(head, s)).hasSize(2);
  }

  @Test
  void rejectsASampleOlderThanTheSeriesNewestAsOutOfOrder() {
    MemSeries s = series(head, "__name__", "up");
    head.append(s, 2000, bits(1));
    assertThat(head.append(s, 1999, bits(1))).isEqualTo(AppendResult.OUT_OF_ORDER);
    // Another series may still take the older timestamp.
    assertThat(head.append(series(head, "__name__", "other"), 1999, bits(1)))
        .isEqualTo(AppendResult.OK);
  }

  @Test
  void rejectsASampleOlderThanHeadMaxMinusHalfTheChunkRangeAsOutOfBounds() {
    MemSeries a = series(head, "__name__", "a");
    MemSeries b = series(head, "__name__", "b");
    head.append(a, 10 * HOUR, bits(1));
    assertThat(head.append(b, 9 * HOUR - 1, bits(1))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
    assertThat(head.append(b, 9 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
  }

  @Test
  void checksBoundsBeforeSeriesOrder() {
    MemSeries a = series(head, "__name__", "a");
    head.append(a, 10 * HOUR, bits(1));
    // Both out of order for the series and out of bounds for the head.
    assertThat(head.append(a, 8 * HOUR, bits(1))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
  }

  @Test
  void rejectsSamplesBeyondNowPlusTheFutureWindowWhenEnabled() {
    Head guarded = new Head(HeadOptions.defaults(clock).withTooFarInFutureMs(600_000));
    MemSeries s = series(guarded, "__name__", "up");
    long now = clock.millis();
    assertThat(guarded.append(s, now + 600_000, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(guarded.append(s, now + 600_001, bits(1))).isEqualTo(AppendResult.TOO_FAR_IN_FUTURE);
    clock.set(now + 1);
    assertThat(guarded.append(s, now + 600_001, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(guarded.maxTime()).isEqualTo(now + 600_001);
  }

  @Test
  void acceptsFarFutureSamplesWhenTheWindowIsDisabled() {
    MemSeries s = series(head, "__name__", "up");
    assertThat(head.append(s, clock.millis() + 4 * 365 * 24 * HOUR, bits(1)))
        .isEqualTo(AppendResult.OK);
  }

  @Test
  void doesNotMoveMinOrMaxTimeOnRejectedSamples() {
    MemSeries s = series(head, "__name__", "up");
    head.append(s, 10 * HOUR, bits(1));
    head.append(s, 10 * HOUR, bits(2));
    head.append(s, 9 * HOUR + 1, bits(2));
    head.append(s, 1, bits(2));
    assertThat(head.minTime()).isEqualTo(10 * HOUR);
    assertThat(head.maxTime()).isEqualTo(10 * HOUR);
    head.append(series(head, "__name__", "b"), 9 * HOUR + 5, bits(1));
    assertThat(head.minTime()).isEqualTo(9 * HOUR + 5);
  }

  @Test
  void keepsTheStaleMarkerBitExactThroughChunksAndQueries() {
    MemSeries s = series(head, "__name__", "up", "job", "node");
    for (int i = 0; i < 300; i++) {
      head.append(s, i * 15_000L, i % 10 == 9 ? STALE : bits(i));
    }
    List<Series> result = select(head, 0, Long.MAX_VALUE, Matcher.eq("job", "node"));
    assertThat(result).hasSize(1);
    assertThat(result.get(0).chunks()).hasSizeGreaterThan(1);
    List<long[]> got = HeadFixtures.samples(result.get(0));
    assertThat(got).hasSize(300);
    for (int i = 0; i < 300; i++) {
      assertThat(got.get(i)[1]).as("sample %d", i).isEqualTo(i % 10 == 9 ? STALE : bits(i));
    }
  }
}
