// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import java.time.InstantSource;

/**
 * Decides which failures of a task that repeats (one tenant's upload passes) are logged as errors:
 * the first failure, then at most one per interval while it keeps failing; the ones in between are
 * counted and that count goes with the next logged failure. A success ends the run of failures, and
 * the next failure is logged at once again.
 *
 * <p>Thread-safe. Time comes from the injected clock.
 */
final class FailureLogLimiter {
  private final InstantSource clock;
  private final long intervalMs;
  private boolean failing;
  private long lastLoggedMs;
  private int notLogged;
  private int failures;

  /**
   * @param intervalMs the least time between two logged failures, ms
   */
  FailureLogLimiter(InstantSource clock, long intervalMs) {
    if (intervalMs < 0) {
      throw new IllegalArgumentException("intervalMs must be >= 0: " + intervalMs);
    }
    this.clock = clock;
    this.intervalMs = intervalMs;
  }

  /**
   * Records a failure.
   *
   * @return {@code -1} when this failure is not to be logged; otherwise the number of failures not
   *     logged since the last logged one ({@code >= 0})
   */
  synchronized int failed() {
    long now = clock.millis();
    failures++;
    if (failing && now - lastLoggedMs < intervalMs) {
      notLogged++;
      return -1;
    }
    failing = true;
    lastLoggedMs = now;
    int n = notLogged;
    notLogged = 0;
    return n;
  }

  /**
   * Records a success.
   *
   * @return the number of failures since the last success, 0 when the task was not failing
   */
  synchronized int succeeded() {
    int n = failures;
    failing = false;
    notLogged = 0;
    failures = 0;
    return n;
  }
}
