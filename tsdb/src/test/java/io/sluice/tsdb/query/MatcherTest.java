// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.tsdb.labels.InvalidRegexException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MatcherTest {

  @Test
  void comparesValuesForEachType() {
    assertThat(Matcher.eq("a", "x").matches("x")).isTrue();
    assertThat(Matcher.eq("a", "x").matches("y")).isFalse();
    assertThat(Matcher.neq("a", "x").matches("y")).isTrue();
    assertThat(Matcher.neq("a", "x").matches("x")).isFalse();
    assertThat(Matcher.re("a", "x|y").matches("y")).isTrue();
    assertThat(Matcher.nre("a", "x|y").matches("y")).isFalse();
    assertThat(Matcher.nre("a", "x|y").matches("z")).isTrue();
  }

  @Test
  void treatsTheEmptyStringAsAnAbsentLabel() {
    assertThat(Matcher.eq("a", "").matches("")).isTrue();
    assertThat(Matcher.neq("a", "x").matches("")).isTrue();
    assertThat(Matcher.re("a", ".*").matches("")).isTrue();
    assertThat(Matcher.re("a", ".+").matches("")).isFalse();
  }

  @Test
  void anchorsRegexesAtBothEnds() {
    assertThat(Matcher.re("a", "o").matches("foo")).isFalse();
    assertThat(Matcher.re("a", "fo").matches("foo")).isFalse();
    assertThat(Matcher.re("a", "o+").matches("oo")).isTrue();
    assertThat(Matcher.re("a", "a|b").matches("ab")).isFalse();
    assertThat(Matcher.re("a", "^foo$").matches("foo")).isTrue();
  }

  @Test
  void letsTheDotMatchNewlinesAsPrometheus3Does() {
    assertThat(Matcher.re("a", "a.b").matches("a\nb")).isTrue();
    assertThat(Matcher.re("a", ".*").matches("x\ny")).isTrue();
    assertThat(Matcher.re("a", ".+").matches("\n")).isTrue();
  }

  @Test
  void rejectsJavaOnlyConstructsThatRe2DoesNotAccept() {
    for (String re :
        new String[] {
          "(a)\\1", "(?=a)a", "a(?!b)", "(?<=a)b", "(?<!a)b", "(?>a)", "a++", "a*+", "\\Z", "\\Ga",
          "(?x)a", "\\k<n>"
        }) {
      assertThatThrownBy(() -> Matcher.re("a", re))
          .as(re)
          .isInstanceOf(InvalidRegexException.class)
          .hasMessageContaining("RE2");
    }
  }

  @Test
  void acceptsTheUngreedyFlagAsGoDoes() {
    assertThat(Matcher.re("a", "(?U)a+b").matches("aab")).isTrue();
  }

  @Test
  void matchesPathologicalRegexesInLinearTime() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          Matcher m = Matcher.re("job", "(.*a){25}x");
          for (int n = 42; n <= 46; n++) {
            assertThat(m.matches("a".repeat(n))).isFalse();
          }
          assertThat(Matcher.nre("job", "(a+)+b").matches("a".repeat(5000))).isTrue();
        });
  }

  @Test
  void rejectsInvalidRegexesWithTheirSource() {
    assertThatThrownBy(() -> Matcher.re("a", "(unclosed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(unclosed");
    assertThatThrownBy(() -> Matcher.nre("a", "[z-a]"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsRe2FormsThatJavaWouldReadDifferently() {
    Matcher alpha = Matcher.re("a", "[[:alpha:]]+");
    assertThat(alpha.matches("abcXYZ")).isTrue();
    assertThat(alpha.matches("ab1")).isFalse();
    assertThat(alpha.matches(":")).isFalse();
    assertThat(Matcher.re("a", "[[:^digit:]]").matches("x")).isTrue();
    assertThat(Matcher.re("a", "[[:^digit:]]").matches("5")).isFalse();
    assertThat(Matcher.re("a", "[[:word:]]+").matches("a_1")).isTrue();
    assertThat(Matcher.re("a", "[[]").matches("[")).isTrue();
    assertThat(Matcher.re("a", "[a&&b]+").matches("a&b")).isTrue();
    assertThat(Matcher.re("a", "[]a]+").matches("]a")).isTrue();
    assertThat(Matcher.re("a", "\\v").matches("\u000B")).isTrue();
    assertThat(Matcher.re("a", "\\v").matches("\n")).isFalse();
    assertThat(Matcher.re("a", "(?P<x>a)b").matches("ab")).isTrue();
    assertThat(Matcher.re("a", "(?i)straße").matches("STRASSE")).isFalse();
    assertThat(Matcher.re("a", "(?i)ä").matches("Ä")).isTrue();
    assertThat(Matcher.re("a", "\\Qa.b\\E").matches("a.b")).isTrue();
    assertThat(Matcher.re("a", "\\Qa.b\\E").matches("axb")).isFalse();
    assertThat(Matcher.re("a", "\\d+").matches("123")).isTrue();
  }

  @Test
  void isAValueWithAPromqlString() {
    assertThat(Matcher.re("job", "a|b")).isEqualTo(new Matcher(Matcher.Type.RE, "job", "a|b"));
    assertThat(Matcher.re("job", "a|b")).hasSameHashCodeAs(Matcher.re("job", "a|b"));
    assertThat(Matcher.eq("job", "x\"y")).hasToString("job=\"x\\\"y\"");
    assertThat(Matcher.nre("job", ".+")).hasToString("job!~\".+\"");
    assertThatThrownBy(() -> new Matcher(null, "a", "b")).isInstanceOf(NullPointerException.class);
  }
}
