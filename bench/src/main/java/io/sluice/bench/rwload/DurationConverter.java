// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import io.sluice.objstore.GoDurations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Parses durations the way Prometheus and Thanos write them ({@link GoDurations#parse}: Prometheus'
 * {@code 15s}, {@code 1m30s}, {@code 500ms}, {@code 2h}, {@code 1d} or Go's {@code 1.5s}, {@code
 * 250us}), after trimming surrounding whitespace; ISO-8601 ({@code PT15S}) is accepted too. Units
 * of Prometheus' grammar must come in its order ({@code 1d2h}, not {@code 2h1d}).
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException if it is not a duration
   */
  public static Duration parse(String text) {
    String t = text.trim();
    if (t.startsWith("P") || t.startsWith("p")) {
      return Duration.parse(t);
    }
    try {
      return GoDurations.parse(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (use e.g. 15s, 1m30s, 500ms)", e);
    }
  }

  /** Formats {@code d} in the same notation, e.g. {@code 1m30s} or {@code 500ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long[] unitMillis = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] units = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= unitMillis[i]) {
        sb.append(ms / unitMillis[i]).append(units[i]);
        ms %= unitMillis[i];
      }
    }
    return sb.toString();
  }

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (RuntimeException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
