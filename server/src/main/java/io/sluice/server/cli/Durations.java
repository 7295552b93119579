// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import io.sluice.objstore.GoDurations;
import java.time.Duration;

/**
 * Parses the values of duration flags as Thanos does: each Thanos flag takes Prometheus' {@code
 * model.Duration} ({@code 15d}, {@code 1h30m}, {@code 500ms}, {@code 2w}, {@code 1y}, {@code 0}) or
 * Go's {@code time.Duration} ({@code 1.5h}, {@code 2m0s}, {@code 300ms}, {@code 10us}); Sluice
 * takes either for every flag ({@link GoDurations#parse}, where both grammars are written down),
 * after trimming surrounding whitespace. Negative values are rejected.
 *
 * <p>What changed when the grammars were made Thanos' own: units of Prometheus' grammar out of its
 * order ({@code 1h1d}) and fractions of {@code d}, {@code w} and {@code y} ({@code 1.5d}) are
 * rejected, as Thanos rejects them; Go's {@code .5h}, {@code 1.h} and {@code μs} (U+03BC) are
 * accepted, as Thanos accepts them.
 */
public final class Durations {
  private Durations() {}

  /**
   * Returns the duration in milliseconds, rounded half up.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static long parseMillis(String text) {
    Duration d = GoDurations.parse(text.trim());
    long subMillisNanos = d.toNanosPart() % 1_000_000;
    return d.toMillis() + (subMillisNanos >= 500_000 ? 1 : 0);
  }
}
