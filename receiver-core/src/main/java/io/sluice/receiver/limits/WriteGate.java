// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Thanos' write gate ({@code write.global.max_concurrency}, reference {@code thanos-receive.md}
 * §10): at most {@link #max()} remote-write requests are worked on at once; the others wait, first
 * come first served, and are never refused. It does not block a thread: a request that has to wait
 * leaves a callback that runs when a slot is handed to it, so an event loop can stop reading the
 * request's connection meanwhile.
 *
 * <p>Every request takes a slot through {@link #acquire} and gives it back with {@link #release},
 * also while the gate is off ({@code max <= 0}), so that the in-flight count is right when {@link
 * #setMax} turns it on at a reload.
 *
 * <p>Thread-safe. Callbacks run outside the gate's lock, on the thread that freed the slot (or
 * raised the maximum); they must be quick, e.g. hand the work to an event loop.
 */
public final class WriteGate {
  /** A request waiting for a slot; see {@link #cancel}. */
  public static final class Waiter {
    private final Runnable onGrant;

    private Waiter(Runnable onGrant) {
      this.onGrant = onGrant;
    }
  }

  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private int max;
  private int inFlight;
  private long total;

  /**
   * @param max the most requests worked on at once; 0 or less: no limit
   */
  public WriteGate(int max) {
    this.max = max;
  }

  /**
   * Takes a slot now, or queues {@code onGrant} to run once a slot was taken for it.
   *
   * @param onGrant runs when the slot is handed over (not when one is free now)
   * @return null when the slot was taken now; else the waiter, which {@link #cancel} can withdraw
   */
  public Waiter acquire(Runnable onGrant) {
    Objects.requireNonNull(onGrant, "onGrant");
    synchronized (this) {
      total++;
      if (max <= 0 || inFlight < max) {
        inFlight++;
        return null;
      }
      Waiter w = new Waiter(onGrant);
      waiting.add(w);
      return w;
    }
  }

  /**
   * Withdraws a waiter that no longer wants a slot (its client went away).
   *
   * @return true if it was withdrawn; false if the slot was already handed to it, which its
   *     callback then owns and must {@link #release}
   */
  public synchronized boolean cancel(Waiter w) {
    return waiting.remove(w);
  }

  /** Gives a slot back, handing it to the longest waiter if there is one. */
  public void release() {
    Waiter next;
    synchronized (this) {
      if (inFlight <= 0) {
        throw new IllegalStateException("release without a slot taken: " + inFlight);
      }
      inFlight--;
      next = grantOne();
    }
    if (next != null) {
      next.onGrant.run();
    }
  }

  /**
   * Changes the maximum (a reload); waiters are let in while there is room. Requests in flight keep
   * their slots, so the count may stay above a lowered maximum until they finish.
   *
   * @param max the new maximum; 0 or less: no limit
   */
  public void setMax(int max) {
    List<Waiter> granted = new ArrayList<>();
    synchronized (this) {
      this.max = max;
      for (Waiter w = grantOne(); w != null; w = grantOne()) {
        granted.add(w);
      }
    }
    for (Waiter w : granted) {
      w.onGrant.run();
    }
  }

  // Under the lock.
  private Waiter grantOne() {
    if (waiting.isEmpty() || (max > 0 && inFlight >= max)) {
      return null;
    }
    inFlight++;
    return waiting.poll();
  }

  /** {@return the maximum; 0 or less: no limit} */
  public synchronized int max() {
    return max;
  }

  /** {@return the requests holding a slot} */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** {@return the requests waiting for a slot} */
  public synchronized int waiting() {
    return waiting.size();
  }

  /** {@return every {@link #acquire} so far} */
  public synchronized long total() {
    return total;
  }
}
