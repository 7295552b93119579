// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The semantics of every action, with Prometheus 3's (Thanos') behaviour where it differs from
 * 2.42's, which the Prometheus golden test cannot show. Expected values follow {@code
 * prometheus/prometheus:model/relabel/relabel.go} and its tests.
 */
class RelabellerTest {
  private final LabelsBuilder lb = new LabelsBuilder();

  /** The result of the rules on the labels, as {@code {a="1", b="2"}}, or "dropped". */
  private String relabel(String yaml, String... labels) throws Exception {
    Relabeller r = new Relabeller(RelabelConfigs.parse(yaml).configs());
    lb.reset(labels);
    if (!r.process(lb)) {
      return "dropped";
    }
    lb.finish();
    return text(lb.toNameValuePairs());
  }

  static String text(String[] pairs) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(pairs[i]).append("=\"").append(pairs[i + 1]).append('"');
    }
    return b.append('}').toString();
  }

  @Test
  void replaceJoinsSourceValuesWithTheSeparatorAndMissingLabelsAreEmpty() throws Exception {
    String yaml =
        """
        - source_labels: [a, missing, b]
          separator: "-"
          target_label: joined
        """;
    assertThat(relabel(yaml, "a", "x", "b", "y")).isEqualTo("{a=\"x\", b=\"y\", joined=\"x--y\"}");
  }

  @Test
  void replaceExpandsGroupsAsGoRegexpExpandDoes() throws Exception {
    String rule =
        """
        - source_labels: [v]
          regex: "(?P<first>[a-z]+)-([0-9]+)"
          target_label: out
          replacement: "%s"
        """;
    String[] in = {"v", "abc-42"};
    assertThat(relabel(rule.formatted("$2:${1}:$first:${first}x"), in))
        .isEqualTo("{out=\"42:abc:abc:abcx\", v=\"abc-42\"}");
    // $1x names the group "1x", which does not exist: empty. $01 is not group 1 either.
    assertThat(relabel(rule.formatted("[$1x][$01][$9][$0]"), in))
        .isEqualTo("{out=\"[][][][abc-42]\", v=\"abc-42\"}");
    // $$ is a dollar; a dollar starting no reference stays.
    assertThat(relabel(rule.formatted("$$1 ${ $ ${1"), in))
        .isEqualTo("{out=\"$1 ${ $ ${1\", v=\"abc-42\"}");
  }

  @Test
  void replaceWithoutAMatchChangesNothing() throws Exception {
    String yaml =
        """
        - source_labels: [v]
          regex: "b"
          target_label: out
          replacement: x
        """;
    // Fully anchored: "b" does not match "abc".
    assertThat(relabel(yaml, "v", "abc")).isEqualTo("{v=\"abc\"}");
    assertThat(relabel(yaml, "v", "b")).isEqualTo("{out=\"x\", v=\"b\"}");
  }

  @Test
  void theRegexIsAnchoredWithDotMatchingNewlineAsInPrometheus3() throws Exception {
    String yaml =
        """
        - source_labels: [v]
          regex: "a.b"
          action: keep
        """;
    // Prometheus 2.42 compiled ^(?:a.b)$ and dropped this; 3.x (and Thanos) compile ^(?s:a.b)$.
    assertThat(relabel(yaml, "v", "a\nb")).isEqualTo("{v=\"a\nb\"}");
    assertThat(relabel(yaml, "v", "xa\nb")).isEqualTo("dropped");
  }

  @Test
  void anEmptyReplacementDeletesTheExpandedTarget() throws Exception {
    String yaml =
        """
        - source_labels: [v]
          regex: "(.*)"
          target_label: "${1}"
          replacement: ""
        """;
    // 3.x deletes the expanded target ("gone"); 2.42 deleted the label named "${1}".
    assertThat(relabel(yaml, "gone", "1", "v", "gone")).isEqualTo("{v=\"gone\"}");
  }

  @Test
  void anInvalidExpandedTargetLeavesTheLabelsAsTheyAre() throws Exception {
    String yaml =
        """
        - source_labels: [v]
          regex: "(x)?.*"
          target_label: "${1}"
          replacement: set
        """;
    // The group did not take part: the target expands to "", not a valid name.
    assertThat(relabel(yaml, "v", "abc")).isEqualTo("{v=\"abc\"}");
    // Any non-empty UTF-8 name is valid in 3.x, "x-y" included.
    String dashed =
        """
        - source_labels: [v]
          target_label: "${1}-y"
          replacement: set
        """;
    assertThat(relabel(dashed, "v", "x")).isEqualTo("{v=\"x\", x-y=\"set\"}");
  }

  @Test
  void replaceWithTheDefaultsCopiesTheSourceAndAnEmptySourceDeletesTheTarget() throws Exception {
    String yaml =
        """
        - source_labels: [from]
          target_label: to
        """;
    assertThat(relabel(yaml, "from", "1", "to", "0")).isEqualTo("{from=\"1\", to=\"1\"}");
    assertThat(relabel(yaml, "to", "0")).isEqualTo("{}");
  }

  @Test
  void keepAndDropMatchTheJoinedValue() throws Exception {
    String keep =
        """
        - source_labels: [__name__, job]
          regex: "up;node"
          action: keep
        """;
    assertThat(relabel(keep, "__name__", "up", "job", "node"))
        .isEqualTo("{__name__=\"up\", job=\"node\"}");
    assertThat(relabel(keep, "__name__", "up", "job", "other")).isEqualTo("dropped");
    String drop =
        """
        - source_labels: [job]
          regex: "n.*"
          action: DROP
        """;
    assertThat(relabel(drop, "job", "node")).isEqualTo("dropped");
    assertThat(relabel(drop, "job", "x")).isEqualTo("{job=\"x\"}");
    // No source labels: the value is "", which the empty regex matches.
    assertThat(relabel("- {action: drop, regex: \"\"}", "a", "1")).isEqualTo("dropped");
  }

  @Test
  void processingStopsAtTheFirstDrop() throws Exception {
    String yaml =
        """
        - {source_labels: [a], regex: "1", action: drop}
        - {target_label: never, replacement: x}
        """;
    assertThat(relabel(yaml, "a", "1")).isEqualTo("dropped");
    assertThat(relabel(yaml, "a", "2")).isEqualTo("{a=\"2\", never=\"x\"}");
  }

  @Test
  void keepEqualAndDropEqualCompareWithTheTargetLabel() throws Exception {
    String keep = "- {source_labels: [a, b], target_label: c, action: keepequal}";
    assertThat(relabel(keep, "a", "1", "b", "2", "c", "1;2")).isNotEqualTo("dropped");
    assertThat(relabel(keep, "a", "1", "b", "2", "c", "1")).isEqualTo("dropped");
    String drop = "- {source_labels: [a], target_label: c, action: dropequal}";
    assertThat(relabel(drop, "a", "1", "c", "1")).isEqualTo("dropped");
    // A missing target is "", equal to a missing source.
    assertThat(relabel(drop, "x", "1")).isEqualTo("dropped");
    assertThat(relabel(drop, "a", "1", "c", "2")).isNotEqualTo("dropped");
  }

  @Test
  void hashmodTakesTheLastEightBytesOfTheMd5BigEndianModuloTheModulus() throws Exception {
    // md5("foo") = acbd18db4cc2f85cedef654fccc4a4d8: 0xedef654fccc4a4d8 % 1000 = 696 (unsigned).
    String yaml = "- {source_labels: [a], target_label: h, modulus: 1000, action: hashmod}";
    assertThat(relabel(yaml, "a", "foo")).isEqualTo("{a=\"foo\", h=\"696\"}");
    String big =
        "- {source_labels: [a], target_label: h, modulus: 18446744073709551615, action: hashmod}";
    assertThat(relabel(big, "a", "foo"))
        .isEqualTo("{a=\"foo\", h=\"" + Long.toUnsignedString(0xedef654fccc4a4d8L) + "\"}");
  }

  @Test
  void lowercaseAndUppercaseMapEachCharacterAsGoDoes() throws Exception {
    String lower = "- {source_labels: [a], target_label: l, action: lowercase}";
    assertThat(relabel(lower, "a", "ÄbC İ Σ")).isEqualTo("{a=\"ÄbC İ Σ\", l=\"äbc i σ\"}");
    String upper = "- {source_labels: [a], target_label: a, action: uppercase}";
    // One character to one: ß has no single upper-case character and stays.
    assertThat(relabel(upper, "a", "straße")).isEqualTo("{a=\"STRAßE\"}");
    // An empty value deletes the target.
    assertThat(relabel(upper, "b", "x", "a", "")).isEqualTo("{b=\"x\"}");
  }

  @Test
  void labelmapCopiesMatchingLabelsUnderTheirNewNames() throws Exception {
    String yaml = "- {regex: \"meta_(.+)\", action: labelmap}";
    assertThat(relabel(yaml, "meta_a", "1", "meta_b", "2", "x", "3"))
        .isEqualTo("{a=\"1\", b=\"2\", meta_a=\"1\", meta_b=\"2\", x=\"3\"}");
    // Two labels mapping to one name: the later one in the range (base order) wins.
    String both = "- {regex: \"(?:a|b)_(x)\", action: labelmap}";
    assertThat(relabel(both, "a_x", "1", "b_x", "2")).isEqualTo("{a_x=\"1\", b_x=\"2\", x=\"2\"}");
    // The range visits labels added earlier, after the base, with their values of then.
    String chained =
        """
        - {target_label: p_new, replacement: v}
        - {regex: "p_(.*)", replacement: "q_$1", action: labelmap}
        """;
    assertThat(relabel(chained, "p_old", "o"))
        .isEqualTo("{p_new=\"v\", p_old=\"o\", q_new=\"v\", q_old=\"o\"}");
  }

  @Test
  void labeldropAndLabelkeepMatchNames() throws Exception {
    assertThat(relabel("- {regex: \"tmp_.*\", action: labeldrop}", "a", "1", "tmp_x", "2"))
        .isEqualTo("{a=\"1\"}");
    assertThat(relabel("- {regex: \"__name__|job\", action: labelkeep}", "__name__", "u", "x", "1"))
        .isEqualTo("{__name__=\"u\"}");
  }

  @Test
  void aResultWithoutLabelsIsKeptAsRelabelProcessKeepsIt() throws Exception {
    // Prometheus' remote-write sender drops it; Thanos receive keeps it and rejects it (409).
    assertThat(relabel("- {regex: nothing, action: labelkeep}", "a", "1")).isEqualTo("{}");
  }

  @Test
  void anEmptyValuedInputLabelIsRemovedOnceRulesRun() throws Exception {
    // labels.Builder.Reset deletes empty-valued labels, so even a rule that changes nothing does.
    assertThat(relabel("- {action: keep, regex: \".*\"}", "a", "1", "e", ""))
        .isEqualTo("{a=\"1\"}");
  }

  @Test
  void addedLabelsAreSortedIntoPlaceByUtf8Bytes() throws Exception {
    String yaml =
        """
        - {target_label: "\uE000", replacement: bmp}
        - {target_label: "\uD83D\uDE00", replacement: astral}
        - {target_label: A, replacement: upper}
        """;
    // U+1F600 sorts after U+E000 in UTF-8, before it in UTF-16.
    assertThat(relabel(yaml, "b", "1"))
        .isEqualTo("{A=\"upper\", b=\"1\", \uE000=\"bmp\", \uD83D\uDE00=\"astral\"}");
  }

  @Test
  void onlyDeletingKeepsTheBaseOrder() throws Exception {
    // Prometheus sorts only when it adds; an unsorted series stays unsorted (and Thanos then
    // rejects it as out of order).
    assertThat(relabel("- {regex: x, action: labeldrop}", "z", "1", "x", "2", "a", "3"))
        .isEqualTo("{z=\"1\", a=\"3\"}");
  }

  @Test
  void rememberedResultsAreTheSameAsFreshOnes() throws Exception {
    Relabeller r =
        new Relabeller(
            RelabelConfigs.parse(
                    """
                    - {source_labels: [a], regex: "x1.*", action: drop}
                    - {source_labels: [a, b], regex: "(.)(.*);(.*)", target_label: "t_$1",
                       replacement: "$3-$2"}
                    - {source_labels: [b], target_label: h, modulus: 13, action: hashmod}
                    - {source_labels: [a], target_label: up, action: uppercase}
                    - {regex: "t_(.*)", replacement: "m_$1", action: labelmap}
                    - {regex: "b", action: labeldrop}
                    - {source_labels: [h], regex: "1.*", action: keep}
                    """)
                .configs());
    java.util.Random rnd = new java.util.Random(7);
    LabelsBuilder shared = new LabelsBuilder();
    int kept = 0;
    for (int i = 0; i < 20_000; i++) {
      // Few distinct values (the memo hits) and many (slots are taken over).
      String a = (i % 2 == 0 ? "v" + rnd.nextInt(5) : "x" + rnd.nextInt(3000));
      String b = "w" + rnd.nextInt(i % 3 == 0 ? 4 : 5000);
      String[] in = {"a", a, "b", b};
      LabelsBuilder fresh = new LabelsBuilder();
      fresh.reset(in);
      shared.reset(in);
      boolean keepFresh = r.process(fresh);
      assertThat(r.process(shared)).as("%s", List.of(in)).isEqualTo(keepFresh);
      if (keepFresh) {
        kept++;
        fresh.finish();
        shared.finish();
        assertThat(shared.toNameValuePairs()).containsExactly(fresh.toNameValuePairs());
      }
    }
    assertThat(kept).isBetween(1000, 19_000);
  }

  @Test
  void finishTellsWhetherTheLabelsChanged() throws Exception {
    Relabeller same =
        new Relabeller(RelabelConfigs.parse("- {source_labels: [a], target_label: b}").configs());
    lb.reset("a", "1", "b", "1");
    assertThat(same.process(lb)).isTrue();
    assertThat(lb.finish()).as("b set to its own value").isFalse();
    lb.reset("a", "1", "b", "2");
    assertThat(same.process(lb)).isTrue();
    assertThat(lb.finish()).isTrue();
    assertThat(lb.outputCount()).isEqualTo(2);
    assertThat(lb.outputBaseIndex(0)).as("a is taken over from the base").isZero();
    assertThat(lb.outputBaseIndex(1)).as("b is new").isEqualTo(-1);
    assertThat(lb.outputValue(1)).isEqualTo("1");
  }
}
