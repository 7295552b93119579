// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.receiver.limits.LimitRejection;
import io.sluice.receiver.limits.LimitsConfig;
import io.sluice.server.cli.LimitsFlags;
import io.sluice.server.metrics.LimitsMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading the limits file: a change applies, a bad file keeps the limits and is counted. */
class LimitsTest {
  // The timer never fires during a test: reloads are called by hand.
  private static final long HOUR = 3_600_000;

  @TempDir Path dir;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Limits limits;

  @AfterEach
  void stop() {
    if (limits != null) {
      limits.close();
    }
  }

  private static String seriesLimit(long n) {
    return "write:\n  default:\n    request:\n      series_limit: " + n + "\n";
  }

  private Limits start(Path file, ActiveSeriesStub active) throws Exception {
    LimitsConfig initial = LimitsConfig.parse(Files.readString(file));
    limits =
        Limits.start(new LimitsFlags(file, initial, HOUR), active, new LimitsMetrics(registry));
    return limits;
  }

  private interface ActiveSeriesStub extends io.sluice.receiver.limits.ActiveSeries {}

  private double metric(String line) {
    for (String l : registry.scrape().split("\n")) {
      if (l.startsWith(line + " ")) {
        return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  @Test
  void aChangedFileAppliesAndAnInvalidOneKeepsTheLimitsAndIsCounted() throws Exception {
    Path file = Files.writeString(dir.resolve("limits.yml"), seriesLimit(10));
    Limits l = start(file, t -> 0);
    assertThat(l.limiter().checkSeriesAndSamples("t", 11, 0)).isEqualTo(LimitRejection.SERIES);
    assertThat(metric("thanos_receive_limits_config_reload_total")).isEqualTo(1);
    assertThat(metric("thanos_receive_limits_config_reload_err_total")).isZero();
    assertThat(metric("thanos_receive_write_limits{limit=\"series\",tenant=\"\"}")).isEqualTo(10);

    // Unchanged content: nothing happens.
    assertThat(l.reload()).isFalse();
    assertThat(metric("thanos_receive_limits_config_reload_total")).isEqualTo(1);

    Files.writeString(file, seriesLimit(100));
    assertThat(l.reload()).isTrue();
    assertThat(l.limiter().checkSeriesAndSamples("t", 11, 0)).isNull();
    assertThat(l.limiter().checkSeriesAndSamples("t", 101, 0)).isEqualTo(LimitRejection.SERIES);
    assertThat(metric("thanos_receive_write_limits{limit=\"series\",tenant=\"\"}")).isEqualTo(100);

    Files.writeString(file, "write:\n  default:\n    request:\n      serie_limit: 1\n");
    assertThat(l.reload()).isFalse();
    assertThat(l.limiter().checkSeriesAndSamples("t", 101, 0)).isEqualTo(LimitRejection.SERIES);
    assertThat(l.limiter().checkSeriesAndSamples("t", 100, 0)).isNull();
    assertThat(metric("thanos_receive_limits_config_reload_total")).isEqualTo(3);
    assertThat(metric("thanos_receive_limits_config_reload_err_total")).isEqualTo(1);
    // Not retried until it changes again.
    assertThat(l.reload()).isFalse();
    assertThat(metric("thanos_receive_limits_config_reload_err_total")).isEqualTo(1);

    // A missing file keeps the limits and is not a reload.
    Files.delete(file);
    assertThat(l.reload()).isFalse();
    assertThat(metric("thanos_receive_limits_config_reload_total")).isEqualTo(3);
    Files.writeString(file, seriesLimit(5));
    assertThat(l.reload()).isTrue();
    assertThat(l.limiter().checkSeriesAndSamples("t", 6, 0)).isEqualTo(LimitRejection.SERIES);
  }

  @Test
  void tenantsDroppedFromTheFileLoseTheirGaugesAndTheGateAppearsWhenConfigured() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("limits.yml"),
            "write:\n  tenants:\n    acme:\n      head_series_limit: 5\n");
    Limits l = start(file, t -> 7);
    assertThat(metric("thanos_receive_write_limits{limit=\"series\",tenant=\"acme\"}")).isZero();
    assertThat(l.limiter().checkHeadSeries("acme")).isEqualTo(LimitRejection.HEAD_SERIES);
    assertThat(l.limiter().checkHeadSeries("other")).isNull();
    assertThat(metric("thanos_receive_head_series_limit{tenant=\"acme\"}")).isEqualTo(5);
    assertThat(metric("thanos_receive_head_series_limited_requests_total{tenant=\"acme\"}"))
        .isEqualTo(1);
    assertThat(registry.scrape()).doesNotContain("gate_write_requests");

    Files.writeString(file, "write:\n  global:\n    max_concurrency: 3\n");
    assertThat(l.reload()).isTrue();
    String scrape = registry.scrape();
    assertThat(scrape)
        .doesNotContain("thanos_receive_head_series_limit{")
        .doesNotContain("thanos_receive_write_limits{limit=\"series\",tenant=\"acme\"}");
    assertThat(metric("thanos_receive_write_request_concurrent_gate_write_requests_max"))
        .isEqualTo(3);
    assertThat(metric("thanos_receive_write_request_concurrent_gate_write_requests_in_flight"))
        .isZero();
    assertThat(scrape)
        .contains("thanos_receive_write_request_concurrent_gate_write_requests_total ")
        .contains(
            "thanos_receive_write_request_concurrent_gate_write_requests_duration_seconds_bucket");
  }

  @Test
  void routerOnlyNeverLimitsHeadSeries() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("limits.yml"), "write:\n  default:\n    head_series_limit: 1\n");
    LimitsConfig initial = LimitsConfig.parse(Files.readString(file));
    limits = Limits.start(new LimitsFlags(file, initial, HOUR), null, new LimitsMetrics(registry));
    assertThat(limits.limiter().checkHeadSeries("t")).isNull();
    assertThat(registry.scrape()).doesNotContain("thanos_receive_head_series_limit{");
  }
}
