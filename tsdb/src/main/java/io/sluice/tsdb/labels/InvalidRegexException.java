// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

/**
 * A regular expression that Prometheus (Go's RE2) would not compile: a syntax error, a construct
 * RE2 lacks (backreferences, lookaround, possessive quantifiers), or a pattern beyond RE2's size or
 * nesting limits. The message names the pattern and what is wrong with it.
 */
public final class InvalidRegexException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String regex;

  /**
   * @param regex the pattern as given, without the anchoring Prometheus adds
   * @param what what is wrong, e.g. {@code "invalid escape sequence: `\1`"}
   */
  public InvalidRegexException(String regex, String what, Throwable cause) {
    super("invalid regex \"" + regex + "\" (RE2 syntax, as Prometheus): " + what, cause);
    this.regex = regex;
  }

  /** The pattern as given. */
  public String regex() {
    return regex;
  }
}
