// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {

  @Test
  void parsesPrometheusStyleDurations() {
    assertThat(DurationConverter.parse("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(DurationConverter.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(DurationConverter.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThat(DurationConverter.parse("1d2h")).isEqualTo(Duration.ofHours(26));
    assertThat(DurationConverter.parse("30s1m")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void acceptsTheWholePrometheusAndGoGrammars() {
    assertThat(DurationConverter.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(DurationConverter.parse("1w")).isEqualTo(Duration.ofDays(7));
    assertThat(DurationConverter.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationConverter.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
  }

  @Test
  void rejectsPrometheusUnitsOutOfOrderAsPrometheusDoes() {
    // The former grammar took any order of ms, s, m, h and d; Go's takes any order without d.
    assertThatThrownBy(() -> DurationConverter.parse("2h1d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'2h1d'");
  }

  @Test
  void rejectsTextThatIsNotADuration() {
    assertThatThrownBy(() -> DurationConverter.parse("15"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'15'");
    assertThatThrownBy(() -> DurationConverter.parse("15s garbage"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsInTheSameNotation() {
    assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    assertThat(DurationConverter.format(Duration.ZERO)).isEqualTo("0s");
  }
}
