// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

/**
 * The marks of {@link MemoryPressure}, as fractions of the maximum heap that live data may take: at
 * or above {@code newSeries}, writes that would create series are refused; at or above {@code
 * writes}, every write is refused. A level is left once live data is {@link #HYSTERESIS} below its
 * mark. 0 disables a mark.
 *
 * @param newSeries in [0, 1); 0 never refuses new series on its own
 * @param writes in [0, 1), at least {@code newSeries} when both are set; 0 never refuses all writes
 */
public record MemoryLimits(double newSeries, double writes) {
  /**
   * How far below its mark live data must fall to leave a level: the waste G1 leaves in the old
   * generation after its mixed collections ({@code G1HeapWastePercent}, 5%), so that the
   * measurement noise of one collection does not flip a level back and forth.
   */
  public static final double HYSTERESIS = 0.05;

  /** Sluice's defaults: new series refused from 80% of the heap, all writes from 90%. */
  public static final MemoryLimits DEFAULT = new MemoryLimits(0.80, 0.90);

  /** Nothing is ever refused for memory. */
  public static final MemoryLimits OFF = new MemoryLimits(0, 0);

  public MemoryLimits {
    check("newSeries", newSeries);
    check("writes", writes);
    if (newSeries > 0 && writes > 0 && writes < newSeries) {
      throw new IllegalArgumentException(
          "the writes mark must not be below the new-series mark: " + writes + " < " + newSeries);
    }
  }

  private static void check(String name, double v) {
    if (!(v == 0 || (v > HYSTERESIS && v < 1))) {
      throw new IllegalArgumentException(
          name + " must be 0 (off) or in (" + HYSTERESIS + ", 1): " + v);
    }
  }

  /** {@return whether any mark is set} */
  public boolean enabled() {
    return newSeries > 0 || writes > 0;
  }
}
