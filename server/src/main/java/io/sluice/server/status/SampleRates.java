// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Per-second rates of counters that are read, not fed: {@link #sample} reads every counter's total
 * (for instance from the meter registry, every few seconds), and {@link #rate} is the increase
 * between the oldest and the newest reading kept, divided by the time between them, as Prometheus'
 * {@code rate()} over the window. Nothing is added to the path that counts.
 *
 * <p>Thread-safe.
 */
public final class SampleRates {
  private final Supplier<Map<String, Double>> totals;
  private final LongSupplier nanoTime;
  private final int keep;
  private final ArrayDeque<Reading> readings = new ArrayDeque<>();

  private record Reading(long nanos, Map<String, Double> totals) {}

  /**
   * @param totals reads every counter's current total, by key; a key absent from a reading counts
   *     as 0 (a counter that did not exist yet)
   * @param nanoTime a monotonic clock in ns ({@link System#nanoTime} in production)
   * @param keep how many readings the window spans, at least 2
   */
  public SampleRates(Supplier<Map<String, Double>> totals, LongSupplier nanoTime, int keep) {
    if (keep < 2) {
      throw new IllegalArgumentException("keep must be at least 2: " + keep);
    }
    this.totals = totals;
    this.nanoTime = nanoTime;
    this.keep = keep;
  }

  /** Reads every counter now; the oldest reading falls out of the window. Never throws. */
  public void sample() {
    Map<String, Double> now;
    try {
      now = Map.copyOf(totals.get());
    } catch (RuntimeException e) {
      return;
    }
    long t = nanoTime.getAsLong();
    synchronized (readings) {
      readings.addLast(new Reading(t, now));
      while (readings.size() > keep) {
        readings.removeFirst();
      }
    }
  }

  /** {@return every key's rate per second over the window; empty before two readings} */
  public Map<String, Double> rates() {
    Reading first;
    Reading last;
    synchronized (readings) {
      if (readings.size() < 2) {
        return Map.of();
      }
      first = readings.peekFirst();
      last = readings.peekLast();
    }
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    if (seconds <= 0) {
      return Map.of();
    }
    Map<String, Double> out = new HashMap<>();
    for (Map.Entry<String, Double> e : last.totals().entrySet()) {
      double before = first.totals().getOrDefault(e.getKey(), 0.0);
      // A counter that went down was reset: its whole value is the increase, as in Prometheus.
      double increase = e.getValue() >= before ? e.getValue() - before : e.getValue();
      out.put(e.getKey(), increase / seconds);
    }
    return out;
  }

  /** {@return the keys of the newest reading: every counter seen, with a rate known or not} */
  public java.util.Set<String> keys() {
    synchronized (readings) {
      Reading last = readings.peekLast();
      return last == null ? java.util.Set.of() : last.totals().keySet();
    }
  }

  /** {@return {@code key}'s rate per second over the window, or null when it is not known} */
  public Double rate(String key) {
    return rates().get(key);
  }
}
