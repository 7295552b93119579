// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.select;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.testing.MutableClock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HeadQuerierTest {
  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  @BeforeEach
  void fill() {
    append(1000, 2000, "__name__", "up", "job", "node", "instance", "a");
    append(1000, 2000, "__name__", "up", "job", "node", "instance", "b");
    append(1000, 2000, "__name__", "up", "job", "api", "instance", "c", "env", "prod");
    append(5000, 6000, "__name__", "late", "job", "node");
    append(1000, 2000, "__name__", "ü", "job", "\uD83D\uDE00");
    append(1000, 2000, "__name__", "ü", "job", "\uFF21");
    series(head, "__name__", "empty"); // created, no samples
  }

  private void append(long from, long to, String... nameValues) {
    MemSeries s = series(head, nameValues);
    for (long t = from; t <= to; t += 500) {
      assertThat(head.append(s, t, bits(t))).isEqualTo(AppendResult.OK);
    }
  }

  private static List<Labels> labels(List<Series> series) {
    return series.stream().map(Series::labels).toList();
  }

  @Test
  void selectsByEqualityAndSortsByLabels() {
    assertThat(labels(select(head, 0, 10_000, Matcher.eq("job", "node"))))
        .containsExactly(
            Labels.of("__name__", "late", "job", "node"),
            Labels.of("__name__", "up", "instance", "a", "job", "node"),
            Labels.of("__name__", "up", "instance", "b", "job", "node"));
    assertThat(
            labels(
                select(head, 0, 10_000, Matcher.eq("__name__", "up"), Matcher.eq("job", "node"))))
        .hasSize(2);
    assertThat(select(head, 0, 10_000, Matcher.eq("job", "nope"))).isEmpty();
  }

  @Test
  void sortsSeriesByUtf8BytesOfTheirValues() {
    assertThat(labels(select(head, 0, 10_000, Matcher.eq("__name__", "ü"))))
        .containsExactly(
            Labels.of("__name__", "ü", "job", "\uFF21"),
            Labels.of("__name__", "ü", "job", "\uD83D\uDE00"));
  }

  @Test
  void selectsByRegexAndNegations() {
    assertThat(select(head, 0, 10_000, Matcher.re("instance", "a|c"))).hasSize(2);
    assertThat(select(head, 0, 10_000, Matcher.re("instance", "."))).hasSize(3);
    assertThat(select(head, 0, 10_000, Matcher.eq("__name__", "up"), Matcher.neq("job", "node")))
        .extracting(s -> s.labels().get("instance"))
        .containsExactly("c");
    assertThat(
            select(head, 0, 10_000, Matcher.eq("__name__", "up"), Matcher.nre("instance", "a|b")))
        .extracting(s -> s.labels().get("instance"))
        .containsExactly("c");
  }

  @Test
  void treatsAMissingLabelAsEmptyForMatchersThatAcceptEmpty() {
    // env="" and env!="prod" select series without env.
    assertThat(select(head, 0, 10_000, Matcher.eq("__name__", "up"), Matcher.eq("env", "")))
        .hasSize(2);
    assertThat(select(head, 0, 10_000, Matcher.eq("__name__", "up"), Matcher.neq("env", "prod")))
        .hasSize(2);
    assertThat(select(head, 0, 10_000, Matcher.eq("__name__", "up"), Matcher.re("env", "prod|")))
        .hasSize(3);
    assertThat(select(head, 0, 10_000, Matcher.eq("__name__", "up"), Matcher.nre("env", ".+")))
        .hasSize(2);
    // A matcher alone that accepts "": every series with a sample, minus env="prod".
    assertThat(select(head, 0, 10_000, Matcher.neq("env", "prod"))).hasSize(5);
    assertThat(select(head, 0, 10_000, Matcher.re("env", ".+"))).hasSize(1);
  }

  @Test
  void selectsEverySeriesWithASampleWhenThereAreNoMatchers() {
    assertThat(select(head, 0, 10_000)).hasSize(6);
  }

  @Test
  void returnsOnlySeriesWithASampleInTheRange() {
    assertThat(labels(select(head, 4000, 10_000)))
        .containsExactly(Labels.of("__name__", "late", "job", "node"));
    assertThat(select(head, 2000, 2000)).hasSize(5);
    assertThat(select(head, 2001, 4999)).isEmpty();
    // The chunk of "late" spans 5000..6000 but has no sample at 5100..5400.
    assertThat(select(head, 5100, 5400, Matcher.eq("__name__", "late"))).isEmpty();
    assertThat(select(head, 5100, 5500, Matcher.eq("__name__", "late"))).hasSize(1);
  }

  @Test
  void limitsSamplesToTheRangeButReturnsWholeChunks() {
    List<Series> got = select(head, 1200, 1700, Matcher.eq("instance", "a"));
    assertThat(got).hasSize(1);
    List<ChunkMeta> chunks = got.get(0).chunks();
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).minTime()).isEqualTo(1000);
    assertThat(chunks.get(0).maxTime()).isEqualTo(2000);
    assertThat(chunks.get(0).encoding()).isEqualTo((byte) 1);
    assertThat(HeadFixtures.samples(got.get(0))).extracting(s -> s[0]).containsExactly(1500L);
  }

  @Test
  void returnsTheOpenChunkAsACopyThatLaterAppendsDoNotChange() {
    MemSeries s = series(head, "instance", "a", "job", "node", "__name__", "up");
    Series before = select(head, 0, 10_000, Matcher.eq("instance", "a")).get(0);
    byte[] snapshot = before.chunks().get(0).data().clone();
    head.append(s, 2500, bits(7));
    assertThat(before.chunks().get(0).data()).isEqualTo(snapshot);
    assertThat(HeadFixtures.samples(before)).hasSize(3);
    assertThat(HeadFixtures.samples(select(head, 0, 10_000, Matcher.eq("instance", "a")).get(0)))
        .hasSize(4);
  }

  @Test
  void listsLabelNamesOfSeriesInRangeSorted() {
    try (Querier q = head.querier()) {
      assertThat(q.labelNames(0, 10_000, List.of()))
          .containsExactly("__name__", "env", "instance", "job");
      assertThat(q.labelNames(4000, 10_000, List.of())).containsExactly("__name__", "job");
      assertThat(q.labelNames(0, 10_000, List.of(Matcher.eq("job", "api"))))
          .containsExactly("__name__", "env", "instance", "job");
      assertThat(q.labelNames(0, 10_000, List.of(Matcher.eq("job", "node"))))
          .containsExactly("__name__", "instance", "job");
      assertThat(q.labelNames(3000, 4000, List.of())).isEmpty();
    }
  }

  @Test
  void listsLabelValuesOfSeriesInRangeSortedByUtf8Bytes() {
    try (Querier q = head.querier()) {
      assertThat(q.labelValues("job", 0, 10_000, List.of()))
          .containsExactly("api", "node", "\uFF21", "\uD83D\uDE00");
      assertThat(q.labelValues("__name__", 0, 10_000, List.of()))
          .containsExactly("late", "up", "ü");
      assertThat(q.labelValues("__name__", 4000, 10_000, List.of())).containsExactly("late");
      assertThat(q.labelValues("instance", 0, 10_000, List.of(Matcher.eq("job", "node"))))
          .containsExactly("a", "b");
      assertThat(q.labelValues("job", 0, 10_000, List.of(Matcher.re("__name__", "u.*"))))
          .containsExactly("api", "node");
      assertThat(q.labelValues("nope", 0, 10_000, List.of())).isEmpty();
    }
  }
}
