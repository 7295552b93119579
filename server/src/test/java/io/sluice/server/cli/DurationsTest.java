// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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
    assertThat(Durations.parseMillis(" 2h ")).isEqualTo(7_200_000);
  }

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({"1499us, 1", "1500us, 2", "10us, 0", "999999ns, 1"})
  void roundsToMillisecondsHalfUp(String text, long millis) {
    assertThat(Durations.parseMillis(text)).isEqualTo(millis);
  }

  @ParameterizedTest(name = "now accepted as Go: {0}")
  @CsvSource({".5h, 1800000", "1.h, 3600000", "5μs, 0", "30s1m, 90000"})
  void acceptsGoDurationsThatTheFormerGrammarRejected(String text, long millis) {
    assertThat(Durations.parseMillis(text)).isEqualTo(millis);
  }

  @ParameterizedTest(name = "now rejected, as by Thanos: {0}")
  @ValueSource(strings = {"1.5d", "1h1d", "1d1.5h", "0.5w"})
  void rejectsWhatNeitherThanosGrammarTakesThoughTheFormerGrammarDid(String text) {
    assertThatThrownBy(() -> Durations.parseMillis(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
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
    assertThatThrownBy(() -> Durations.parseMillis("-1s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }
}
