// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses durations the way Prometheus and Thanos flags write them: one or more {@code
 * <number><unit>} parts with units {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, for
 * example {@code 15s}, {@code 1m30s}, {@code 500ms}. ISO-8601 ({@code PT15S}) is accepted too.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

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
    Matcher m = PART.matcher(t);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.lookingAt()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      end = m.end();
      m.region(end, t.length());
    }
    if (end == 0 || end != t.length()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (use e.g. 15s, 1m30s, 500ms)");
    }
    return d;
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
