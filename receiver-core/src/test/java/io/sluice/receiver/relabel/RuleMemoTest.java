// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuleMemoTest {
  @Test
  void valuesThatTakeTurnsAreAllRememberedWhileTheyFit() {
    RuleMemo memo = new RuleMemo();
    int n = RuleMemo.MAX_ENTRIES;
    for (int i = 0; i < n; i++) {
      memo.put("node_metric_" + i + "_total", i);
    }
    // Metric names of a target's series come round again and again: none may have evicted another.
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < n; i++) {
        assertThat(memo.get("node_metric_" + i + "_total")).isEqualTo(i);
      }
    }
    assertThat(memo.get("node_metric_" + n + "_total")).isNull();
  }

  @Test
  void aFullMemoStartsOverAndStillAnswersForWhatItTakesAfterwards() {
    RuleMemo memo = new RuleMemo();
    for (int i = 0; i < RuleMemo.MAX_ENTRIES; i++) {
      memo.put("v" + i, Boolean.TRUE);
    }
    memo.put("late", Boolean.FALSE);
    assertThat(memo.get("late")).isEqualTo(Boolean.FALSE);
    assertThat(memo.get("v0")).isNull();
  }

  @Test
  void longValuesAreNotRemembered() {
    RuleMemo memo = new RuleMemo();
    String longValue = "x".repeat(257);
    memo.put(longValue, Boolean.TRUE);
    assertThat(memo.get(longValue)).isNull();
    memo.put("x".repeat(256), Boolean.TRUE);
    assertThat(memo.get("x".repeat(256))).isEqualTo(Boolean.TRUE);
  }
}
