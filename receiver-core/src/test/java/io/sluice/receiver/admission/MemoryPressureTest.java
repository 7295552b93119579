// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import static io.sluice.receiver.admission.MemoryLevel.KNOWN_SERIES_ONLY;
import static io.sluice.receiver.admission.MemoryLevel.NORMAL;
import static io.sluice.receiver.admission.MemoryLevel.WRITES_REFUSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemoryPressureTest {
  private static final MemoryLimits BOTH = new MemoryLimits(0.80, 0.90);
  private static final MemoryLimits NEW_SERIES_ONLY = new MemoryLimits(0.80, 0);
  private static final MemoryLimits WRITES_ONLY = new MemoryLimits(0, 0.90);

  private static MemoryLimits limits(String name) {
    return switch (name) {
      case "both" -> BOTH;
      case "newSeries" -> NEW_SERIES_ONLY;
      case "writes" -> WRITES_ONLY;
      case "off" -> MemoryLimits.OFF;
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest(name = "{0}: {1} at {2} -> {3}")
  @CsvSource({
    // limits, from, ratio, to
    "both, NORMAL, 0.00, NORMAL",
    "both, NORMAL, 0.79, NORMAL",
    "both, NORMAL, 0.80, KNOWN_SERIES_ONLY",
    "both, NORMAL, 0.89, KNOWN_SERIES_ONLY",
    "both, NORMAL, 0.90, WRITES_REFUSED",
    "both, NORMAL, 1.00, WRITES_REFUSED",
    // hysteresis: a level is left 5 points below its mark
    "both, KNOWN_SERIES_ONLY, 0.79, KNOWN_SERIES_ONLY",
    "both, KNOWN_SERIES_ONLY, 0.75, KNOWN_SERIES_ONLY",
    "both, KNOWN_SERIES_ONLY, 0.749, NORMAL",
    "both, KNOWN_SERIES_ONLY, 0.90, WRITES_REFUSED",
    "both, WRITES_REFUSED, 0.89, WRITES_REFUSED",
    "both, WRITES_REFUSED, 0.85, WRITES_REFUSED",
    "both, WRITES_REFUSED, 0.849, KNOWN_SERIES_ONLY",
    "both, WRITES_REFUSED, 0.75, KNOWN_SERIES_ONLY",
    "both, WRITES_REFUSED, 0.50, NORMAL",
    // one mark set
    "newSeries, NORMAL, 0.99, KNOWN_SERIES_ONLY",
    "newSeries, KNOWN_SERIES_ONLY, 0.76, KNOWN_SERIES_ONLY",
    "newSeries, KNOWN_SERIES_ONLY, 0.70, NORMAL",
    "writes, NORMAL, 0.89, NORMAL",
    "writes, NORMAL, 0.90, WRITES_REFUSED",
    "writes, WRITES_REFUSED, 0.86, WRITES_REFUSED",
    "writes, WRITES_REFUSED, 0.84, NORMAL",
    "off, NORMAL, 1.00, NORMAL",
  })
  void movesToTheLevelOfTheLiveShareWithHysteresis(
      String limits, MemoryLevel from, double ratio, MemoryLevel to) {
    assertThat(MemoryPressure.next(limits(limits), from, ratio)).isEqualTo(to);
  }

  @Test
  void anEpisodeRisesWithTheHeapAndRecoversOnlyWellBelowEachMark() {
    MemoryPressure p = new MemoryPressure(BOTH);
    double[] ratios = {0.5, 0.82, 0.78, 0.91, 0.87, 0.84, 0.76, 0.74, 0.81};
    List<MemoryLevel> seen = new java.util.ArrayList<>();
    for (double r : ratios) {
      seen.add(p.update(r));
    }
    assertThat(seen)
        .containsExactly(
            NORMAL,
            KNOWN_SERIES_ONLY,
            KNOWN_SERIES_ONLY,
            WRITES_REFUSED,
            WRITES_REFUSED,
            KNOWN_SERIES_ONLY,
            KNOWN_SERIES_ONLY,
            NORMAL,
            KNOWN_SERIES_ONLY);
  }

  @Test
  void refusesMarksThatCannotWork() {
    assertThatThrownBy(() -> new MemoryLimits(0.9, 0.8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.8 < 0.9");
    assertThatThrownBy(() -> new MemoryLimits(1.0, 0))
        .hasMessageContaining("newSeries must be 0 (off) or in (0.05, 1): 1.0");
    assertThatThrownBy(() -> new MemoryLimits(0, 0.05)).hasMessageContaining("writes");
    assertThatThrownBy(() -> new MemoryLimits(-0.1, 0)).hasMessageContaining("newSeries");
    assertThat(new MemoryLimits(0.5, 0.5).enabled()).isTrue();
    assertThat(MemoryLimits.OFF.enabled()).isFalse();
  }
}
