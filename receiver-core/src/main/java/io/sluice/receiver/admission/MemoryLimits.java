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

  /**
   * Sluice's defaults: new series refused from 60% of the heap, all writes from 85%.
   *
   * <p>Writes: G1 keeps 10% of the heap free for evacuation ({@code G1ReservePercent}) and needs at
   * least 5% for the young generation ({@code G1NewSizePercent}), so with the old generation at 85%
   * it is one step from evacuation failures and full collections (measured: at 94% of a 512 MiB
   * heap it failed evacuations and paused 2 s in full collections).
   *
   * <p>New series: cutting the head into a block needs memory of its own while the head is still
   * held — the block's symbols and postings, about 200 B per series when a label is unique per
   * series, a quarter to a third of what the series themselves take (measured: cutting 614k series
   * out of a 512 MiB heap took it from 71% to 99%) — and the chunks of existing series keep growing
   * until that cut. Stopping series at 60% keeps the peak of a cut below the writes mark.
   */
  public static final MemoryLimits DEFAULT = new MemoryLimits(0.60, 0.85);

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
