// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Go RE2 semantics where they differ from {@link java.util.regex}, and RE2's limits. */
class PrometheusRegexTest {
  // Only a hang guard: with a backtracking engine these patterns take years, not seconds.
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  private static boolean matches(String re, String value) {
    return PrometheusRegex.compile(re).matches(value);
  }

  @Test
  void answersPathologicalPatternsThatABacktrackerNeverFinishes() {
    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          for (int n = 42; n <= 46; n++) {
            assertThat(matches("(.*a){25}x", "a".repeat(n))).as("%d a's", n).isFalse();
          }
          assertThat(matches("(.*a){25}", "a".repeat(46))).isTrue();
          assertThat(matches("(a+)+b", "a".repeat(10_000))).isFalse();
          assertThat(matches("(a|a)*b", "a".repeat(10_000))).isFalse();
          assertThat(matches("(a|aa)*c", "a".repeat(10_000))).isFalse();
          assertThat(matches("((((((a*)*)*)*)*)*)*b", "a".repeat(10_000))).isFalse();
          assertThat(matches("(x+x+)+y", "x".repeat(10_000) + "y")).isTrue();
        });
  }

  @Test
  void rejectsWhatGoRejectsThoughJavaAcceptsIt() {
    for (String re :
        new String[] {
          "(a)\\1",
          "(?=a)a",
          "a(?!b)",
          "(?<=a)b",
          "(?<!a)b",
          "(?>a)",
          "a++",
          "a*+",
          "a?+",
          "\\Z",
          "\\Ga",
          "(?x)a",
          "\\k<n>",
          "\\C",
          "\\h",
          "\\R",
          "\\e",
          "(?#comment)",
          "\\8"
        }) {
      assertThatThrownBy(() -> PrometheusRegex.compile(re))
          .as(re)
          .isInstanceOf(InvalidRegexException.class)
          .hasMessageContaining(re)
          .hasMessageContaining("RE2");
    }
  }

  @Test
  void rejectsInvalidPatternsWithTheirSourceAndTheReason() {
    assertThatThrownBy(() -> PrometheusRegex.compile("(unclosed"))
        .isInstanceOf(InvalidRegexException.class)
        .hasMessageContaining("(unclosed")
        .hasMessageContaining("missing closing )")
        .extracting(e -> ((InvalidRegexException) e).regex())
        .isEqualTo("(unclosed");
    assertThatThrownBy(() -> PrometheusRegex.compile("[z-a]"))
        .hasMessageContaining("invalid character class range");
    assertThatThrownBy(() -> PrometheusRegex.compile("x{1001}"))
        .hasMessageContaining("invalid repeat count");
    // Prometheus wraps the source, so an unterminated \Q swallows the closing parenthesis.
    assertThatThrownBy(() -> PrometheusRegex.compile("\\Qa.b"))
        .isInstanceOf(InvalidRegexException.class);
  }

  @Test
  void rejectsPatternsBeyondGosSizeAndNestingLimitsInsteadOfExhaustingTheHeap() {
    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          assertThatThrownBy(() -> PrometheusRegex.compile("((a{1000}){1000}){1000}"))
              .isInstanceOf(InvalidRegexException.class)
              .hasMessageContaining("expression too large");
          assertThatThrownBy(() -> PrometheusRegex.compile("(?:(?:a{0,1000}){0,1000}){2}"))
              .hasMessageContaining("expression too large");
          String deep = "(".repeat(20_000) + "a" + ")".repeat(20_000);
          assertThatThrownBy(() -> PrometheusRegex.compile(deep))
              .isInstanceOf(InvalidRegexException.class)
              .hasMessageContaining("expression nests too deeply");
        });
    assertThat(matches("(?:a{1000}){100}", "a".repeat(100_000))).isTrue();
    assertThat(matches("(".repeat(500) + "a" + ")".repeat(500), "a")).isTrue();
    assertThat(matches("\\Q((((\\E{2}", "((((((")).isFalse(); // quoted parentheses do not nest
    assertThat(matches("\\Q((((\\E{2}", "(((((")).isTrue();
  }

  @Test
  void isFullyAnchoredWithoutMultiLineDollar() {
    assertThat(matches("o", "foo")).isFalse();
    assertThat(matches("a|b", "ab")).isFalse();
    assertThat(matches("^foo$", "foo")).isTrue();
    // Java's $ also matches before a final line terminator; RE2's only at the end.
    assertThat(matches("a$", "a\n")).isFalse();
    assertThat(matches("a$\n", "a\n")).isFalse();
    assertThat(matches("(?m)a$\nb", "a\nb")).isTrue();
    assertThat(matches("a\\z", "a")).isTrue();
  }

  @Test
  void letsTheDotAndNegatedClassesMatchNewlines() {
    assertThat(matches("a.b", "a\nb")).isTrue();
    assertThat(matches("(?-s:a.b)", "a\nb")).isFalse();
    assertThat(matches("[^a]", "\n")).isTrue();
    assertThat(matches(".", "\r")).isTrue();
  }

  @Test
  void givesLazyAndGreedyQuantifiersTheSameResultUnderFullAnchoring() {
    for (String re : new String[] {"a.*b", "a.*?b", "(?U)a.*b", "(?U)a.*?b"}) {
      assertThat(matches(re, "axbxb")).as(re).isTrue();
      assertThat(matches(re, "axbx")).as(re).isFalse();
    }
    assertThat(matches("(?U)a+", "aaa")).isTrue();
    assertThat(PrometheusRegex.compile("(?U)(a+)(a*)").pattern().matcher("aaa").matches()).isTrue();
  }

  @Test
  void foldsCaseAsGoDoes() {
    assertThat(matches("(?i)straße", "STRASSE")).isFalse();
    assertThat(matches("(?i)ä", "Ä")).isTrue();
    assertThat(matches("(?i)k", "\u212A")).isTrue(); // Kelvin sign
    assertThat(matches("(?i)σ", "ς")).isTrue();
    assertThat(matches("(?i)abc", "AbC")).isTrue();
    assertThat(matches("(?i:a)b", "AB")).isFalse();
  }

  @Test
  void keepsPerlClassesAsciiAndUnicodeClassesUnicode() {
    assertThat(matches("\\d+", "123")).isTrue();
    assertThat(matches("\\d", "\u0663")).isFalse(); // Arabic-Indic three
    assertThat(matches("\\pN", "\u0663")).isTrue();
    assertThat(matches("\\p{Nd}", "\u0663")).isTrue();
    assertThat(matches("\\w", "é")).isFalse();
    assertThat(matches("\\pL", "é")).isTrue();
    assertThat(matches("\\p{Greek}+", "αβγ")).isTrue();
    assertThat(matches("\\PL", "1")).isTrue();
    assertThat(matches("\\s", "\u000B")).isFalse(); // \s is [\t\n\f\r ]
    assertThat(matches("\\v", "\u000B")).isTrue(); // \v is the vertical tab only
    assertThat(matches("\\v", "\n")).isFalse();
  }

  @Test
  void readsRe2FormsThatJavaReadsDifferentlyOrRejects() {
    assertThat(matches("[[:alpha:]]+", "abcXYZ")).isTrue();
    assertThat(matches("[[:alpha:]]+", "ab1")).isFalse();
    assertThat(matches("[[:^digit:]]", "x")).isTrue();
    assertThat(matches("[[:^digit:]]", "5")).isFalse();
    assertThat(matches("[[:word:]]+", "a_1")).isTrue();
    assertThat(matches("[[]", "[")).isTrue();
    assertThat(matches("[a&&b]+", "a&b")).isTrue();
    assertThat(matches("[]a]+", "]a")).isTrue();
    assertThat(matches("\\Qa.b\\E", "a.b")).isTrue();
    assertThat(matches("\\Qa.b\\E", "axb")).isFalse();
    assertThat(matches("(?P<x>a)b", "ab")).isTrue();
    assertThat(matches("(?<x>a)b", "ab")).isTrue();
    assertThat(matches("a{", "a{")).isTrue(); // a literal brace, a syntax error in Java
    assertThat(matches("a{,2}", "a{,2}")).isTrue();
    assertThat(matches("\\x{1F600}", "\uD83D\uDE00")).isTrue();
    assertThat(matches(".", "\uD83D\uDE00")).isTrue(); // one code point, two UTF-16 chars
    assertThat(matches("..", "\uD83D\uDE00")).isFalse();
  }

  @Test
  void takesTheShortcutShapesWithTheEngineSemantics() {
    assertThat(matches(".*", "")).isTrue();
    assertThat(matches(".*", "x\ny")).isTrue();
    assertThat(matches(".+", "")).isFalse();
    assertThat(matches(".+", "\n")).isTrue();
    assertThat(matches("foo", "foo")).isTrue();
    assertThat(matches("foo", "fo")).isFalse();
    assertThat(matches("", "")).isTrue();
    assertThat(matches("", "a")).isFalse();
    assertThat(matches("api|node|", "node")).isTrue();
    assertThat(matches("api|node|", "")).isTrue();
    assertThat(matches("api|node|", "apinode")).isFalse();
    assertThat(matches("a-b|c d", "c d")).isTrue();
  }

  @Test
  void exposesTheAnchoredPatternWithTheSourcesGroups() {
    PrometheusRegex r = PrometheusRegex.compile("(a+)-(b+)");
    com.google.re2j.Matcher m = r.pattern().matcher("aa-b");
    assertThat(m.matches()).isTrue();
    assertThat(m.group(1)).isEqualTo("aa");
    assertThat(m.group(2)).isEqualTo("b");
    assertThat(r.source()).isEqualTo("(a+)-(b+)");
    assertThat(r).hasToString("(a+)-(b+)").isEqualTo(PrometheusRegex.compile("(a+)-(b+)"));
    assertThat(r).isNotEqualTo(PrometheusRegex.compile("(a+)-(b*)"));
  }
}
