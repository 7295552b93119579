// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two grammars, as Prometheus' {@code model.ParseDuration} and Go's {@code time.ParseDuration}
 * accept and reject them (their own test tables' cases), in nanoseconds.
 */
class GoDurationsTest {
  @ParameterizedTest(name = "prometheus {0} = {1} ns")
  @CsvSource({
    "0,               0",
    "0s,              0",
    "324ms,           324000000",
    "3s,              3000000000",
    "5m,              300000000000",
    "1h,              3600000000000",
    "4d,              345600000000000",
    "4d1h,            349200000000000",
    "14d,             1209600000000000",
    "3w,              1814400000000000",
    "3w2d1h,          1990800000000000",
    "10y,             315360000000000000",
    "1y1w1d1h1m1s1ms, 32230861001000000",
    "292y,            9208512000000000000",
  })
  void parsesPrometheusDurations(String text, long nanos) {
    assertThat(GoDurations.parsePrometheus(text)).isEqualTo(Duration.ofNanos(nanos));
    assertThat(GoDurations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "not prometheus: \"{0}\"")
  @ValueSource(
      strings = {"", "1", "1.5h", "1h1d", "1m1h", "1h1h", "-1s", "1 h", " 1h", "1H", "300y", "1us"})
  void rejectsWhatPrometheusRejects(String text) {
    assertThatThrownBy(() -> GoDurations.parsePrometheus(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "go {0} = {1} ns")
  @CsvSource({
    "0,                    0",
    "-0,                   0",
    "+0,                   0",
    "5s,                   5000000000",
    "30s,                  30000000000",
    "1478s,                1478000000000",
    "-5s,                  -5000000000",
    "+5s,                  5000000000",
    "-0s,                  0",
    "5.0s,                 5000000000",
    "5.6s,                 5600000000",
    "5.s,                  5000000000",
    ".5s,                  500000000",
    "1.004s,               1004000000",
    "100.00100s,           100001000000",
    "10ns,                 10",
    "11us,                 11000",
    "12µs,                 12000",
    "12μs,                 12000",
    "13ms,                 13000000",
    "14s,                  14000000000",
    "15m,                  900000000000",
    "16h,                  57600000000000",
    "3h30m,                12600000000000",
    "30m3h,                12600000000000",
    "10.5s4m,              250500000000",
    "-2m3.4s,              -123400000000",
    "1h2m3s4ms5us6ns,      3723004005006",
    "39h9m14.425s,         140954425000000",
    "52763797000ns,        52763797000",
    "0.3333333333333333333h, 1200000000000",
    "9007199254740993ns,   9007199254740993",
    "9223372036854775807ns, 9223372036854775807",
    "9223372036854775.807us, 9223372036854775807",
    "9223372036s854ms775us807ns, 9223372036854775807",
    "-9223372036854775808ns, -9223372036854775808",
    "0.100000000000000000000h, 360000000000",
    "0.830103483285477580700h, 2988372539827",
  })
  void parsesGoDurations(String text, long nanos) {
    assertThat(GoDurations.parseGo(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "not go: \"{0}\"")
  @ValueSource(
      strings = {
        "",
        "3",
        "-",
        "s",
        ".",
        "-.",
        ".s",
        "+.s",
        "1d",
        "\u0085\u0085",
        "\u00ff",
        "9223372036854775808ns",
        "9223372036854775.808us",
        "9223372036854ms775us808ns",
        "1 h",
        " 1h",
      })
  void rejectsWhatGoRejects(String text) {
    assertThatThrownBy(() -> GoDurations.parseGo(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "either: {0} = {1} ns")
  @CsvSource({
    "15d,    1296000000000000",
    "1h30m,  5400000000000",
    "1.5h,   5400000000000",
    "2m0s,   120000000000",
    "10us,   10000",
    "30s1m,  90000000000", // Go's grammar: any order
  })
  void parseTakesEitherGrammar(String text, long nanos) {
    assertThat(GoDurations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "neither: \"{0}\"")
  @ValueSource(strings = {"", "5", "soon", "1.5d", "1h1d", "1d1.5h", "-5s", "300y", " 1h"})
  void parseRejectsWhatNeitherGrammarTakesAndNegativeValues(String text) {
    assertThatThrownBy(() -> GoDurations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"");
  }
}
