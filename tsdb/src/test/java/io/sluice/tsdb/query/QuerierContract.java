// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.block.Block;
import io.sluice.tsdb.block.BlockDirs;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockWriter;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Querier} does, whatever holds the data (a head, a block, several parts merged):
 * matcher semantics, sort order, range semantics, whole stored chunks, label names and values. A
 * subclass opens a querier over exactly the series of {@link #FIXTURE}; each sample's value is the
 * bits of its timestamp.
 */
public abstract class QuerierContract {
  /** A series of the fixture: its labels and its sample timestamps (ms, ascending). */
  protected record FixtureSeries(Labels labels, long[] timestamps) {}

  /**
   * Six series with samples and one without: 1000..2000 and 5000..6000 every 500 ms, names and
   * values whose UTF-8 byte order differs from their UTF-16 order.
   */
  protected static final List<FixtureSeries> FIXTURE =
      List.of(
          series(1000, 2000, "__name__", "up", "job", "node", "instance", "a"),
          series(1000, 2000, "__name__", "up", "job", "node", "instance", "b"),
          series(1000, 2000, "__name__", "up", "job", "api", "instance", "c", "env", "prod"),
          series(5000, 6000, "__name__", "late", "job", "node"),
          series(1000, 2000, "__name__", "ü", "job", "\uD83D\uDE00"),
          series(1000, 2000, "__name__", "ü", "job", "\uFF21"),
          new FixtureSeries(Labels.of("__name__", "empty"), new long[0]));

  private Querier querier;

  /**
   * Opens a querier over exactly {@code series}; the contract closes it.
   *
   * @throws IOException if the storage cannot be written or opened
   */
  protected abstract Querier open(List<FixtureSeries> series) throws IOException;

  /**
   * A head holding every series of {@code series} (also those left without samples) and the samples
   * whose timestamp {@code keep} accepts.
   */
  protected static Head head(List<FixtureSeries> series, LongPredicate keep) {
    Head head = new Head(HeadOptions.defaults(new MutableClock(0)));
    for (FixtureSeries f : series) {
      byte[] key = f.labels().toKey();
      try (HeadAppender app = head.appender()) {
        app.series(head.hash(key, 0, key.length), key, 0, key.length);
        for (long t : f.timestamps()) {
          if (keep.test(t)) {
            assertThat(app.append(t, Double.doubleToRawLongBits(t))).isEqualTo(AppendResult.OK);
          }
        }
      }
    }
    return head;
  }

  /**
   * Writes what {@code source} holds in [0, 10 000) ms as a block under {@code dataDir} and returns
   * a querier over that block, which holds the block open until it is closed.
   */
  protected static Querier block(Querier source, Path dataDir) throws IOException {
    BlockWriter writer = new BlockWriter(new MutableClock(1_763_700_000_000L), new Random(7));
    BlockMeta meta = writer.write(dataDir, source, 0, 10_000).orElseThrow();
    try (Block block = Block.open(BlockDirs.blockDir(dataDir, meta.ulid()))) {
      return block.querier();
    }
  }

  private static FixtureSeries series(long from, long to, String... nameValues) {
    List<Long> ts = new ArrayList<>();
    for (long t = from; t <= to; t += 500) {
      ts.add(t);
    }
    return new FixtureSeries(
        Labels.of(nameValues), ts.stream().mapToLong(Long::longValue).toArray());
  }

  @BeforeEach
  void openFixture() throws IOException {
    querier = open(FIXTURE);
  }

  @AfterEach
  void closeQuerier() {
    querier.close();
  }

  private List<Series> select(long mint, long maxt, Matcher... matchers) {
    List<Series> out = new ArrayList<>();
    SeriesSet set = querier.select(mint, maxt, List.of(matchers));
    while (set.hasNext()) {
      out.add(set.next());
    }
    return out;
  }

  private static List<Labels> labels(List<Series> series) {
    return series.stream().map(Series::labels).toList();
  }

  private static List<Long> timestamps(Series s) {
    List<Long> out = new ArrayList<>();
    SampleIterator it = s.samples();
    while (it.next()) {
      assertThat(it.valueBits()).isEqualTo(Double.doubleToRawLongBits(it.timestamp()));
      out.add(it.timestamp());
    }
    return out;
  }

  @Test
  void selectsByEqualityAndSortsByLabels() {
    assertThat(labels(select(0, 10_000, Matcher.eq("job", "node"))))
        .containsExactly(
            Labels.of("__name__", "late", "job", "node"),
            Labels.of("__name__", "up", "instance", "a", "job", "node"),
            Labels.of("__name__", "up", "instance", "b", "job", "node"));
    assertThat(select(0, 10_000, Matcher.eq("__name__", "up"), Matcher.eq("job", "node")))
        .hasSize(2);
    assertThat(select(0, 10_000, Matcher.eq("job", "nope"))).isEmpty();
  }

  @Test
  void sortsSeriesByUtf8BytesOfTheirValues() {
    assertThat(labels(select(0, 10_000, Matcher.eq("__name__", "ü"))))
        .containsExactly(
            Labels.of("__name__", "ü", "job", "\uFF21"),
            Labels.of("__name__", "ü", "job", "\uD83D\uDE00"));
  }

  @Test
  void selectsByRegexAndNegations() {
    assertThat(select(0, 10_000, Matcher.re("instance", "a|c"))).hasSize(2);
    assertThat(select(0, 10_000, Matcher.re("instance", "."))).hasSize(3);
    assertThat(select(0, 10_000, Matcher.eq("__name__", "up"), Matcher.neq("job", "node")))
        .extracting(s -> s.labels().get("instance"))
        .containsExactly("c");
    assertThat(select(0, 10_000, Matcher.eq("__name__", "up"), Matcher.nre("instance", "a|b")))
        .extracting(s -> s.labels().get("instance"))
        .containsExactly("c");
  }

  @Test
  void treatsAMissingLabelAsEmptyForMatchersThatAcceptEmpty() {
    // env="" and env!="prod" select series without env.
    assertThat(select(0, 10_000, Matcher.eq("__name__", "up"), Matcher.eq("env", ""))).hasSize(2);
    assertThat(select(0, 10_000, Matcher.eq("__name__", "up"), Matcher.neq("env", "prod")))
        .hasSize(2);
    assertThat(select(0, 10_000, Matcher.eq("__name__", "up"), Matcher.re("env", "prod|")))
        .hasSize(3);
    assertThat(select(0, 10_000, Matcher.eq("__name__", "up"), Matcher.nre("env", ".+")))
        .hasSize(2);
    // A matcher alone that accepts "": every series with a sample, minus env="prod".
    assertThat(select(0, 10_000, Matcher.neq("env", "prod"))).hasSize(5);
    assertThat(select(0, 10_000, Matcher.re("env", ".+"))).hasSize(1);
  }

  @Test
  void selectsEverySeriesWithASampleWhenThereAreNoMatchers() {
    assertThat(select(0, 10_000)).hasSize(6);
  }

  @Test
  void returnsOnlySeriesWithASampleInTheRange() {
    assertThat(labels(select(4000, 10_000)))
        .containsExactly(Labels.of("__name__", "late", "job", "node"));
    assertThat(select(2000, 2000)).hasSize(5);
    assertThat(select(2001, 4999)).isEmpty();
    // The chunk of "late" spans 5000..6000 but has no sample at 5100..5400.
    assertThat(select(5100, 5400, Matcher.eq("__name__", "late"))).isEmpty();
    assertThat(select(5100, 5500, Matcher.eq("__name__", "late"))).hasSize(1);
  }

  @Test
  void limitsSamplesToTheRangeButReturnsWholeStoredChunks() {
    List<Series> got = select(1200, 1700, Matcher.eq("instance", "a"));
    assertThat(got).hasSize(1);
    List<ChunkMeta> chunks = got.get(0).chunks();
    assertThat(chunks).isNotEmpty();
    assertThat(chunks)
        .allSatisfy(
            c -> {
              assertThat(c.minTime()).isLessThanOrEqualTo(1700);
              assertThat(c.maxTime()).isGreaterThanOrEqualTo(1200);
              assertThat(c.encoding()).isEqualTo((byte) 1);
            });
    // Not cut to the range: the first chunk still starts at the series' first sample.
    assertThat(chunks.get(0).minTime()).isEqualTo(1000);
    assertThat(timestamps(got.get(0))).containsExactly(1500L);
    assertThat(timestamps(select(0, 10_000, Matcher.eq("instance", "a")).get(0)))
        .containsExactly(1000L, 1500L, 2000L);
  }

  @Test
  void listsLabelNamesOfSeriesInRangeSorted() {
    assertThat(querier.labelNames(0, 10_000, List.of()))
        .containsExactly("__name__", "env", "instance", "job");
    assertThat(querier.labelNames(4000, 10_000, List.of())).containsExactly("__name__", "job");
    assertThat(querier.labelNames(0, 10_000, List.of(Matcher.eq("job", "api"))))
        .containsExactly("__name__", "env", "instance", "job");
    assertThat(querier.labelNames(0, 10_000, List.of(Matcher.eq("job", "node"))))
        .containsExactly("__name__", "instance", "job");
    assertThat(querier.labelNames(3000, 4000, List.of())).isEmpty();
  }

  @Test
  void listsLabelValuesOfSeriesInRangeSortedByUtf8Bytes() {
    assertThat(querier.labelValues("job", 0, 10_000, List.of()))
        .containsExactly("api", "node", "\uFF21", "\uD83D\uDE00");
    assertThat(querier.labelValues("__name__", 0, 10_000, List.of()))
        .containsExactly("late", "up", "ü");
    assertThat(querier.labelValues("__name__", 4000, 10_000, List.of())).containsExactly("late");
    assertThat(querier.labelValues("instance", 0, 10_000, List.of(Matcher.eq("job", "node"))))
        .containsExactly("a", "b");
    assertThat(querier.labelValues("job", 0, 10_000, List.of(Matcher.re("__name__", "u.*"))))
        .containsExactly("api", "node");
    assertThat(querier.labelValues("nope", 0, 10_000, List.of())).isEmpty();
  }
}
