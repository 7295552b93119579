// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A regular expression as Prometheus uses it in label matchers and relabelling: Go's RE2 syntax,
 * fully anchored, with {@code .} matching newlines — Prometheus 3.x compiles {@code "^(?s:" + re +
 * ")$"}, and so does this class. Matching runs on RE2/J, a port of Go's engine: time linear in the
 * value's length for any pattern, so {@code (.*a){25}x} or {@code (a+)+b} cannot hold a thread.
 *
 * <p><b>Syntax and semantics are Go's</b>, not {@link java.util.regex}'s: no backreferences,
 * lookaround, atomic groups or possessive quantifiers (rejected); {@code \d}, {@code \w}, {@code
 * \s} and {@code \b} are ASCII-only; {@code (?i)} folds case by Unicode simple folding ({@code
 * (?i)straße} does not match {@code STRASSE}); {@code $} is the end of the text unless {@code
 * (?m)}; flags {@code i m s U}; POSIX classes {@code [[:alpha:]]}, Unicode classes {@code \pL},
 * {@code \p{Greek}}, {@code \Q...\E}, named groups {@code (?P<n>...)} and {@code (?<n>...)}. Go's
 * limits are enforced too (at most 1000 repetitions in {@code x{n}}, an estimate of the compiled
 * size below Go's 128 MiB budget, at most 1000 nested groups), which RE2/J alone lacks. Known
 * differences from Go: RE2/J carries its own Unicode tables, so {@code \p} classes and case folding
 * follow its Unicode version; Java strings hold UTF-16, so a value cannot hold the invalid UTF-8
 * that Go matches byte by byte.
 *
 * <p>Common shapes skip the engine: a literal compares strings, {@code .*} matches everything,
 * {@code .+} every non-empty value, and an alternation of literals ({@code a|b|c}, as Grafana
 * variables produce) is a set lookup.
 *
 * <p>Immutable and thread-safe; equal when the sources are equal.
 */
public final class PrometheusRegex {
  private static final int LITERAL = 0;
  private static final int ANY = 1;
  private static final int NON_EMPTY = 2;
  private static final int SET = 3;
  private static final int ENGINE = 4;
  private static final String META = "\\^$.|?*+()[]{}";

  private final String source;
  private final Pattern pattern;
  private final int kind;
  private final Set<String> literals;

  private PrometheusRegex(String source, Pattern pattern, int kind, Set<String> literals) {
    this.source = source;
    this.pattern = pattern;
    this.kind = kind;
    this.literals = literals;
  }

  /**
   * Compiles {@code re} as Prometheus does: {@code ^(?s:re)$}, RE2 syntax.
   *
   * @param re the pattern as written in a selector or relabel config, without anchors
   * @throws InvalidRegexException if Go's {@code regexp.Compile} would reject the anchored pattern
   */
  public static PrometheusRegex compile(String re) {
    String anchored = "^(?s:" + re + ")$";
    String limit = Re2Limits.check(anchored);
    if (limit != null) {
      throw new InvalidRegexException(re, limit, null);
    }
    Pattern p;
    try {
      p = Pattern.compile(anchored);
    } catch (PatternSyntaxException e) {
      throw new InvalidRegexException(re, e.getMessage(), e);
    } catch (StackOverflowError e) {
      // Defence in depth: the nesting limit above should have caught it.
      throw new InvalidRegexException(re, "expression nests too deeply", null);
    }
    if (re.equals(".*")) {
      return new PrometheusRegex(re, p, ANY, null);
    }
    if (re.equals(".+")) {
      return new PrometheusRegex(re, p, NON_EMPTY, null);
    }
    if (isLiteral(re, 0, re.length())) {
      return new PrometheusRegex(re, p, LITERAL, null);
    }
    Set<String> set = literalAlternatives(re);
    if (set != null) {
      return new PrometheusRegex(re, p, SET, set);
    }
    return new PrometheusRegex(re, p, ENGINE, null);
  }

  /** The pattern as given to {@link #compile}. */
  public String source() {
    return source;
  }

  /**
   * The compiled, anchored pattern {@code ^(?s:source)$}, for callers that need groups (relabel
   * replacements). Its groups are numbered as in the source: the anchoring group does not capture.
   */
  public Pattern pattern() {
    return pattern;
  }

  /**
   * Whether the whole of {@code value} matches. Allocates nothing for the literal, {@code .*},
   * {@code .+} and literal-alternation shapes.
   */
  public boolean matches(String value) {
    return switch (kind) {
      case LITERAL -> source.equals(value);
      case ANY -> true;
      case NON_EMPTY -> !value.isEmpty();
      case SET -> literals.contains(value);
      default -> pattern.matcher(value).matches();
    };
  }

  private static boolean isLiteral(String re, int from, int to) {
    for (int i = from; i < to; i++) {
      if (META.indexOf(re.charAt(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  // The alternatives of re when it is only literals separated by '|', else null.
  private static Set<String> literalAlternatives(String re) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    int from = 0;
    for (int i = 0; i <= re.length(); i++) {
      if (i == re.length() || re.charAt(i) == '|') {
        if (!isLiteral(re, from, i)) {
          return null;
        }
        out.add(re.substring(from, i));
        from = i + 1;
      }
    }
    return Set.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrometheusRegex r && r.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  /** The source. */
  @Override
  public String toString() {
    return source;
  }
}
