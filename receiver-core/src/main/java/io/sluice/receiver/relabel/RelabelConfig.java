// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import io.sluice.tsdb.labels.PrometheusRegex;
import io.sluice.tsdb.labels.Utf8;
import java.util.List;
import java.util.Objects;

/**
 * One Prometheus {@code relabel_config} rule, validated in the constructor as Prometheus' {@code
 * Config.Validate} does with the UTF-8 name validation Thanos uses (reference {@code
 * prometheus-formats.md} §7; {@code prometheus/prometheus:model/relabel/relabel.go}), with its
 * messages.
 *
 * <p>Defaults are Prometheus': {@link #DEFAULT_SEPARATOR}, {@link #DEFAULT_REGEX}, {@link
 * #DEFAULT_REPLACEMENT}, action {@link RelabelAction#REPLACE}, no modulus. As in Prometheus, a rule
 * "has the default regex" only when it is the {@link #DEFAULT_REGEX} instance, i.e. no {@code
 * regex} was configured: an explicit {@code regex: (.*)} is another regex, which matters for the
 * fields {@code keepequal} and {@code dropequal} allow.
 *
 * @param sourceLabels the labels whose values are joined; null when not configured (Prometheus
 *     tells "not configured" from an empty list for {@code labeldrop} and {@code labelkeep})
 * @param separator what joins the source values
 * @param regex the anchored RE2 pattern the joined value (or a label name) must match
 * @param modulus for {@code hashmod}, an unsigned 64-bit divisor; 0 when not configured
 * @param targetLabel the label written, a template for {@code replace}; empty when not configured
 * @param replacement the template of the value written ({@code replace}) or the name made ({@code
 *     labelmap})
 * @param action what the rule does; null when configured empty ({@code action: null})
 */
public record RelabelConfig(
    List<String> sourceLabels,
    String separator,
    PrometheusRegex regex,
    long modulus,
    String targetLabel,
    String replacement,
    RelabelAction action) {

  /** Prometheus' default separator. */
  public static final String DEFAULT_SEPARATOR = ";";

  /** Prometheus' default regex: the rule has it when no regex was configured. */
  public static final PrometheusRegex DEFAULT_REGEX = PrometheusRegex.compile("(.*)");

  /** Prometheus' default replacement. */
  public static final String DEFAULT_REPLACEMENT = "$1";

  /**
   * Validates the rule.
   *
   * @throws IllegalArgumentException with Prometheus' message when {@code Config.Validate} rejects
   *     it, or when a source label name is not valid
   */
  public RelabelConfig {
    if (sourceLabels != null) {
      sourceLabels = List.copyOf(sourceLabels);
      for (String l : sourceLabels) {
        if (!isValidLabelName(l)) {
          throw new IllegalArgumentException(GoQuote.quote(l) + " is not a valid label name");
        }
      }
    }
    Objects.requireNonNull(separator, "separator");
    Objects.requireNonNull(regex, "regex");
    Objects.requireNonNull(targetLabel, "targetLabel");
    Objects.requireNonNull(replacement, "replacement");
    String why = problem(sourceLabels, separator, regex, modulus, targetLabel, replacement, action);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  /** {@return whether no regex was configured} */
  public boolean hasDefaultRegex() {
    return regex == DEFAULT_REGEX;
  }

  /**
   * Whether {@code name} is a valid label name for relabelling, as Prometheus 3's UTF-8 validation
   * has it: non-empty and valid UTF-8 (a Java string is, unless it holds an unpaired surrogate).
   */
  public static boolean isValidLabelName(String name) {
    return !name.isEmpty() && !Utf8.hasUnpairedSurrogate(name);
  }

  // Config.Validate, in its order; null when valid.
  private static String problem(
      List<String> sourceLabels,
      String separator,
      PrometheusRegex regex,
      long modulus,
      String target,
      String replacement,
      RelabelAction action) {
    if (action == null) {
      return "relabel action cannot be empty";
    }
    if (modulus == 0 && action == RelabelAction.HASHMOD) {
      return "relabel configuration for hashmod requires non-zero modulus";
    }
    boolean writes =
        switch (action) {
          case REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
          default -> false;
        };
    if (writes && target.isEmpty()) {
      return "relabel configuration for " + action + " action requires 'target_label' value";
    }
    boolean compares =
        switch (action) {
          case LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
          default -> false;
        };
    // With UTF-8 validation a name holding "$" is checked as any other name.
    if ((action == RelabelAction.REPLACE || action == RelabelAction.HASHMOD || compares)
        && !isValidLabelName(target)) {
      return GoQuote.quote(target) + " is invalid 'target_label' for " + action + " action";
    }
    if (compares && !replacement.equals(DEFAULT_REPLACEMENT)) {
      return "'replacement' can not be set for " + action + " action";
    }
    if (action == RelabelAction.LABELMAP && !isValidLabelName(replacement)) {
      return GoQuote.quote(replacement) + " is invalid 'replacement' for " + action + " action";
    }
    if ((action == RelabelAction.KEEPEQUAL || action == RelabelAction.DROPEQUAL)
        && (regex != DEFAULT_REGEX
            || modulus != 0
            || !separator.equals(DEFAULT_SEPARATOR)
            || !replacement.equals(DEFAULT_REPLACEMENT))) {
      return action
          + " action requires only 'source_labels' and `target_label`, and no other fields";
    }
    if ((action == RelabelAction.LABELDROP || action == RelabelAction.LABELKEEP)
        && (sourceLabels != null
            || !target.isEmpty()
            || modulus != 0
            || !separator.equals(DEFAULT_SEPARATOR)
            || !replacement.equals(DEFAULT_REPLACEMENT))) {
      return action + " action requires only 'regex', and no other fields";
    }
    return null;
  }
}
