// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.tombstones;

/**
 * One deleted time range of one series.
 *
 * @param seriesRef the series ref in the block's index
 * @param mint first deleted timestamp, ms (inclusive)
 * @param maxt last deleted timestamp, ms (inclusive)
 */
public record Tombstone(long seriesRef, long mint, long maxt) {
  /**
   * Validates the entry.
   *
   * @throws IllegalArgumentException if {@code seriesRef} is negative or {@code mint > maxt}
   */
  public Tombstone {
    if (seriesRef < 0) {
      throw new IllegalArgumentException("negative series ref " + seriesRef);
    }
    if (mint > maxt) {
      throw new IllegalArgumentException(
          "tombstone of series " + seriesRef + ": mint " + mint + " > maxt " + maxt);
    }
  }
}
