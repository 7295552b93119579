// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.promql;

/**
 * One lexical item of a PromQL query.
 *
 * @param kind what it is
 * @param text the source text (for {@link Kind#STRING}: the unquoted value)
 * @param pos offset of its first character in the query
 */
record Token(Kind kind, String text, int pos) {
  enum Kind {
    /** Names: metrics, labels, functions, keywords (told apart by the parser). */
    IDENTIFIER,
    NUMBER,
    /** A number with units: {@code 5m}, {@code 1h30m}. */
    DURATION,
    STRING,
    /** Operators and punctuation: {@code ( ) { } [ ] , : @ = == != =~ !~ < <= > >= + - * / % ^}. */
    SYMBOL,
    EOF
  }

  boolean is(String symbol) {
    return (kind == Kind.SYMBOL || kind == Kind.IDENTIFIER) && text.equals(symbol);
  }

  /**
   * How an error names it, as Prometheus does: {@code "}"}, {@code identifier "x"}, {@code EOF}.
   */
  String describe() {
    return switch (kind) {
      case EOF -> "end of input";
      case IDENTIFIER -> "identifier \"" + text + "\"";
      case NUMBER -> "number \"" + text + "\"";
      case DURATION -> "duration \"" + text + "\"";
      case STRING -> "string";
      case SYMBOL -> "\"" + text + "\"";
    };
  }
}
