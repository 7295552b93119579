// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A slow query (made slow deterministically: its value filter or series test blocks until the test
 * releases it) never holds up series creation, and a cancelled query stops.
 */
class HeadQueryWhileWritingTest {
  // Only a hang guard: before the fix, series creation waited for the query to finish.
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  @Test
  void createsNewSeriesWhileAQueryIsTestingLabelValues() throws Exception {
    long old1 = series(head, "job", "a").ref();
    long old2 = series(head, "job", "b").ref();
    CountDownLatch testing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<long[]> query =
        CompletableFuture.supplyAsync(
            () ->
                head.postings()
                    .union(
                        "job",
                        v -> {
                          testing.countDown();
                          await(release);
                          return true;
                        }));
    try {
      assertThat(testing.await(30, TimeUnit.SECONDS)).isTrue();
      MemSeries created =
          assertTimeoutPreemptively(HANG_GUARD, () -> series(head, "job", "new", "i", "1"));
      assertThat(head.getByRef(created.ref())).isSameAs(created);
      assertThat(query).isNotDone();
    } finally {
      release.countDown();
    }
    // The query works on the values it saw when it started.
    assertThat(query.get(30, TimeUnit.SECONDS)).containsExactly(old1, old2);
  }

  @Test
  void createsNewSeriesWhileLabelNamesTestSeriesForSamples() throws Exception {
    for (int i = 0; i < 200; i++) {
      series(head, "job", "a", "i", Integer.toString(i));
    }
    CountDownLatch testing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger tested = new AtomicInteger();
    CompletableFuture<Boolean> query =
        CompletableFuture.supplyAsync(
            () ->
                head.postings()
                    .any(
                        "job",
                        null,
                        ref -> {
                          tested.incrementAndGet();
                          testing.countDown();
                          await(release);
                          return false;
                        }));
    try {
      assertThat(testing.await(30, TimeUnit.SECONDS)).isTrue();
      assertTimeoutPreemptively(HANG_GUARD, () -> series(head, "job", "a", "i", "new"));
    } finally {
      release.countDown();
    }
    assertThat(query.get(30, TimeUnit.SECONDS)).isFalse();
    // Every series that existed throughout was tested exactly once; the new one perhaps.
    assertThat(tested.get()).isBetween(200, 201);
  }

  @Test
  void aCancelledQueryStopsInsteadOfAnswering() {
    for (int i = 0; i < 1000; i++) {
      series(head, "job", "j" + i, "i", Integer.toString(i));
    }
    Querier q = head.querier(() -> true);
    List<Matcher> matchers = List.of(Matcher.re("job", "j.*"));
    assertThatThrownBy(() -> q.select(0, 10, matchers)).isInstanceOf(CancellationException.class);
    assertThatThrownBy(() -> q.labelValues("i", 0, 10, matchers))
        .isInstanceOf(CancellationException.class);
    assertThatThrownBy(() -> q.labelNames(0, 10, List.of()))
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void aQueryCancelledWhileMatchingStopsWithinAFewValues() {
    for (int i = 0; i < 10_000; i++) {
      series(head, "job", "j" + i);
    }
    AtomicInteger polls = new AtomicInteger();
    // Set from the third poll on: the first polls come before any value is tested.
    Querier q = head.querier(() -> polls.incrementAndGet() > 2);
    assertThatThrownBy(() -> q.select(0, 10, List.of(Matcher.re("job", "j.*x"))))
        .isInstanceOf(CancellationException.class);
    assertThat(polls.get()).isEqualTo(3);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
