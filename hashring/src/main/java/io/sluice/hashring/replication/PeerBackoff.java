// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Thanos' back-off of failing peers (§4.1 step 7): a forward that fails as unavailable marks the
 * peer down for {@code 100 ms × 2^attempt} with jitter, at most the maximum back-off; while it is
 * down, forwards to it fail at once. A success clears it; {@link #reset()} (a hashring change)
 * clears all.
 *
 * <p>Thread-safe.
 */
public final class PeerBackoff {
  private static final long BASE_NANOS = 100_000_000L;

  private final long maxNanos;
  private final LongSupplier nanoTime;
  private final RandomGenerator random;
  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

  private record State(int attempt, long untilNanos) {}

  /**
   * @param maxNanos {@code --receive-forward-max-backoff}
   * @param nanoTime the clock ({@link System#nanoTime} in production)
   * @param random jitter source
   */
  public PeerBackoff(long maxNanos, LongSupplier nanoTime, RandomGenerator random) {
    this.maxNanos = maxNanos;
    this.nanoTime = nanoTime;
    this.random = random;
  }

  /** Whether forwards to {@code address} are being held back now. */
  public boolean backingOff(String address) {
    State s = states.get(address);
    return s != null && nanoTime.getAsLong() - s.untilNanos() < 0;
  }

  /** Records an unavailable peer: the next back-off is twice the last, jittered, capped. */
  public void failed(String address) {
    states.compute(
        address,
        (a, s) -> {
          int attempt = s == null ? 0 : Math.min(s.attempt() + 1, 30);
          long d = Math.min(maxNanos, BASE_NANOS << Math.min(attempt, 20));
          // Jitter: between half and the whole delay.
          long jittered = d / 2 + (long) (random.nextDouble() * (d / 2));
          return new State(attempt, nanoTime.getAsLong() + jittered);
        });
  }

  /** Records a peer that answered. */
  public void succeeded(String address) {
    if (!states.isEmpty()) {
      states.remove(address);
    }
  }

  /** Forgets every peer's state. */
  public void reset() {
    states.clear();
  }
}
