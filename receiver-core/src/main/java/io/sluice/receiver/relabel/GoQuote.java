// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

/**
 * Go's {@code %q} of a string ({@code strconv.Quote}), for messages that must read as Prometheus'
 * do: double quotes, backslash escapes for quotes, backslashes and control characters, printable
 * characters as they are. Stateless. Public for the OTLP translator's messages, which quote as
 * Prometheus' translator does.
 */
public final class GoQuote {
  private GoQuote() {}

  /** {@return {@code s} quoted as Go's {@code strconv.Quote} does} */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case 0x07 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 0x0b -> b.append("\\v");
        default -> {
          if (cp < 0x80 && (cp < 0x20 || cp == 0x7f)) {
            b.append(String.format("\\x%02x", cp));
          } else if (printable(cp)) {
            b.appendCodePoint(cp);
          } else if (cp < 0x10000) {
            b.append(String.format("\\u%04x", cp));
          } else {
            b.append(String.format("\\U%08x", cp));
          }
        }
      }
    }
    return b.append('"').toString();
  }

  // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
  private static boolean printable(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.UNASSIGNED,
          Character.CONTROL,
          Character.FORMAT,
          Character.PRIVATE_USE,
          Character.SURROGATE,
          Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          false;
      default -> true;
    };
  }
}
