// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.testing;

import java.lang.management.ManagementFactory;

/** Measures bytes allocated by the current thread (HotSpot's thread MX bean). */
public final class Allocations {
  private Allocations() {}

  /**
   * Runs {@code body} {@code rounds} times and returns the fewest bytes one run allocated, less
   * what the measurement itself allocates. Early rounds warm up the JIT; later ones show what the
   * compiled code allocates.
   */
  public static long leastPerRound(int rounds, Runnable body) {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < rounds; i++) {
      long a = allocated();
      long b = allocated();
      body.run();
      long c = allocated();
      least = Math.min(least, Math.max(0, (c - b) - (b - a)));
    }
    return least;
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
