// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.relabel.RelabelGolden.Case;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Sluice's relabeller against what Prometheus 2.42 sent for the same series and rules (the
 * checked-in golden set; {@code PrometheusRelabelGoldenIT} re-checks it against a live Prometheus).
 */
class RelabelGoldenTest {
  @Test
  void everyCaseGivesWhatPrometheusSent() {
    List<String[]> input = RelabelGolden.input();
    Map<String, SortedSet<String>> expected = RelabelGolden.expected();
    List<Case> cases = RelabelGolden.cases();
    assertThat(expected.keySet())
        .containsExactlyElementsOf(cases.stream().map(Case::name).toList());
    for (Case c : cases) {
      SortedSet<String> want = new TreeSet<>(expected.get(c.name()));
      want.remove(RelabelGolden.NONE);
      assertThat(RelabelGolden.sluice(c, input)).as(c.name()).containsExactlyElementsOf(want);
    }
  }

  @Test
  void theGoldenSetCoversEveryActionAndRealChanges() {
    String all = String.join("\n", RelabelGolden.cases().stream().map(Case::rules).toList());
    for (RelabelAction a : RelabelAction.values()) {
      assertThat(all).as(a.yamlName()).contains("action: " + a.yamlName());
    }
    Map<String, SortedSet<String>> expected = RelabelGolden.expected();
    SortedSet<String> input = new TreeSet<>();
    RelabelGolden.input().forEach(l -> input.add(RelabelGolden.format(l)));
    assertThat(input).hasSizeGreaterThan(10);
    assertThat(expected.get("identity")).isEqualTo(input);
    // Cases that change something, drop something, and drop everything are all there.
    assertThat(expected.get("labelmap")).isNotEqualTo(input);
    assertThat(expected.get("keep-by-name")).isSubsetOf(input).hasSizeLessThan(input.size());
    assertThat(expected.get("drop-everything")).containsExactly(RelabelGolden.NONE);
  }

  @Test
  void labelSetsRoundTripThroughTheFixtureFormat() {
    String[] l = {"a", "x \"q\" \\ \n", "b", ""};
    assertThat(RelabelGolden.parse(RelabelGolden.format(l))).containsExactly(l);
  }
}
