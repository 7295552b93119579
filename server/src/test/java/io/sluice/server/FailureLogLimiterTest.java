// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailureLogLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final FailureLogLimiter limiter = new FailureLogLimiter(clock, 60_000);

  @Test
  void logsTheFirstFailureThenAtMostOncePerIntervalWithTheCountInBetween() {
    assertThat(limiter.failed()).isZero();
    now.addAndGet(30_000);
    assertThat(limiter.failed()).isEqualTo(-1);
    now.addAndGet(29_999);
    assertThat(limiter.failed()).isEqualTo(-1);
    now.addAndGet(1);
    assertThat(limiter.failed()).isEqualTo(2);
    now.addAndGet(1);
    assertThat(limiter.failed()).isEqualTo(-1);
  }

  @Test
  void aSuccessEndsTheRunSoTheNextFailureIsLoggedAtOnce() {
    assertThat(limiter.succeeded()).isZero();
    limiter.failed();
    limiter.failed();
    limiter.failed();

    assertThat(limiter.succeeded()).isEqualTo(3);
    assertThat(limiter.failed()).isZero();
    assertThat(limiter.succeeded()).isEqualTo(1);
  }
}
