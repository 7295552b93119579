// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {
  @Test
  void admitsBodiesUpToTheLimitAndRefusesTheRestUntilBytesComeBack() {
    BodyBudget b = new BodyBudget(100);
    assertThat(b.tryAcquire(60)).isTrue();
    assertThat(b.tryAcquire(40)).isTrue();
    assertThat(b.tryAcquire(1)).isFalse();
    assertThat(b.inFlight()).isEqualTo(100);
    assertThat(b.refused()).isEqualTo(1);
    b.release(60);
    assertThat(b.tryAcquire(61)).isFalse();
    assertThat(b.tryAcquire(60)).isTrue();
    assertThat(b.tryAcquire(0)).as("an empty body costs nothing").isTrue();
  }

  @Test
  void admitsOneBodyLargerThanTheLimitWhenNothingIsInFlight() {
    BodyBudget b = new BodyBudget(100);
    assertThat(b.tryAcquire(500)).isTrue();
    assertThat(b.tryAcquire(1)).isFalse();
    b.release(500);
    assertThat(b.inFlight()).isZero();
    assertThat(b.tryAcquire(1)).isTrue();
    assertThat(b.tryAcquire(500)).isFalse();
  }

  @Test
  void neverHoldsMoreThanTheLimitUnderConcurrentRequests() throws Exception {
    BodyBudget b = new BodyBudget(1_000);
    AtomicLong peak = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch done = new CountDownLatch(4);
    for (int t = 0; t < 4; t++) {
      pool.execute(
          () -> {
            for (int i = 0; i < 20_000; i++) {
              if (b.tryAcquire(300)) {
                peak.accumulateAndGet(b.inFlight(), Math::max);
                b.release(300);
              }
            }
            done.countDown();
          });
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    pool.shutdown();
    assertThat(peak.get()).isLessThanOrEqualTo(900);
    assertThat(b.inFlight()).isZero();
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new BodyBudget(0)).isInstanceOf(IllegalArgumentException.class);
    BodyBudget b = new BodyBudget(10);
    assertThatThrownBy(() -> b.release(1)).isInstanceOf(IllegalStateException.class);
    assertThat(BodyBudget.unlimited().tryAcquire(Long.MAX_VALUE / 2)).isTrue();
  }
}
