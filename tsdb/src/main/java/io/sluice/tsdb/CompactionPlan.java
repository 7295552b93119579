// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The time ranges of the head that become blocks, as Thanos receive cuts them (reference {@code
 * thanos-receive.md} §6.3–6.4). Pure functions of the head's min and max time, the clock and the
 * block duration (all in ms); an empty head is {@code min == Long.MAX_VALUE} or {@code max < min}.
 */
final class CompactionPlan {
  /** A block's range: {@code [mint, maxt)}, ms. */
  record Range(long mint, long maxt) {}

  private CompactionPlan() {}

  /**
   * The next block {@link Tsdb#compactHead} cuts: while the head spans more than 1.5 block
   * durations, or its oldest sample is older than 1.5 block durations by the clock, the
   * duration-aligned range holding the head's min time; otherwise none. Called again with the
   * head's new min and max after each cut.
   */
  static Optional<Range> nextDue(long min, long max, long now, long blockDuration) {
    if (isEmpty(min, max)) {
      return Optional.empty();
    }
    boolean spansTooLong = max - min > blockDuration / 2 * 3;
    boolean tooOld = min < now - blockDuration / 2 * 3;
    if (!spansTooLong && !tooOld) {
      return Optional.empty();
    }
    return Optional.of(new Range(min, alignedEnd(min, blockDuration)));
  }

  /**
   * The blocks {@link Tsdb#flush} cuts from the whole head, oldest first, as Thanos' flush at
   * shutdown: aligned blocks up to the last block boundary (several if the head spans more), then
   * one for the rest up to the newest sample time, exclusive (samples at exactly the newest time
   * stay in the head); a head of one instant becomes one block {@code [t, t + 1)}.
   */
  static List<Range> flush(long min, long max, long blockDuration) {
    List<Range> out = new ArrayList<>();
    if (isEmpty(min, max)) {
      return out;
    }
    if (min == max) {
      out.add(new Range(min, max + 1));
      return out;
    }
    long boundary = Math.floorDiv(max, blockDuration) * blockDuration;
    while (min < boundary) {
      long maxt = Math.min(alignedEnd(min, blockDuration), boundary);
      out.add(new Range(min, maxt));
      min = maxt;
    }
    if (max > min) {
      out.add(new Range(min, max));
    }
    return out;
  }

  private static boolean isEmpty(long min, long max) {
    return min == Long.MAX_VALUE || max < min;
  }

  // The end of the duration-aligned range holding t.
  private static long alignedEnd(long t, long blockDuration) {
    return Math.floorDiv(t, blockDuration) * blockDuration + blockDuration;
  }
}
