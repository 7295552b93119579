// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesPrometheusAndGoDurations() {
    assertThat(Durations.parseMillis("0")).isZero();
    assertThat(Durations.parseMillis("0s")).isZero();
    assertThat(Durations.parseMillis("15d")).isEqualTo(15L * 86_400_000);
    assertThat(Durations.parseMillis("2h")).isEqualTo(7_200_000);
    assertThat(Durations.parseMillis("1h30m")).isEqualTo(5_400_000);
    assertThat(Durations.parseMillis("500ms")).isEqualTo(500);
    assertThat(Durations.parseMillis("1w")).isEqualTo(7L * 86_400_000);
    assertThat(Durations.parseMillis("1y")).isEqualTo(365L * 86_400_000);
    assertThat(Durations.parseMillis("1.5h")).isEqualTo(5_400_000);
    assertThat(Durations.parseMillis("2m0s")).isEqualTo(120_000);
  }

  @Test
  void rejectsText() {
    assertThatThrownBy(() -> Durations.parseMillis("soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> Durations.parseMillis("5"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parseMillis("1h x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
