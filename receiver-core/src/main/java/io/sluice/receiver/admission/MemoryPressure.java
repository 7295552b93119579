// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import java.util.Objects;

/**
 * The level a receiver admits writes at, from the share of the heap live data takes, with
 * hysteresis: a level is entered when the share reaches its mark and left only once the share is
 * {@link MemoryLimits#HYSTERESIS} below it. A pure state machine; not thread-safe.
 */
public final class MemoryPressure {
  private final MemoryLimits limits;
  private MemoryLevel level = MemoryLevel.NORMAL;

  /** Starts at {@link MemoryLevel#NORMAL}. */
  public MemoryPressure(MemoryLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** {@return the current level} */
  public MemoryLevel level() {
    return level;
  }

  /**
   * Moves to the level for {@code ratio}, live heap over maximum heap.
   *
   * @return the new level
   */
  public MemoryLevel update(double ratio) {
    level = next(limits, level, ratio);
    return level;
  }

  static MemoryLevel next(MemoryLimits limits, MemoryLevel current, double ratio) {
    double writes = limits.writes();
    double newSeries = limits.newSeries();
    if (writes > 0
        && (ratio >= writes
            || (current == MemoryLevel.WRITES_REFUSED
                && ratio >= writes - MemoryLimits.HYSTERESIS))) {
      return MemoryLevel.WRITES_REFUSED;
    }
    if (newSeries > 0
        && (ratio >= newSeries
            || (current != MemoryLevel.NORMAL && ratio >= newSeries - MemoryLimits.HYSTERESIS))) {
      return MemoryLevel.KNOWN_SERIES_ONLY;
    }
    return MemoryLevel.NORMAL;
  }
}
