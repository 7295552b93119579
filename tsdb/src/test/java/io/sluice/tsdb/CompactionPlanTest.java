// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.CompactionPlan.Range;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The block ranges cut from the head, as a table. Times are in minutes (converted to ms), the block
 * duration is 120 minutes; {@code E} is an empty head ({@code min = Long.MAX_VALUE}, {@code max =
 * Long.MIN_VALUE}); ranges are written {@code mint..maxt}, space-separated, {@code -} for none.
 */
class CompactionPlanTest {
  private static final long MINUTE = 60_000;
  private static final long BLOCK = 120 * MINUTE;

  @ParameterizedTest(name = "head [{0}, {1}] at {2}: {3}")
  @CsvSource({
    // min,  max,  now, next block due
    "E,      E,    1000, -",
    "30,     10,   1000, -", // max < min: nothing appended yet
    "30,     210,  210,  -", // spans exactly 1.5 blocks, not older than that: not due
    "30,     211,  211,  30..120", // spans more than 1.5 blocks
    "130,    400,  400,  130..240", // the aligned range holding min, not [min, min + block)
    "120,    400,  400,  120..240", // min on a boundary
    "30,     31,   210,  -", // oldest sample exactly 1.5 blocks old: not due
    "30,     31,   211,  30..120", // older than 1.5 blocks by the clock, however short the head
    "-1,     300,  300,  -1..0", // before the epoch: floor, not truncation toward zero
  })
  void nextDueIsTheAlignedRangeOfTheOldestSampleOnceTheHeadIsTooLongOrTooOld(
      String min, String max, long now, String expected) {
    Optional<Range> due =
        CompactionPlan.nextDue(time(min, true), time(max, false), now * MINUTE, BLOCK);
    assertThat(format(due.map(List::of).orElse(List.of()))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "flush head [{0}, {1}]: {2}")
  @CsvSource({
    // min, max, blocks
    "E,     E,    -",
    "30,    10,   -",
    "30,    90,   30..90", // within one range: up to the newest sample, exclusive
    "30,    30,   30..30+1ms", // one instant: [t, t + 1 ms)
    "30,    300,  30..120 120..240 240..300", // aligned blocks up to the last boundary, then rest
    "30,    240,  30..120 120..240", // newest sample on a boundary: it stays in the head
    "120,   600,  120..240 240..360 360..480 480..600",
    "-60,   60,   -60..0 0..60",
  })
  void flushCutsAlignedBlocksUpToTheLastBoundaryThenTheRestUpToTheNewestSample(
      String min, String max, String expected) {
    assertThat(format(CompactionPlan.flush(time(min, true), time(max, false), BLOCK)))
        .isEqualTo(expected);
  }

  private static long time(String minutes, boolean isMin) {
    if (minutes.equals("E")) {
      return isMin ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return Long.parseLong(minutes) * MINUTE;
  }

  private static String format(List<Range> ranges) {
    if (ranges.isEmpty()) {
      return "-";
    }
    List<String> out = new ArrayList<>();
    for (Range r : ranges) {
      out.add(minutes(r.mint()) + ".." + minutes(r.maxt()));
    }
    return String.join(" ", out);
  }

  private static String minutes(long ms) {
    long m = Math.floorDiv(ms, MINUTE);
    long rest = Math.floorMod(ms, MINUTE);
    return rest == 0 ? Long.toString(m) : m + "+" + rest + "ms";
  }
}
