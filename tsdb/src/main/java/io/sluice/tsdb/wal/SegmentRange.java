// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Segments {@code first..last} (inclusive) of one directory, for {@link WalReader}. A bound of -1
 * leaves the range open on that end, as in Prometheus' {@code wlog.SegmentRange}.
 *
 * @param dir a WAL or checkpoint directory
 * @param first first segment index, or -1 for the first that exists
 * @param last last segment index, or -1 for the last that exists
 */
public record SegmentRange(Path dir, int first, int last) {
  /**
   * Validates the bounds.
   *
   * @throws IllegalArgumentException if a bound is below -1
   */
  public SegmentRange {
    Objects.requireNonNull(dir, "dir");
    if (first < -1 || last < -1) {
      throw new IllegalArgumentException("segment bounds must be >= -1: " + first + ".." + last);
    }
  }

  /** All segments of {@code dir}. */
  public static SegmentRange all(Path dir) {
    return new SegmentRange(dir, -1, -1);
  }

  /**
   * The segments that exist in {@code dir}, with both bounds set, or empty if there are none.
   *
   * @throws NonSequentialSegmentsException if the indexes have a gap
   * @throws IOException if the directory cannot be listed
   */
  public static Optional<SegmentRange> existing(Path dir) throws IOException {
    int[] segs = Segments.list(dir);
    if (segs.length == 0) {
      return Optional.empty();
    }
    return Optional.of(new SegmentRange(dir, segs[0], segs[segs.length - 1]));
  }

  /** Whether segment {@code index} falls in this range. */
  public boolean contains(int index) {
    return (first < 0 || index >= first) && (last < 0 || index <= last);
  }
}
