// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A label matcher as in PromQL selectors and the StoreAPI: {@code name="v"}, {@code name!="v"},
 * {@code name=~"re"}, {@code name!~"re"}.
 *
 * <p>A series without the label matches as if its value were the empty string, so {@code foo=""}
 * and {@code foo!="x"} select series that lack {@code foo}, as in Prometheus.
 *
 * <p><b>Regular expressions</b> are fully anchored as in Prometheus 3.x ({@code ^(?s:re)$}): they
 * must match the whole value, and {@code .} matches newlines. Prometheus uses Go's RE2 syntax; this
 * class runs {@link java.util.regex} and bridges the differences: it rejects with {@link
 * IllegalArgumentException} what Java accepts but RE2 does not (backreferences {@code \1},
 * lookahead and lookbehind, atomic groups, possessive quantifiers, Java-only escapes such as {@code
 * \G} or {@code \Z}, flags other than {@code i m s}); it translates RE2 forms Java reads
 * differently (POSIX classes {@code [[:alpha:]]}, a literal {@code [} or {@code &&} inside a class,
 * {@code \v}, {@code (?P<name>)}); and {@code (?i)} folds case for all of Unicode as RE2 does. Known
 * remaining differences: RE2's ungreedy flag {@code U} is rejected; {@code \b} and {@code \s}
 * differ on a few non-ASCII and vertical-tab characters; and some patterns RE2 reads as literal
 * text (such as {@code a{}) are syntax errors in Java. Java's backtracking engine can be slow on
 * pathological patterns where RE2 is linear.
 *
 * <p>Regexes are compiled once (and cached by source), in the constructor, which therefore throws
 * {@link IllegalArgumentException} for an invalid pattern. Instances are immutable and thread-safe.
 *
 * @param type how the value is compared
 * @param name the label name
 * @param value the value, or the regex source for {@link Type#RE} and {@link Type#NRE}
 */
public record Matcher(Type type, String name, String value) {
  private static final int CACHE_LIMIT = 4096;
  private static final ConcurrentHashMap<String, Compiled> CACHE = new ConcurrentHashMap<>();

  /** How a matcher compares the label value. */
  public enum Type {
    /** Equal to the value. */
    EQ,
    /** Not equal to the value. */
    NEQ,
    /** Matches the whole value as a regex. */
    RE,
    /** Does not match the regex. */
    NRE
  }

  /**
   * Validates the matcher and compiles a regex.
   *
   * @throws IllegalArgumentException if a regex is invalid or not valid RE2
   */
  public Matcher {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (type == Type.RE || type == Type.NRE) {
      compiled(value);
    }
  }

  /** {@code name="value"}. */
  public static Matcher eq(String name, String value) {
    return new Matcher(Type.EQ, name, value);
  }

  /** {@code name!="value"}. */
  public static Matcher neq(String name, String value) {
    return new Matcher(Type.NEQ, name, value);
  }

  /** {@code name=~"regex"}. */
  public static Matcher re(String name, String regex) {
    return new Matcher(Type.RE, name, regex);
  }

  /** {@code name!~"regex"}. */
  public static Matcher nre(String name, String regex) {
    return new Matcher(Type.NRE, name, regex);
  }

  /**
   * Whether a label value matches; pass {@code ""} for a series that lacks the label.
   *
   * @param v the label value, never null
   */
  public boolean matches(String v) {
    return switch (type) {
      case EQ -> value.equals(v);
      case NEQ -> !value.equals(v);
      case RE -> compiled(value).matches(v);
      case NRE -> !compiled(value).matches(v);
    };
  }

  /** PromQL form, e.g. {@code job=~"node|api"}. */
  @Override
  public String toString() {
    String op =
        switch (type) {
          case EQ -> "=";
          case NEQ -> "!=";
          case RE -> "=~";
          case NRE -> "!~";
        };
    return name + op + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static Compiled compiled(String regex) {
    Compiled c = CACHE.get(regex);
    if (c == null) {
      c = Compiled.of(regex);
      if (CACHE.size() >= CACHE_LIMIT) {
        CACHE.clear(); // crude bound: matchers come from queries and may be unbounded in variety
      }
      CACHE.put(regex, c);
    }
    return c;
  }

  /** A compiled regex with fast paths for literals and {@code .*} / {@code .+}. */
  private record Compiled(int kind, String literal, Pattern pattern) {
    static final int LITERAL = 0;
    static final int ANY = 1;
    static final int NON_EMPTY = 2;
    static final int REGEX = 3;

    static Compiled of(String regex) {
      String java = Re2Syntax.toJava(regex);
      Pattern p;
      try {
        p = Pattern.compile("(?s:" + java + ")", Pattern.UNICODE_CASE);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "invalid regex \"" + regex + "\": " + e.getDescription(), e);
      }
      if (regex.equals(".*")) {
        return new Compiled(ANY, null, p);
      }
      if (regex.equals(".+")) {
        return new Compiled(NON_EMPTY, null, p);
      }
      if (isLiteral(regex)) {
        return new Compiled(LITERAL, regex, p);
      }
      return new Compiled(REGEX, null, p);
    }

    private static boolean isLiteral(String regex) {
      for (int i = 0; i < regex.length(); i++) {
        if ("\\^$.|?*+()[]{}".indexOf(regex.charAt(i)) >= 0) {
          return false;
        }
      }
      return true;
    }

    boolean matches(String v) {
      return switch (kind) {
        case LITERAL -> literal.equals(v);
        case ANY -> true;
        case NON_EMPTY -> !v.isEmpty();
        default -> pattern.matcher(v).matches();
      };
    }
  }
}
