// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decisions, as a table: which request gets 413, 429 or goes on (200). */
class WriteLimiterTest {
  private final List<String> events = new ArrayList<>();
  private final WriteLimiter.Listener listener =
      new WriteLimiter.Listener() {
        @Override
        public void limitHit(String tenant, LimitRejection limit, long excess) {
          events.add(tenant + " " + limit.limitName() + " +" + excess);
        }

        @Override
        public void headSeriesLimited(String tenant) {
          events.add(tenant + " head");
        }
      };

  // default: 100 bytes, 10 series, 20 samples, 50 head series; "big": unlimited requests, 1000
  // head series; "free": no head limit.
  private static final LimitsConfig CONFIG =
      new LimitsConfig(
          0,
          new TenantLimits(100, 10, 20, 50),
          Map.of("big", new TenantLimits(0, 0, 0, 1000), "free", new TenantLimits(100, 10, 20, 0)));

  // Active series: tenant name -> count; "unknown" has none.
  private static final ActiveSeries SERIES =
      t ->
          switch (t) {
            case "full" -> 50;
            case "almost" -> 49;
            case "big", "free" -> 5000;
            case "unknown" -> -1;
            default -> 0;
          };

  /**
   * tenant, body bytes, series, samples → expected status (200: none of the checks refuses). Checks
   * run in Thanos' order: head series, body size, series, samples.
   */
  static Stream<Arguments> decisions() {
    return Stream.of(
        Arguments.of("t", 100, 10, 20, 200),
        Arguments.of("t", 101, 1, 1, 413),
        Arguments.of("t", 1, 11, 1, 413),
        Arguments.of("t", 1, 1, 21, 413),
        Arguments.of("almost", 1, 1, 1, 200),
        Arguments.of("full", 1, 1, 1, 429),
        Arguments.of("full", 1000, 1000, 1000, 429),
        Arguments.of("unknown", 1, 1, 1, 200),
        Arguments.of("big", 1 << 30, 1 << 20, 1 << 24, 429),
        Arguments.of("free", 1, 1, 1, 200),
        Arguments.of("free", 1, 1, 21, 413));
  }

  @ParameterizedTest(name = "{0}: {1} bytes, {2} series, {3} samples -> {4}")
  @MethodSource("decisions")
  void decidesAsThanos(String tenant, long bytes, long series, long samples, int status) {
    WriteLimiter l = new WriteLimiter(CONFIG, SERIES, listener);
    assertThat(statusOf(l, tenant, bytes, series, samples)).isEqualTo(status);
  }

  private static int statusOf(
      WriteLimiter l, String tenant, long bytes, long series, long samples) {
    LimitRejection r = l.checkHeadSeries(tenant);
    if (r == null) {
      r = l.checkBodySize(tenant, bytes);
    }
    if (r == null) {
      r = l.checkSeriesAndSamples(tenant, series, samples);
    }
    return r == null ? 200 : r.httpStatus();
  }

  @Test
  void reportsEachRefusalWithTheExcess() {
    WriteLimiter l = new WriteLimiter(CONFIG, SERIES, listener);
    assertThat(l.checkBodySize("t", 130)).isEqualTo(LimitRejection.BODY_SIZE);
    assertThat(l.checkSeriesAndSamples("t", 12, 100)).isEqualTo(LimitRejection.SERIES);
    assertThat(l.checkSeriesAndSamples("t", 10, 25)).isEqualTo(LimitRejection.SAMPLES);
    assertThat(l.checkHeadSeries("full")).isEqualTo(LimitRejection.HEAD_SERIES);
    assertThat(l.checkSeriesAndSamples("t", 10, 20)).isNull();
    assertThat(events)
        .containsExactly("t body_size +30", "t series +2", "t samples +5", "full head");
  }

  @Test
  void neverLimitsHeadSeriesWhereTheyCannotBeCounted() {
    WriteLimiter routerOnly = new WriteLimiter(CONFIG, null, listener);
    assertThat(routerOnly.countsHeadSeries()).isFalse();
    assertThat(routerOnly.checkHeadSeries("full")).isNull();
    assertThat(events).isEmpty();
  }

  @Test
  void usesTheNewConfigurationAfterAnUpdate() {
    WriteLimiter l = new WriteLimiter(LimitsConfig.NONE, SERIES, listener);
    assertThat(l.checkSeriesAndSamples("t", 1_000_000, 1_000_000)).isNull();
    assertThat(l.checkHeadSeries("full")).isNull();
    l.update(CONFIG);
    assertThat(l.checkSeriesAndSamples("t", 11, 1)).isEqualTo(LimitRejection.SERIES);
    assertThat(l.checkHeadSeries("full")).isEqualTo(LimitRejection.HEAD_SERIES);
    assertThat(l.bodySizeLimit("t")).isEqualTo(100);
    assertThat(l.bodySizeLimit("big")).isZero();
  }
}
