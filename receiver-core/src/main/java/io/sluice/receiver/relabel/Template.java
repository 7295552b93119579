// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A replacement template as Go's {@code Regexp.Expand} reads it, parsed once against the regex it
 * is expanded with: {@code $name} or {@code ${name}}, where a name is a non-empty run of letters,
 * digits and {@code _}, taken as long as possible ({@code $1x} is the group named {@code 1x}, not
 * group 1 then {@code x}); an all-digit name without a leading zero is a group number; {@code $$}
 * is a {@code $}; a {@code $} that starts no valid reference stays as it is. A reference to a group
 * that does not exist or did not take part in the match expands to nothing. This is not {@link
 * java.util.regex.Matcher#appendReplacement}'s syntax.
 *
 * <p>Immutable and thread-safe.
 */
final class Template {
  // Parts: a String is literal text, an Integer a group (-1: expands to nothing).
  private final Object[] parts;
  private final String literal;

  private Template(Object[] parts) {
    this.parts = parts;
    this.literal =
        parts.length == 0 ? "" : parts.length == 1 && parts[0] instanceof String s ? s : null;
  }

  /** Parses {@code template} for expansion with matches of {@code pattern}. */
  static Template parse(String template, Pattern pattern) {
    Map<String, Integer> named = pattern.namedGroups();
    int groups = pattern.groupCount();
    List<Object> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    int n = template.length();
    while (i < n) {
      int dollar = template.indexOf('$', i);
      if (dollar < 0) {
        text.append(template, i, n);
        break;
      }
      text.append(template, i, dollar);
      i = dollar + 1;
      if (i < n && template.charAt(i) == '$') {
        text.append('$');
        i++;
        continue;
      }
      int[] ref = extract(template, i);
      if (ref == null) {
        text.append('$');
        continue;
      }
      String name = template.substring(ref[0], ref[1]);
      i = ref[2];
      int group = number(name);
      if (group < 0) {
        Integer g = named.get(name);
        group = g == null ? -1 : g;
      } else if (group > groups) {
        group = -1;
      }
      if (!text.isEmpty()) {
        parts.add(text.toString());
        text.setLength(0);
      }
      parts.add(group);
    }
    if (!text.isEmpty()) {
      parts.add(text.toString());
    }
    return new Template(parts.toArray());
  }

  // Go's extract: {name start, name end, position after the reference}, or null if malformed.
  private static int[] extract(String t, int from) {
    int n = t.length();
    if (from >= n) {
      return null;
    }
    boolean brace = t.charAt(from) == '{';
    int start = brace ? from + 1 : from;
    int end = start;
    while (end < n) {
      int cp = t.codePointAt(end);
      if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
        break;
      }
      end += Character.charCount(cp);
    }
    if (end == start) {
      return null;
    }
    int after = end;
    if (brace) {
      if (end >= n || t.charAt(end) != '}') {
        return null;
      }
      after++;
    }
    return new int[] {start, end, after};
  }

  // A group number: ASCII digits only, no leading zero, below 10^8 as in Go; else -1.
  private static int number(String name) {
    if (name.length() > 1 && name.charAt(0) == '0') {
      return -1;
    }
    int num = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9' || num >= 100_000_000) {
        return -1;
      }
      num = num * 10 + (c - '0');
    }
    return num;
  }

  /** {@return the expansion when the template holds no reference, else null} */
  String literal() {
    return literal;
  }

  /** {@return whether the template refers to a group} */
  boolean hasReferences() {
    return literal == null;
  }

  /** Expands the template with the groups of {@code m}, a match of {@code input}. */
  String expand(String input, Matcher m) {
    if (literal != null) {
      return literal;
    }
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof String s) {
        b.append(s);
      } else {
        int g = (Integer) p;
        if (g >= 0) {
          int start = m.start(g);
          if (start >= 0) {
            b.append(input, start, m.end(g));
          }
        }
      }
    }
    return b.toString();
  }

  /**
   * Expands the template for a regex that is {@code (.*)}: groups 0 and 1 are the whole input and
   * no others exist.
   */
  String expandWhole(String input) {
    if (literal != null) {
      return literal;
    }
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof String s) {
        b.append(s);
      } else {
        int g = (Integer) p;
        if (g == 0 || g == 1) {
          b.append(input);
        }
      }
    }
    return b.toString();
  }
}
