// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import java.nio.charset.StandardCharsets;

/**
 * Parses one {@code --label} flag value, {@code name="value"}, as Thanos does: the name is what
 * precedes the first {@code =}, the value is a Go string literal (double-quoted with Go escapes, or
 * back-quoted raw).
 */
public final class LabelFlag {
  private LabelFlag() {}

  /**
   * Returns {@code {name, value}}.
   *
   * @throws IllegalArgumentException with a message naming the bad part
   */
  public static String[] parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "unrecognized label \"" + text + "\": want name=\"value\"");
    }
    String name = text.substring(0, eq);
    if (!validName(name)) {
      throw new IllegalArgumentException("unsupported format for label name \"" + name + "\"");
    }
    return new String[] {name, unquote(text.substring(eq + 1), text)};
  }

  private static boolean validName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!ok && !(i > 0 && c >= '0' && c <= '9')) {
        return false;
      }
    }
    return !name.isEmpty();
  }

  /** Go {@code strconv.Unquote} for double- and back-quoted strings. */
  static String unquote(String q, String whole) {
    IllegalArgumentException bad =
        new IllegalArgumentException(
            "unquote label value of \"" + whole + "\": value must be a quoted string");
    if (q.length() < 2) {
      throw bad;
    }
    char quote = q.charAt(0);
    if (quote != q.charAt(q.length() - 1) || (quote != '"' && quote != '`')) {
      throw bad;
    }
    String body = q.substring(1, q.length() - 1);
    if (quote == '`') {
      if (body.indexOf('`') >= 0) {
        throw bad;
      }
      return body;
    }
    StringBuilder out = new StringBuilder(body.length());
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '"' || c == '\n') {
        throw bad;
      }
      if (c != '\\') {
        flush(bytes, out);
        out.append(c);
        continue;
      }
      if (++i >= body.length()) {
        throw bad;
      }
      char e = body.charAt(i);
      if (e == 'x' || (e >= '0' && e <= '7')) {
        int n = e == 'x' ? 2 : 3;
        int from = e == 'x' ? i + 1 : i;
        if (from + n > body.length()) {
          throw bad;
        }
        try {
          bytes.write(Integer.parseInt(body.substring(from, from + n), e == 'x' ? 16 : 8));
        } catch (NumberFormatException ex) {
          throw bad;
        }
        i = from + n - 1;
        continue;
      }
      flush(bytes, out);
      switch (e) {
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append('\u000b');
        case '\\' -> out.append('\\');
        case '"' -> out.append('"');
        case 'u', 'U' -> {
          int n = e == 'u' ? 4 : 8;
          if (i + n >= body.length()) {
            throw bad;
          }
          try {
            out.appendCodePoint(Integer.parseUnsignedInt(body.substring(i + 1, i + 1 + n), 16));
          } catch (RuntimeException ex) {
            throw bad;
          }
          i += n;
        }
        default -> throw bad;
      }
    }
    flush(bytes, out);
    return out.toString();
  }

  private static void flush(java.io.ByteArrayOutputStream bytes, StringBuilder out) {
    if (bytes.size() > 0) {
      out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
      bytes.reset();
    }
  }
}
