// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeriesCatalogTest {

  private static List<String[]> labels(SeriesCatalog catalog, long index) {
    String[] names = new String[catalog.maxLabels()];
    String[] values = new String[catalog.maxLabels()];
    int n = catalog.labels(index, names, values);
    return List.of(Arrays.copyOf(names, n), Arrays.copyOf(values, n));
  }

  private static String key(SeriesCatalog catalog, long index) {
    List<String[]> l = labels(catalog, index);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < l.get(0).length; i++) {
      sb.append(l.get(0)[i]).append('=').append(l.get(1)[i]).append(',');
    }
    return sb.toString();
  }

  @Test
  void everySeriesHasADistinctLabelSet() {
    SeriesCatalog catalog = SeriesCatalog.create(5_000, "bench");

    Set<String> keys = new HashSet<>();
    for (long s = 0; s < catalog.series(); s++) {
      keys.add(key(catalog, s));
    }

    assertThat(keys).hasSize(5_000);
  }

  @Test
  void labelsAreSortedByNameInByteOrderWithTheMetricNameFirst() {
    SeriesCatalog catalog = SeriesCatalog.create(2_000, "bench");

    for (long s = 0; s < catalog.series(); s++) {
      String[] names = labels(catalog, s).get(0);
      assertThat(names[0]).isEqualTo("__name__");
      for (int i = 1; i < names.length; i++) {
        assertThat(
                Arrays.compareUnsigned(
                    names[i - 1].getBytes(StandardCharsets.UTF_8),
                    names[i].getBytes(StandardCharsets.UTF_8)))
            .as("%s before %s", names[i - 1], names[i])
            .isNegative();
      }
    }
  }

  @Test
  void everySeriesCarriesClusterInstanceAndJobAndValidNames() {
    SeriesCatalog catalog = SeriesCatalog.create(1_000, "prod-eu");

    for (long s = 0; s < catalog.series(); s++) {
      List<String[]> l = labels(catalog, s);
      Map<String, String> m = new HashMap<>();
      for (int i = 0; i < l.get(0).length; i++) {
        m.put(l.get(0)[i], l.get(1)[i]);
        assertThat(l.get(0)[i]).matches("[a-zA-Z_][a-zA-Z0-9_]*");
        assertThat(l.get(1)[i]).isNotEmpty();
      }
      assertThat(m.get("__name__")).matches("[a-zA-Z_:][a-zA-Z0-9_:]*");
      assertThat(m).containsEntry("cluster", "prod-eu").containsKeys("instance", "job");
    }
  }

  @Test
  void hasNodeExporterAndKubeStateMetricsFamilies() {
    SeriesCatalog catalog = SeriesCatalog.create(1_000, "bench");

    Set<String> metrics = new HashSet<>();
    for (long s = 0; s < catalog.seriesPerInstance(); s++) {
      metrics.add(labels(catalog, s).get(1)[0]);
    }

    assertThat(metrics)
        .contains(
            "node_cpu_seconds_total",
            "node_filesystem_avail_bytes",
            "node_network_receive_bytes_total",
            "node_memory_MemAvailable_bytes",
            "kube_pod_status_phase",
            "kube_pod_container_status_restarts_total");
  }

  @Test
  void instancesAreSeriesDividedBySeriesPerInstanceRoundedUp() {
    SeriesCatalog one = SeriesCatalog.create(1, "bench");
    int per = one.seriesPerInstance();

    assertThat(per).isBetween(200, 1_000);
    assertThat(one.instances()).isEqualTo(1);
    assertThat(SeriesCatalog.create(per, "bench").instances()).isEqualTo(1);
    assertThat(SeriesCatalog.create(per + 1L, "bench").instances()).isEqualTo(2);
    assertThat(SeriesCatalog.create(1_000_000, "bench").instances())
        .isEqualTo((1_000_000 + per - 1) / per);
  }

  @Test
  void seriesOfTheSameTemplateOnDifferentInstancesDifferOnlyInInstanceDependentLabels() {
    SeriesCatalog catalog = SeriesCatalog.create(10_000, "bench");
    int per = catalog.seriesPerInstance();

    List<String[]> first = labels(catalog, 3);
    List<String[]> second = labels(catalog, 3 + per);

    assertThat(second.get(0)).isEqualTo(first.get(0));
    assertThat(second.get(1)[0]).isEqualTo(first.get(1)[0]);
    assertThat(Arrays.asList(second.get(1))).contains("node-00001:9100");
  }

  @Test
  void rejectsAnIndexOutsideTheCatalog() {
    SeriesCatalog catalog = SeriesCatalog.create(10, "bench");

    assertThatThrownBy(() -> labels(catalog, 10)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> SeriesCatalog.create(0, "bench"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }
}
