// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import io.sluice.tsdb.labels.InvalidRegexException;
import io.sluice.tsdb.labels.PrometheusRegex;
import java.util.Objects;

/**
 * A label matcher as in PromQL selectors and the StoreAPI: {@code name="v"}, {@code name!="v"},
 * {@code name=~"re"}, {@code name!~"re"}.
 *
 * <p>A series without the label matches as if its value were the empty string, so {@code foo=""}
 * and {@code foo!="x"} select series that lack {@code foo}, as in Prometheus.
 *
 * <p><b>Regular expressions</b> are Prometheus' ({@link PrometheusRegex}): Go's RE2 syntax and
 * semantics, fully anchored as in Prometheus 3.x ({@code ^(?s:re)$}, so {@code .} matches
 * newlines), matched in time linear in the value's length. The regex is compiled in the
 * constructor, which therefore throws {@link InvalidRegexException} for a pattern Prometheus would
 * reject.
 *
 * <p>Immutable and thread-safe; equal when type, name and value are.
 */
public final class Matcher {
  private final Type type;
  private final String name;
  private final String value;
  private final PrometheusRegex regex;

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
   * @param type how the value is compared
   * @param name the label name
   * @param value the value, or the regex source for {@link Type#RE} and {@link Type#NRE}
   * @throws InvalidRegexException if a regex is not valid RE2 or beyond RE2's limits
   */
  public Matcher(Type type, String name, String value) {
    this.type = Objects.requireNonNull(type, "type");
    this.name = Objects.requireNonNull(name, "name");
    this.value = Objects.requireNonNull(value, "value");
    this.regex = type == Type.RE || type == Type.NRE ? PrometheusRegex.compile(value) : null;
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

  /** How the value is compared. */
  public Type type() {
    return type;
  }

  /** The label name. */
  public String name() {
    return name;
  }

  /** The value, or the regex source for {@link Type#RE} and {@link Type#NRE}. */
  public String value() {
    return value;
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
      case RE -> regex.matches(v);
      case NRE -> !regex.matches(v);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Matcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, value);
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
}
