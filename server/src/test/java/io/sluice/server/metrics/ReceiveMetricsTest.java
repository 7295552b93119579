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
  void exposesTheExemplarStorageMetricsOfATenantWithPrometheusNames() {
    var storage = new io.sluice.tsdb.exemplar.CircularExemplarStorage(3);
    byte[] key = io.sluice.tsdb.labels.Labels.of("__name__", "m").toKey();
    var trace = io.sluice.tsdb.labels.Labels.of("trace_id", "a");
    storage.add(key, io.sluice.tsdb.exemplar.Exemplar.of(trace, 1, 10));
    storage.add(key, io.sluice.tsdb.exemplar.Exemplar.of(trace, 2, 5));
    metrics.exemplars("a", storage);
    assertThat(metrics.scrape())
        .contains("prometheus_tsdb_exemplar_exemplars_appended_total{tenant=\"a\"} 1.0")
        .contains("prometheus_tsdb_exemplar_out_of_order_exemplars_total{tenant=\"a\"} 1.0")
        .contains("prometheus_tsdb_exemplar_exemplars_in_storage{tenant=\"a\"} 1.0")
        .contains("prometheus_tsdb_exemplar_series_with_exemplars_in_storage{tenant=\"a\"} 1.0")
        .contains("prometheus_tsdb_exemplar_max_exemplars{tenant=\"a\"} 3.0");
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
