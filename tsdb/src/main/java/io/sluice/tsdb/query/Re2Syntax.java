// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.Map;

/**
 * Translates an RE2 (Go {@code regexp}) pattern into an equivalent {@link java.util.regex.Pattern}
 * source, rejecting what Java would accept but RE2 rejects. Stateless.
 */
final class Re2Syntax {
  private static final Map<String, String> POSIX_CLASSES =
      Map.ofEntries(
          Map.entry("alnum", "Alnum"),
          Map.entry("alpha", "Alpha"),
          Map.entry("ascii", "ASCII"),
          Map.entry("blank", "Blank"),
          Map.entry("cntrl", "Cntrl"),
          Map.entry("digit", "Digit"),
          Map.entry("graph", "Graph"),
          Map.entry("lower", "Lower"),
          Map.entry("print", "Print"),
          Map.entry("punct", "Punct"),
          Map.entry("space", "Space"),
          Map.entry("upper", "Upper"),
          Map.entry("word", "w"),
          Map.entry("xdigit", "XDigit"));

  private Re2Syntax() {}

  /**
   * Returns the Java source of RE2 pattern {@code re}.
   *
   * @throws IllegalArgumentException for constructs RE2 rejects that Java accepts (backreferences,
   *     lookaround, atomic groups, possessive quantifiers, Java-only escapes and flags)
   */
  static String toJava(String re) {
    StringBuilder out = new StringBuilder(re.length() + 8);
    boolean inClass = false;
    int n = re.length();
    int i = 0;
    while (i < n) {
      char c = re.charAt(i);
      if (c == '\\') {
        if (i + 1 >= n) {
          throw unsupported(re, "trailing backslash");
        }
        char d = re.charAt(i + 1);
        if (d == 'Q') {
          int end = re.indexOf("\\E", i + 2);
          int stop = end < 0 ? n : end + 2;
          out.append(re, i, stop);
          if (end < 0) {
            out.append("\\E");
          }
          i = stop;
          continue;
        }
        if (d >= '1' && d <= '9') {
          throw unsupported(re, "backreference \\" + d);
        }
        switch (d) {
          case 'k', 'G', 'Z', 'R', 'X', 'h', 'H', 'V', 'c', 'e', 'N' ->
              throw unsupported(re, "escape \\" + d);
          case 'v' -> out.append("\\x0B"); // RE2: vertical tab; Java: any vertical whitespace
          default -> out.append(c).append(d);
        }
        i += 2;
        continue;
      }
      if (inClass) {
        if (c == '[' && re.startsWith("[:", i)) {
          int end = re.indexOf(":]", i + 2);
          if (end < 0) {
            out.append("\\[");
            i++;
            continue;
          }
          String name = re.substring(i + 2, end);
          boolean negated = name.startsWith("^");
          String java = POSIX_CLASSES.get(negated ? name.substring(1) : name);
          if (java == null) {
            throw unsupported(re, "character class [:" + name + ":]");
          }
          if (java.equals("w")) {
            out.append(negated ? "\\W" : "\\w");
          } else {
            out.append(negated ? "\\P{" : "\\p{").append(java).append('}');
          }
          i = end + 2;
          continue;
        }
        if (c == '[') {
          out.append("\\["); // literal in RE2, a nested class in Java
        } else if (c == '&' && i + 1 < n && re.charAt(i + 1) == '&') {
          out.append("&\\&"); // literal in RE2, intersection in Java
          i += 2;
          continue;
        } else {
          if (c == ']') {
            inClass = false;
          }
          out.append(c);
        }
        i++;
        continue;
      }
      switch (c) {
        case '[' -> {
          inClass = true;
          out.append('[');
          i++;
          if (i < n && re.charAt(i) == '^') {
            out.append('^');
            i++;
          }
          if (i < n && re.charAt(i) == ']') {
            out.append("\\]"); // a leading ']' is literal
            i++;
          }
          continue;
        }
        case '(' -> {
          if (i + 1 < n && re.charAt(i + 1) == '?') {
            i = group(re, i, out);
            continue;
          }
        }
        case '*', '+', '?', '}' -> {
          if (i + 1 < n && re.charAt(i + 1) == '+') {
            throw unsupported(re, "possessive quantifier " + c + "+");
          }
        }
        default -> {}
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  // Handles "(?" at i: named groups and flag groups; returns the index after what was consumed.
  private static int group(String re, int i, StringBuilder out) {
    int j = i + 2;
    if (j >= re.length()) {
      throw unsupported(re, "unterminated group");
    }
    char k = re.charAt(j);
    if (k == 'P' && j + 1 < re.length() && re.charAt(j + 1) == '<') {
      out.append("(?<");
      return j + 2;
    }
    if (k == '<') {
      if (j + 1 < re.length() && (re.charAt(j + 1) == '=' || re.charAt(j + 1) == '!')) {
        throw unsupported(re, "lookbehind");
      }
      out.append("(?<");
      return j + 1;
    }
    if (k == '=' || k == '!') {
      throw unsupported(re, "lookahead");
    }
    if (k == '>') {
      throw unsupported(re, "atomic group");
    }
    // Flags: RE2 knows i, m, s and U; U (ungreedy) means something else in Java.
    int f = j;
    while (f < re.length() && re.charAt(f) != ')' && re.charAt(f) != ':') {
      char flag = re.charAt(f);
      if (flag != 'i' && flag != 'm' && flag != 's' && flag != '-') {
        throw unsupported(re, "flag " + flag);
      }
      f++;
    }
    out.append("(?");
    return j;
  }

  private static IllegalArgumentException unsupported(String re, String what) {
    return new IllegalArgumentException(
        "regex \"" + re + "\" is not valid RE2 (as Prometheus uses): " + what);
  }
}
