// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadConfigTest {

  private static LoadConfig withRounds(int rounds, int warmup) {
    return new LoadConfig(
        URI.create("http://127.0.0.1:19291/api/v1/receive"),
        100,
        10,
        2,
        rounds,
        warmup,
        Duration.ofSeconds(15),
        Duration.ofSeconds(60),
        0,
        Protocol.V1,
        null,
        "bench",
        1,
        Duration.ofSeconds(30),
        HttpTransport.Kind.NETTY,
        0);
  }

  @Test
  void defaultRoundsGiveTenSamplesPerSeries() {
    Duration interval = Duration.ofSeconds(15);

    assertThat(LoadConfig.defaultRounds(10_000, 1, interval)).isEqualTo(10);
    assertThat(LoadConfig.defaultRounds(1_000_000, 1, interval)).isEqualTo(10);
  }

  @Test
  void defaultRoundsAreCappedForHugeSeriesCountsButLeaveATimedRound() {
    Duration interval = Duration.ofSeconds(15);

    assertThat(LoadConfig.defaultRounds(5_000_000, 1, interval)).isEqualTo(4);
    assertThat(LoadConfig.defaultRounds(100_000_000, 1, interval)).isEqualTo(2);
  }

  @Test
  void defaultRoundsStayWithinAnHour() {
    assertThat(LoadConfig.defaultRounds(1_000, 1, Duration.ofMinutes(30))).isEqualTo(3);
  }

  @Test
  void rejectsRoundsThatLeaveNothingToTime() {
    assertThatThrownBy(() -> withRounds(1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rounds (1)");
    assertThat(withRounds(2, 1).timedRounds()).isEqualTo(1);
  }

  @Test
  void totalSamplesAreSeriesTimesRounds() {
    assertThat(withRounds(5, 1).totalSamples()).isEqualTo(500);
  }
}
