// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus name of an OTLP metric, as Thanos' OTLP translator builds it with metric suffixes
 * on and UTF-8 off ({@code pkg/receive/otlptranslator/normalize_name.go}, which Thanos keeps beside
 * Prometheus' own):
 *
 * <ol>
 *   <li>the name is cut into tokens at every character outside {@code [a-zA-Z0-9:]} (empty tokens
 *       dropped: {@code http.server..duration} is {@code http server duration});
 *   <li>the unit, split once at {@code /}: the main unit is mapped ({@code s} to {@code seconds},
 *       {@code By} to {@code bytes}, {@code 1} to nothing, ...; others kept), its invalid
 *       characters replaced by {@code _}, runs of {@code _} collapsed and a leading one dropped,
 *       and appended unless a name token already equals it; a per-unit ({@code By/s}) becomes
 *       {@code per_second} the same way; a unit part holding {@code {} or {@code }} (an annotation
 *       such as {@code {requests}}) is left out;
 *   <li>a monotonic sum ends in {@code total} (moved to the end if the name had it elsewhere), a
 *       gauge of unit {@code 1} in {@code ratio};
 *   <li>the tokens are joined with {@code _}, and {@code _} is put before a leading digit.
 * </ol>
 *
 * Stateless.
 */
final class MetricNamer {
  private static final Map<String, String> UNITS =
      Map.ofEntries(
          Map.entry("d", "days"),
          Map.entry("h", "hours"),
          Map.entry("min", "minutes"),
          Map.entry("s", "seconds"),
          Map.entry("ms", "milliseconds"),
          Map.entry("us", "microseconds"),
          Map.entry("ns", "nanoseconds"),
          Map.entry("By", "bytes"),
          Map.entry("KiBy", "kibibytes"),
          Map.entry("MiBy", "mebibytes"),
          Map.entry("GiBy", "gibibytes"),
          Map.entry("TiBy", "tibibytes"),
          Map.entry("KBy", "kilobytes"),
          Map.entry("MBy", "megabytes"),
          Map.entry("GBy", "gigabytes"),
          Map.entry("TBy", "terabytes"),
          Map.entry("m", "meters"),
          Map.entry("V", "volts"),
          Map.entry("A", "amperes"),
          Map.entry("J", "joules"),
          Map.entry("W", "watts"),
          Map.entry("g", "grams"),
          Map.entry("Cel", "celsius"),
          Map.entry("Hz", "hertz"),
          Map.entry("1", ""),
          Map.entry("%", "percent"));

  private static final Map<String, String> PER_UNITS =
      Map.of(
          "s", "second",
          "m", "minute",
          "h", "hour",
          "d", "day",
          "w", "week",
          "mo", "month",
          "y", "year");

  private MetricNamer() {}

  /** What of an OTLP metric its name depends on. */
  enum Kind {
    GAUGE,
    MONOTONIC_SUM,
    NON_MONOTONIC_SUM,
    OTHER
  }

  /**
   * @param name the OTLP metric name
   * @param unit the OTLP unit (UCUM), empty for none
   * @param kind the metric's kind
   * @return the Prometheus metric name
   */
  static String name(String name, String unit, Kind kind) {
    List<String> tokens = tokens(name);
    String[] unitParts = unit.split("/", 2);
    String main = "";
    String mainOtel = unitParts[0].strip();
    if (!mainOtel.isEmpty() && !hasBraces(mainOtel)) {
      main = cleanUpUnit(UNITS.getOrDefault(mainOtel, mainOtel));
      if (tokens.contains(main)) {
        main = "";
      }
    }
    String per = "";
    if (unitParts.length > 1 && !unitParts[1].isEmpty()) {
      String perOtel = unitParts[1].strip();
      if (!perOtel.isEmpty() && !hasBraces(perOtel)) {
        per = cleanUpUnit(PER_UNITS.getOrDefault(perOtel, perOtel));
      }
      if (!per.isEmpty()) {
        per = "per_" + per;
        if (tokens.contains(per)) {
          per = "";
        }
      }
    }
    if (!per.isEmpty() && main.endsWith("_")) {
      main = main.substring(0, main.length() - 1);
    }
    if (!main.isEmpty()) {
      tokens.add(main);
    }
    if (!per.isEmpty()) {
      tokens.add(per);
    }
    if (kind == Kind.MONOTONIC_SUM) {
      tokens.removeIf("total"::equals);
      tokens.add("total");
    }
    if (unit.equals("1") && kind == Kind.GAUGE) {
      tokens.removeIf("ratio"::equals);
      tokens.add("ratio");
    }
    String joined = String.join("_", tokens);
    if (!joined.isEmpty() && Character.isDigit(joined.charAt(0))) {
      joined = "_" + joined;
    }
    return joined;
  }

  private static List<String> tokens(String name) {
    List<String> tokens = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < name.length(); i++) {
      if (isTokenChar(name.charAt(i))) {
        if (start < 0) {
          start = i;
        }
      } else if (start >= 0) {
        tokens.add(name.substring(start, i));
        start = -1;
      }
    }
    if (start >= 0) {
      tokens.add(name.substring(start));
    }
    return tokens;
  }

  private static boolean isTokenChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ':';
  }

  private static boolean hasBraces(String s) {
    return s.indexOf('{') >= 0 || s.indexOf('}') >= 0;
  }

  // Prometheus' SanitizeLabelName ([^a-zA-Z0-9_] to _, per character), runs of _ collapsed, a
  // leading _ dropped.
  private static String cleanUpUnit(String unit) {
    StringBuilder b = new StringBuilder(unit.length());
    for (int i = 0; i < unit.length(); ) {
      int cp = unit.codePointAt(i);
      i += Character.charCount(cp);
      boolean valid =
          cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9' || cp == '_';
      char c = valid ? (char) cp : '_';
      if (c == '_' && !b.isEmpty() && b.charAt(b.length() - 1) == '_') {
        continue;
      }
      b.append(c);
    }
    return b.length() > 0 && b.charAt(0) == '_' ? b.substring(1) : b.toString();
  }
}
