// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way Thanos' flags do: Prometheus model durations ({@code 15d}, {@code
 * 1h30m}, {@code 500ms}, {@code 2w}, {@code 1y}, {@code 0}) and Go durations with fractions ({@code
 * 1.5h}, {@code 2m0s}, {@code 300ms}, {@code 10us}).
 */
public final class Durations {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(y|w|d|h|ms|m|s|us|µs|ns)");

  private Durations() {}

  /**
   * Returns the duration in milliseconds.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static long parseMillis(String text) {
    String s = text.trim();
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    double total = 0;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException("not a valid duration: \"" + text + "\"");
      }
      double n = Double.parseDouble(m.group(1));
      total +=
          switch (m.group(2)) {
            case "y" -> n * 365 * 24 * 3_600_000d;
            case "w" -> n * 7 * 24 * 3_600_000d;
            case "d" -> n * 24 * 3_600_000d;
            case "h" -> n * 3_600_000d;
            case "m" -> n * 60_000d;
            case "s" -> n * 1_000d;
            case "ms" -> n;
            case "us", "µs" -> n / 1_000d;
            default -> n / 1_000_000d;
          };
      pos = m.end();
    }
    return Math.round(total);
  }
}
