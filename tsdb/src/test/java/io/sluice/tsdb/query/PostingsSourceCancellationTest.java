// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class PostingsSourceCancellationTest {
  private static final int VALUES = 1_000_000;

  /** A label {@code job} with a million values, one series each, counting the values tested. */
  private static class ManyValues implements PostingsSource {
    final AtomicInteger tested = new AtomicInteger();

    @Override
    public long[] all() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long[] get(String name, String value) {
      return new long[0];
    }

    @Override
    public long[] union(String name, Predicate<String> valueFilter) {
      for (int i = 0; i < VALUES; i++) {
        tested.incrementAndGet();
        valueFilter.test("v" + i);
      }
      return new long[0];
    }
  }

  @Test
  void stopsTestingLabelValuesSoonAfterTheSignalIsSet() {
    ManyValues p = new ManyValues();
    List<Matcher> matchers = List.of(Matcher.re("job", "v.*x"));
    assertThatThrownBy(() -> PostingsSource.select(p, matchers, () -> p.tested.get() >= 1000))
        .isInstanceOf(CancellationException.class);
    assertThat(p.tested.get()).isBetween(1000, 1000 + Cancellation.INTERVAL);
  }

  @Test
  void alsoStopsWhileRemovingTheSeriesOfValuesAMatcherAcceptingEmptyRejects() {
    ManyValues p = new ManyValues();
    // job!~"v1.*" accepts "": select subtracts the union of the values it rejects from all().
    List<Matcher> matchers = List.of(Matcher.nre("job", "v1.*"));
    ManyValues withAll =
        new ManyValues() {
          @Override
          public long[] all() {
            return new long[] {1, 2, 3};
          }
        };
    assertThatThrownBy(
            () -> PostingsSource.select(withAll, matchers, () -> withAll.tested.get() >= 500))
        .isInstanceOf(CancellationException.class);
    assertThat(withAll.tested.get()).isBetween(500, 500 + Cancellation.INTERVAL);
    assertThat(p.tested.get()).isZero();
  }

  @Test
  void runsToTheEndWhenNeverCancelled() {
    ManyValues p = new ManyValues();
    assertThat(PostingsSource.select(p, List.of(Matcher.re("job", "v.*x")), () -> false)).isEmpty();
    assertThat(p.tested.get()).isEqualTo(VALUES);
  }
}
