// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A global bound on the request bodies a receiver holds at once (Sluice only): a request takes its
 * body's bytes before the body is read and gives them back once it is answered. A request that does
 * not fit is refused instead of read into memory; so however many agents send at once, the bodies
 * being received, decoded and written stay within the limit. One request is always admitted when
 * nothing is in flight, so a body larger than the limit (but within the per-request maximum) is not
 * refused forever.
 *
 * <p>Non-blocking and thread-safe: one compare-and-set per request.
 */
public final class BodyBudget {
  private final long limit;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /**
   * @param limitBytes the most body bytes in flight; {@link Long#MAX_VALUE} for no limit
   */
  public BodyBudget(long limitBytes) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limitBytes);
    }
    this.limit = limitBytes;
  }

  /** {@return a budget that admits everything} */
  public static BodyBudget unlimited() {
    return new BodyBudget(Long.MAX_VALUE);
  }

  /**
   * Takes {@code bytes} if they fit (or nothing is in flight); otherwise counts a refusal.
   *
   * @return whether the bytes were taken; the caller {@link #release}s them once answered
   */
  public boolean tryAcquire(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
    }
    while (true) {
      long cur = inFlight.get();
      if (cur > 0 && bytes > limit - cur) {
        refused.incrementAndGet();
        return false;
      }
      if (inFlight.compareAndSet(cur, cur + bytes)) {
        return true;
      }
    }
  }

  /** Gives back bytes taken by {@link #tryAcquire}. */
  public void release(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
    }
    while (true) {
      long cur = inFlight.get();
      if (bytes > cur) {
        throw new IllegalStateException(
            "released more than was taken: " + bytes + " of " + cur + " in flight");
      }
      if (inFlight.compareAndSet(cur, cur - bytes)) {
        return;
      }
    }
  }

  /** {@return the limit in bytes} */
  public long limit() {
    return limit;
  }

  /** {@return the body bytes in flight} */
  public long inFlight() {
    return inFlight.get();
  }

  /** {@return the requests refused since start} */
  public long refused() {
    return refused.get();
  }
}
