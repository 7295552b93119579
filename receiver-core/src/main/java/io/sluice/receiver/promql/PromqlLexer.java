// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.promql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PromQL query into tokens, as Prometheus' lexer ({@code promql/parser/lex.go}):
 * identifiers ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}), numbers (decimal, hexadecimal, exponents, {@code
 * Inf}, {@code NaN}), durations ({@code 1h30m}), strings in double or single quotes with Go escapes
 * or in backquotes without, operators and punctuation; {@code #} comments and white space are
 * skipped.
 */
final class PromqlLexer {
  private static final String[] SYMBOLS = {
    "==", "!=", "=~", "!~", "<=", ">=", "(", ")", "{", "}", "[", "]", ",", ":", "@", "=", "<", ">",
    "+", "-", "*", "/", "%", "^"
  };

  private final String q;
  private int i;
  // Inside [ ] a colon separates a subquery's range from its step, as in Prometheus' lexer.
  private int brackets;

  private PromqlLexer(String q) {
    this.q = q;
  }

  /** The tokens of {@code query}, ending with an {@link Token.Kind#EOF} token. */
  static List<Token> lex(String query) throws PromqlParseException {
    return new PromqlLexer(query).all();
  }

  private List<Token> all() throws PromqlParseException {
    List<Token> out = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      if (i >= q.length()) {
        out.add(new Token(Token.Kind.EOF, "", i));
        return out;
      }
      out.add(next());
    }
  }

  private void skipSpaceAndComments() {
    while (i < q.length()) {
      char c = q.charAt(i);
      if (c == '#') {
        while (i < q.length() && q.charAt(i) != '\n') {
          i++;
        }
      } else if (Character.isWhitespace(c)) {
        i++;
      } else {
        return;
      }
    }
  }

  private Token next() throws PromqlParseException {
    int start = i;
    char c = q.charAt(i);
    if (c == '"' || c == '\'' || c == '`') {
      return new Token(Token.Kind.STRING, string(c), start);
    }
    if (isDigit(c) || (c == '.' && i + 1 < q.length() && isDigit(q.charAt(i + 1)))) {
      return number(start);
    }
    if (c == ':' && brackets > 0) {
      i++;
      return new Token(Token.Kind.SYMBOL, ":", start);
    }
    if (isIdentifierStart(c)) {
      while (i < q.length() && isIdentifierPart(q.charAt(i))) {
        i++;
      }
      String text = q.substring(start, i);
      if (text.equalsIgnoreCase("inf") || text.equalsIgnoreCase("nan")) {
        return new Token(Token.Kind.NUMBER, text, start);
      }
      return new Token(Token.Kind.IDENTIFIER, text, start);
    }
    for (String s : SYMBOLS) {
      if (q.startsWith(s, i)) {
        i += s.length();
        if (s.equals("[")) {
          brackets++;
        } else if (s.equals("]") && brackets > 0) {
          brackets--;
        }
        return new Token(Token.Kind.SYMBOL, s, start);
      }
    }
    throw new PromqlParseException(q, start, "unexpected character: '" + c + "'");
  }

  private Token number(int start) throws PromqlParseException {
    if (q.startsWith("0x", i) || q.startsWith("0X", i)) {
      i += 2;
      while (i < q.length() && (Character.digit(q.charAt(i), 16) >= 0 || q.charAt(i) == '_')) {
        i++;
      }
      return new Token(Token.Kind.NUMBER, q.substring(start, i), start);
    }
    digits();
    boolean isFloat = false;
    if (i < q.length() && q.charAt(i) == '.') {
      isFloat = true;
      i++;
      digits();
    }
    if (i < q.length() && (q.charAt(i) == 'e' || q.charAt(i) == 'E')) {
      int save = i;
      i++;
      if (i < q.length() && (q.charAt(i) == '+' || q.charAt(i) == '-')) {
        i++;
      }
      if (i < q.length() && isDigit(q.charAt(i))) {
        isFloat = true;
        digits();
      } else {
        i = save;
      }
    }
    if (!isFloat && i < q.length() && isUnit(q.charAt(i))) {
      // A duration: one or more number-unit pairs.
      while (true) {
        if (q.startsWith("ms", i)) {
          i += 2;
        } else if (i < q.length() && isUnit(q.charAt(i))) {
          i++;
        } else {
          throw new PromqlParseException(
              q, start, "bad number or duration syntax: \"" + q.substring(start, i) + "\"");
        }
        if (i < q.length() && isDigit(q.charAt(i))) {
          digits();
        } else {
          break;
        }
      }
      if (i < q.length() && isWordPart(q.charAt(i))) {
        throw new PromqlParseException(
            q, start, "bad number or duration syntax: \"" + q.substring(start, i + 1) + "\"");
      }
      return new Token(Token.Kind.DURATION, q.substring(start, i), start);
    }
    if (i < q.length() && isWordPart(q.charAt(i))) {
      throw new PromqlParseException(
          q, start, "bad number or duration syntax: \"" + q.substring(start, i + 1) + "\"");
    }
    return new Token(Token.Kind.NUMBER, q.substring(start, i), start);
  }

  private void digits() {
    while (i < q.length() && (isDigit(q.charAt(i)) || q.charAt(i) == '_')) {
      i++;
    }
  }

  // Go's unquoting: double and single quotes take escapes, backquotes none.
  private String string(char quote) throws PromqlParseException {
    int start = i++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= q.length() || (quote != '`' && q.charAt(i) == '\n')) {
        throw new PromqlParseException(q, start, "unterminated quoted string");
      }
      char c = q.charAt(i++);
      if (c == quote) {
        return b.toString();
      }
      if (c != '\\' || quote == '`') {
        b.append(c);
        continue;
      }
      if (i >= q.length()) {
        throw new PromqlParseException(q, start, "unterminated quoted string");
      }
      char e = q.charAt(i++);
      switch (e) {
        case 'a' -> b.append('\u0007');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'v' -> b.append('\u000b');
        case '\\' -> b.append('\\');
        case '"', '\'' -> {
          if (e != quote) {
            throw new PromqlParseException(q, i - 2, "unknown escape sequence");
          }
          b.append(e);
        }
        case 'x' -> b.appendCodePoint(hex(2, start));
        case 'u' -> b.appendCodePoint(hex(4, start));
        case 'U' -> b.appendCodePoint(hex(8, start));
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2; k++) {
              if (i >= q.length() || q.charAt(i) < '0' || q.charAt(i) > '7') {
                throw new PromqlParseException(q, i, "invalid octal escape");
              }
              v = v * 8 + (q.charAt(i++) - '0');
            }
            if (v > 255) {
              throw new PromqlParseException(q, i, "octal escape value > 255");
            }
            b.append((char) v);
          } else {
            throw new PromqlParseException(q, i - 2, "unknown escape sequence");
          }
        }
      }
    }
  }

  private int hex(int n, int start) throws PromqlParseException {
    if (i + n > q.length()) {
      throw new PromqlParseException(q, start, "unterminated quoted string");
    }
    int v = 0;
    for (int k = 0; k < n; k++) {
      int d = Character.digit(q.charAt(i++), 16);
      if (d < 0) {
        throw new PromqlParseException(q, i - 1, "invalid hexadecimal escape");
      }
      v = v * 16 + d;
    }
    if (!Character.isValidCodePoint(v) || (v >= 0xD800 && v <= 0xDFFF)) {
      throw new PromqlParseException(q, start, "invalid Unicode code point in escape sequence");
    }
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isUnit(char c) {
    return c == 's' || c == 'm' || c == 'h' || c == 'd' || c == 'w' || c == 'y';
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  // What may not follow a number: a letter, digit or underscore (a colon may, as in [5m:1m]).
  private static boolean isWordPart(char c) {
    return c != ':' && isIdentifierPart(c);
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c);
  }
}
