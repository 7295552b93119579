// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiveMetricsTest {
  private final ReceiveMetrics metrics = new ReceiveMetrics();

  @Test
  void exposesTheBuildInfoGaugeInThanosShape() {
    assertThat(metrics.scrape())
        .containsPattern(
            "(?m)^sluice_build_info\\{arch=\"[^\"]+\",branch=\"[^\"]*\",javaversion=\""
                + java.util.regex.Pattern.quote(Runtime.version().toString())
                + "\",os=\"[^\"]+\",revision=\"[^\"]*\",version=\"[^\"]+\"} 1(\\.0)?$");
  }

  @Test
  void countsAppendedSamplesPerTenantAndTracksInflightRequests() {
    metrics.samplesAppended("a", 0);
    assertThat(metrics.scrape())
        .contains("prometheus_tsdb_head_samples_appended_total{tenant=\"a\",type=\"float\"} 0.0");
    metrics.samplesAppended("a", 5);
    metrics.samplesAppended("a", 7);
    var inflight = metrics.inflight("receive", "post", "a");
    inflight.incrementAndGet();
    assertThat(metrics.inflight("receive", "post", "a")).isSameAs(inflight);

    assertThat(metrics.scrape())
        .contains("prometheus_tsdb_head_samples_appended_total{tenant=\"a\",type=\"float\"} 12.0")
        .contains("http_inflight_requests{handler=\"receive\",method=\"post\",tenant=\"a\"} 1.0");
  }
}
