// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading {@code --receive.relabel-config} as Thanos does (yaml.v2 into Prometheus' {@code
 * relabel.Config}, then {@code Validate} with UTF-8 names), with Prometheus' messages.
 */
class RelabelConfigsTest {
  private static RelabelConfig only(String yaml) throws Exception {
    List<RelabelConfig> c = RelabelConfigs.parse(yaml).configs();
    assertThat(c).hasSize(1);
    return c.get(0);
  }

  private static String error(String yaml) {
    try {
      RelabelConfigs.parse(yaml);
    } catch (RelabelConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void anEmptyOrNullDocumentIsNoRules() throws Exception {
    assertThat(RelabelConfigs.parse("").isEmpty()).isTrue();
    assertThat(RelabelConfigs.parse("  \n# nothing\n").isEmpty()).isTrue();
    assertThat(RelabelConfigs.parse("null").isEmpty()).isTrue();
    assertThat(RelabelConfigs.parse("[]").isEmpty()).isTrue();
  }

  @Test
  void leftOutKeysTakePrometheusDefaults() throws Exception {
    RelabelConfig c = only("- target_label: t");
    assertThat(c.action()).isEqualTo(RelabelAction.REPLACE);
    assertThat(c.separator()).isEqualTo(";");
    assertThat(c.hasDefaultRegex()).isTrue();
    assertThat(c.regex().source()).isEqualTo("(.*)");
    assertThat(c.replacement()).isEqualTo("$1");
    assertThat(c.modulus()).isZero();
    assertThat(c.sourceLabels()).isNull();
  }

  @Test
  void nullValuesAreZeroValuesAsInYamlV2() throws Exception {
    RelabelConfig c =
        only(
            """
            - source_labels:
              separator:
              regex: ~
              target_label: t
              replacement:
            """);
    assertThat(c.sourceLabels()).isNull();
    assertThat(c.separator()).isEmpty();
    assertThat(c.replacement()).isEmpty();
    assertThat(c.hasDefaultRegex()).as("a null regex is the empty regex").isFalse();
    assertThat(c.regex().source()).isEmpty();
    assertThat(error("- {action: null, target_label: t}"))
        .isEqualTo("validate relabel config: relabel action cannot be empty (rule 1, line 1)");
  }

  @Test
  void scalarsAreTakenAsTheirTextAndActionsInAnyCase() throws Exception {
    RelabelConfig c =
        only("- {target_label: t, replacement: 1.50, separator: 0x10, action: RePlAcE}");
    assertThat(c.replacement()).isEqualTo("1.50");
    assertThat(c.separator()).isEqualTo("0x10");
    assertThat(c.action()).isEqualTo(RelabelAction.REPLACE);
    assertThat(only("- {target_label: t, replacement: yes}").replacement()).isEqualTo("yes");
  }

  @Test
  void modulusIsAnUnsignedIntegerInYamlForms() throws Exception {
    String rule = "- {source_labels: [a], target_label: h, action: hashmod, modulus: %s}";
    assertThat(only(rule.formatted("8")).modulus()).isEqualTo(8);
    assertThat(only(rule.formatted("0x10")).modulus()).isEqualTo(16);
    assertThat(only(rule.formatted("1_000")).modulus()).isEqualTo(1000);
    assertThat(only(rule.formatted("2.9")).modulus()).as("truncated, as yaml.v2").isEqualTo(2);
    assertThat(only(rule.formatted("18446744073709551615")).modulus()).isEqualTo(-1L);
    assertThat(error(rule.formatted("-1"))).contains("modulus must be an unsigned 64-bit integer");
    assertThat(error(rule.formatted("\"8\"")))
        .contains("modulus must be an unsigned 64-bit integer");
    assertThat(error(rule.formatted("18446744073709551616")))
        .contains("modulus must be an unsigned 64-bit integer");
  }

  @Test
  void unknownKeysAreIgnoredAndReported() throws Exception {
    RelabelConfigs c =
        RelabelConfigs.parse(
            """
            - source_label: [a]
              target_label: t
            """);
    assertThat(c.configs()).hasSize(1);
    assertThat(c.configs().get(0).sourceLabels()).isNull();
    assertThat(c.ignoredKeys()).containsExactly("source_label (rule 1, line 1)");
  }

  @Test
  void parseErrorsNameWhatAndWhere() {
    assertThat(error("a: b")).startsWith("parsing relabel configuration: ").contains("a mapping");
    assertThat(error("- [a]")).contains("rule 1 (line 1) must be a mapping");
    assertThat(error("- target_label: t\n- null")).contains("rule 2 (line 2) must be a mapping");
    assertThat(error("- {action: frobnicate}"))
        .isEqualTo(
            "parsing relabel configuration: unknown relabel action \"frobnicate\" (rule 1, line"
                + " 1)");
    assertThat(error("- {source_labels: a, target_label: t}"))
        .contains("source_labels must be a list of label names");
    assertThat(error("- {source_labels: [''], target_label: t}"))
        .contains("\"\" is not a valid label name");
    assertThat(error("- {target_label: {a: b}}")).contains("target_label must be a string");
    assertThat(error("- {regex: '(a', action: keep}"))
        .startsWith("parsing relabel configuration: invalid regex \"(a\"")
        .contains("missing closing )");
    assertThat(error("- {regex: 'a\\1', action: keep}")).contains("invalid escape");
    assertThat(error("- {target_label: [unclosed")).startsWith("parsing relabel configuration: ");
  }

  @Test
  void validationRejectsWhatPrometheusRejectsWithItsMessages() {
    String v = "validate relabel config: ";
    assertThat(error("- {source_labels: [a], target_label: t, action: hashmod}"))
        .isEqualTo(
            v + "relabel configuration for hashmod requires non-zero modulus (rule 1, line 1)");
    for (String action :
        List.of("replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal")) {
      assertThat(error("- {source_labels: [a], modulus: 2, action: " + action + "}"))
          .isEqualTo(
              v
                  + "relabel configuration for "
                  + action
                  + " action requires 'target_label' value (rule 1, line 1)");
    }
    for (String action : List.of("lowercase", "uppercase", "keepequal", "dropequal")) {
      assertThat(
              error(
                  "- {source_labels: [a], target_label: t, replacement: x, action: "
                      + action
                      + "}"))
          .isEqualTo(v + "'replacement' can not be set for " + action + " action (rule 1, line 1)");
    }
    assertThat(error("- {action: labelmap, replacement: ''}"))
        .isEqualTo(v + "\"\" is invalid 'replacement' for labelmap action (rule 1, line 1)");
    for (String field : List.of("regex: '(.*)'", "separator: ','", "modulus: 3")) {
      assertThat(error("- {source_labels: [a], target_label: t, action: keepequal, " + field + "}"))
          .as(field)
          .isEqualTo(
              v
                  + "keepequal action requires only 'source_labels' and `target_label`, and no"
                  + " other fields (rule 1, line 1)");
    }
    for (String field :
        List.of("source_labels: []", "target_label: t", "separator: ','", "replacement: x")) {
      assertThat(error("- {regex: a, action: labeldrop, " + field + "}"))
          .as(field)
          .isEqualTo(
              v + "labeldrop action requires only 'regex', and no other fields (rule 1, line 1)");
    }
    assertThat(error("- {target_label: t}\n- {action: labelkeep, target_label: x}"))
        .endsWith("(rule 2, line 2)");
  }

  @Test
  void namesWithCharactersOutsideTheLegacySetAreValidAsInPrometheus3() throws Exception {
    RelabelConfig c = only("- {source_labels: [a.b, ü], target_label: 'x-y', action: lowercase}");
    assertThat(c.sourceLabels()).containsExactly("a.b", "ü");
    assertThat(c.targetLabel()).isEqualTo("x-y");
  }
}
