// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.promql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.query.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Selectors of PromQL queries, as {@code parser.ExtractSelectors}. Which of the queries below parse
 * and which do not was checked against Prometheus 2.42's parser ({@code promtool check rules} with
 * each query as a rule's {@code expr}).
 */
class PromqlSelectorsTest {
  private static List<String> selectors(String q) throws PromqlParseException {
    return PromqlSelectors.extract(q).stream().map(Object::toString).toList();
  }

  private static String eq(String n, String v) {
    return new Matcher(Matcher.Type.EQ, n, v).toString();
  }

  @Test
  void aMetricNameWithMatchersIsOneSelectorNameFirst() throws Exception {
    assertThat(PromqlSelectors.extract("metric{a=\"b\",c=~\"d.*\"}"))
        .containsExactly(
            List.of(
                Matcher.eq("__name__", "metric"), Matcher.eq("a", "b"), Matcher.re("c", "d.*")));
    assertThat(PromqlSelectors.extract("{job!=\"x\", __name__=~\"up|down\", i!~\"1\",}"))
        .containsExactly(
            List.of(
                Matcher.neq("job", "x"), Matcher.re("__name__", "up|down"), Matcher.nre("i", "1")));
  }

  @Test
  void findsSelectorsInsideFunctionsAggregationsAndBinaryOperators() throws Exception {
    assertThat(selectors("rate(x_bucket{job=\"a\"}[5m])"))
        .containsExactly(List.of(eq("__name__", "x_bucket"), eq("job", "a")).toString());
    assertThat(selectors("histogram_quantile(0.9, sum by (le) (rate(x[5m])))"))
        .containsExactly(List.of(eq("__name__", "x")).toString());
    assertThat(
            selectors(
                "sum(rate(a{x=\"1\"}[1m] offset 5m)) without (instance) / on(job) group_left(env)"
                    + " count(b) > bool 0 or -max_over_time(c[10m:1m] @ 1700000000) unless d ^ 2 ^ e"))
        .containsExactly(
            List.of(eq("__name__", "a"), eq("x", "1")).toString(),
            List.of(eq("__name__", "b")).toString(),
            List.of(eq("__name__", "c")).toString(),
            List.of(eq("__name__", "d")).toString(),
            List.of(eq("__name__", "e")).toString());
    assertThat(
            selectors(
                "topk(3, label_replace(up{job=~'a.+'}, \"dst\", \"$1\", `src`, \"(.*)\")) # note"))
        .containsExactly(
            List.of(eq("__name__", "up"), Matcher.re("job", "a.+").toString()).toString());
    assertThat(selectors("max_over_time(deriv(rate(m[1m])[5m:])[1h:30s] @ end())"))
        .containsExactly(List.of(eq("__name__", "m")).toString());
  }

  @Test
  void queriesWithoutSelectorsHaveNone() throws Exception {
    assertThat(PromqlSelectors.extract("1 + 2 * -3")).isEmpty();
    assertThat(PromqlSelectors.extract("vector(time())")).isEmpty();
    assertThat(PromqlSelectors.extract("\"a string\"")).isEmpty();
  }

  @Test
  void keywordsAreLabelNamesInsideBraces() throws Exception {
    assertThat(PromqlSelectors.extract("m{on=\"1\", by=\"2\", offset=\"3\"}"))
        .containsExactly(
            List.of(
                Matcher.eq("__name__", "m"),
                Matcher.eq("on", "1"),
                Matcher.eq("by", "2"),
                Matcher.eq("offset", "3")));
  }

  @Test
  void unquotesGoStringEscapes() throws Exception {
    assertThat(PromqlSelectors.extract("m{a=\"x\\\"\\n\\u00fc\\x41\\101\", b='it\\'s', c=`\\d+`}"))
        .containsExactly(
            List.of(
                Matcher.eq("__name__", "m"),
                Matcher.eq("a", "x\"\nüAA"),
                Matcher.eq("b", "it's"),
                Matcher.eq("c", "\\d+")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{}",
        "{a=\"\"}",
        "{a=~\".*\"}",
        "m{",
        "m{a=}",
        "m{a=\"b\"",
        "m{a~\"b\"}",
        "m{__name__=\"x\"}",
        "rate(m[5m]",
        "nosuchfunction(m)",
        "sum(m) by",
        "m[5x]",
        "m +",
        "m{a=~\"(\"}",
        "m{a=\"unterminated}",
        "1 + bool 2",
        ")"
      })
  void rejectsWhatPrometheusRejects(String q) {
    assertThatThrownBy(() -> PromqlSelectors.extract(q))
        .isInstanceOf(PromqlParseException.class)
        .hasMessageContaining("parse error");
  }

  @Test
  void parseErrorsNameTheirPosition() {
    assertThatThrownBy(() -> PromqlSelectors.extract("up{a=1}"))
        .hasMessage("1:6: parse error: unexpected character inside braces: '1'");
    assertThatThrownBy(() -> PromqlSelectors.extract("foo(up)"))
        .hasMessage("1:1: parse error: unknown function with name \"foo\"");
  }
}
