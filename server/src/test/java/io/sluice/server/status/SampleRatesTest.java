// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SampleRatesTest {
  private final AtomicLong nanos = new AtomicLong();
  private final Map<String, Double> totals = new HashMap<>();
  private final SampleRates rates = new SampleRates(() -> totals, nanos::get, 3);

  private void at(long seconds) {
    nanos.set(seconds * 1_000_000_000L);
    rates.sample();
  }

  @Test
  void isUnknownUntilTwoReadings() {
    totals.put("a", 10.0);
    at(0);
    assertThat(rates.rate("a")).isNull();
    totals.put("a", 30.0);
    at(10);
    assertThat(rates.rate("a")).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void spansTheOldestAndNewestReadingKept() {
    totals.put("a", 0.0);
    at(0);
    totals.put("a", 100.0);
    at(5);
    totals.put("a", 100.0);
    at(10);
    // Window [0, 10]: 100 in 10 s.
    assertThat(rates.rate("a")).isCloseTo(10.0, within(1e-9));
    totals.put("a", 100.0);
    at(15);
    // The reading at 0 fell out: window [5, 15], nothing new.
    assertThat(rates.rate("a")).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void aCounterThatAppearsCountsFromZero() {
    at(0);
    totals.put("new", 50.0);
    at(10);
    assertThat(rates.rates()).containsOnlyKeys("new");
    assertThat(rates.rate("new")).isCloseTo(5.0, within(1e-9));
  }
}
