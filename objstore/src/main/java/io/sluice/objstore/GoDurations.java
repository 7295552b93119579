// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Thanos' configuration and flags write them. There are two grammars in the Go
 * ecosystem, and a Thanos setting takes one or the other:
 *
 * <ul>
 *   <li>Prometheus' {@code model.Duration} ({@code model.ParseDuration}), used by the objstore
 *       YAML's timeouts and by most {@code thanos receive} duration flags ({@code
 *       --tsdb.retention}, block durations, time windows): integer parts with units in this order,
 *       each at most once, and {@code 0} alone.
 *       <pre>
 * prometheus = "0" | [n "y"] [n "w"] [n "d"] [n "h"] [n "m"] [n "s"] [n "ms"]   ; not empty
 * n          = 1*DIGIT
 *       </pre>
 *       {@code 1y} is 365 days; the total must fit in Go's {@code time.Duration} (int64 ns, about
 *       292 years).
 *   <li>Go's {@code time.ParseDuration}, used by the flags Thanos declares as Go durations ({@code
 *       --receive-forward-timeout}): a sign, then decimal parts with fractions and units in any
 *       order.
 *       <pre>
 * go   = ["+" | "-"] ( "0" | 1*( part unit ) )
 * part = 1*DIGIT ["." *DIGIT] | "." 1*DIGIT
 * unit = "ns" | "us" | "µs" (U+00B5) | "μs" (U+03BC) | "ms" | "s" | "m" | "h"
 *       </pre>
 *       Nanosecond precision; at most {@code 2^63 - 1} ns. Fraction digits beyond what 63 bits hold
 *       are ignored, as in Go.
 * </ul>
 *
 * <p>{@link #parse} accepts either grammar (what Thanos' duration flags accept between them) and no
 * negative value; it is what Sluice's CLI and the load generator take. Neither grammar has
 * whitespace; callers that trim say so. Stateless and thread-safe.
 */
public final class GoDurations {
  private static final Pattern PROMETHEUS =
      Pattern.compile(
          "^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?"
              + "(?:([0-9]+)s)?(?:([0-9]+)ms)?$");
  private static final long[] PROMETHEUS_UNIT_MILLIS = {
    365L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 24L * 3600 * 1000, 3600_000L, 60_000L, 1000L, 1L
  };

  // 1 << 63 as an unsigned number: Go parses into a uint64 and allows up to this much.
  private static final long LIMIT = Long.MIN_VALUE;

  private GoDurations() {}

  /**
   * Parses Prometheus' {@code model.Duration} grammar.
   *
   * @throws IllegalArgumentException if {@code text} is empty, not in the grammar ("not a valid
   *     duration"), or longer than about 292 years ("duration out of range")
   */
  public static Duration parsePrometheus(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration string");
    }
    Matcher m = PROMETHEUS.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a valid duration string: \"" + text + "\"");
    }
    long nanos = 0;
    for (int i = 0; i < PROMETHEUS_UNIT_MILLIS.length; i++) {
      String group = m.group(i + 1);
      if (group == null) {
        continue;
      }
      long unitNanos = PROMETHEUS_UNIT_MILLIS[i] * 1_000_000;
      long n;
      try {
        n = Long.parseLong(group);
      } catch (NumberFormatException e) {
        throw outOfRange(text);
      }
      if (n > Long.MAX_VALUE / unitNanos || nanos > Long.MAX_VALUE - n * unitNanos) {
        throw outOfRange(text);
      }
      nanos += n * unitNanos;
    }
    return Duration.ofNanos(nanos);
  }

  /**
   * Parses Go's {@code time.ParseDuration} grammar.
   *
   * @throws IllegalArgumentException if {@code text} is not in the grammar or does not fit in 63
   *     bits of nanoseconds
   */
  public static Duration parseGo(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalidGo(text);
    }
    long total = 0;
    int p = 0;
    while (p < s.length()) {
      char c = s.charAt(p);
      if (c != '.' && !isDigit(c)) {
        throw invalidGo(text);
      }
      int start = p;
      long v = 0;
      for (; p < s.length() && isDigit(s.charAt(p)); p++) {
        if (Long.compareUnsigned(v, Long.divideUnsigned(LIMIT, 10)) > 0) {
          throw invalidGo(text);
        }
        v = v * 10 + (s.charAt(p) - '0');
        if (Long.compareUnsigned(v, LIMIT) > 0) {
          throw invalidGo(text);
        }
      }
      boolean digitsBefore = p > start;
      long f = 0;
      double scale = 1;
      boolean digitsAfter = false;
      if (p < s.length() && s.charAt(p) == '.') {
        p++;
        int fractionStart = p;
        boolean overflow = false;
        for (; p < s.length() && isDigit(s.charAt(p)); p++) {
          if (overflow) {
            continue;
          }
          long y = f * 10 + (s.charAt(p) - '0');
          if (f > Long.MAX_VALUE / 10 || Long.compareUnsigned(y, LIMIT) > 0) {
            overflow = true;
            continue;
          }
          f = y;
          scale *= 10;
        }
        digitsAfter = p > fractionStart;
      }
      if (!digitsBefore && !digitsAfter) {
        throw invalidGo(text);
      }
      int unitStart = p;
      while (p < s.length() && s.charAt(p) != '.' && !isDigit(s.charAt(p))) {
        p++;
      }
      if (p == unitStart) {
        throw new IllegalArgumentException("missing unit in duration \"" + text + "\"");
      }
      String unitName = s.substring(unitStart, p);
      long unit =
          switch (unitName) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default ->
                throw new IllegalArgumentException(
                    "unknown unit \"" + unitName + "\" in duration \"" + text + "\"");
          };
      if (Long.compareUnsigned(v, Long.divideUnsigned(LIMIT, unit)) > 0) {
        throw invalidGo(text);
      }
      v *= unit;
      if (f != 0) {
        v += (long) (unsignedToDouble(f) * (unit / scale));
        if (Long.compareUnsigned(v, LIMIT) > 0) {
          throw invalidGo(text);
        }
      }
      if (Long.compareUnsigned(v, LIMIT - total) > 0) {
        throw invalidGo(text);
      }
      total += v;
    }
    if (negative) {
      return Duration.ofNanos(-total);
    }
    if (total == LIMIT) {
      throw invalidGo(text);
    }
    return Duration.ofNanos(total);
  }

  /**
   * Parses a duration in either grammar, Prometheus' first; negative values are rejected.
   *
   * @throws IllegalArgumentException naming {@code text} if it is in neither grammar, is out of
   *     range or is negative
   */
  public static Duration parse(String text) {
    IllegalArgumentException prometheus;
    try {
      return parsePrometheus(text);
    } catch (IllegalArgumentException e) {
      prometheus = e;
    }
    if (PROMETHEUS.matcher(text).matches() && !text.isEmpty()) {
      throw prometheus; // in the grammar, out of range: Go's units would not make it shorter
    }
    Duration d;
    try {
      d = parseGo(text);
    } catch (IllegalArgumentException e) {
      IllegalArgumentException failure =
          new IllegalArgumentException(
              "not a valid duration: \""
                  + text
                  + "\" (use Prometheus' 15d, 1h30m, 500ms or Go's 1.5h, 300ms, 10us)");
      failure.addSuppressed(e);
      throw failure;
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative duration: \"" + text + "\"");
    }
    return d;
  }

  private static double unsignedToDouble(long u) {
    return u >= 0 ? u : (double) (u >>> 1) * 2.0;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalidGo(String text) {
    return new IllegalArgumentException("invalid duration \"" + text + "\"");
  }

  private static IllegalArgumentException outOfRange(String text) {
    return new IllegalArgumentException("duration out of range: \"" + text + "\"");
  }
}
