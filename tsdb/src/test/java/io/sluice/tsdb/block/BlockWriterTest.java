// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.testing.MutableClock;
import io.sluice.tsdb.testing.PromtoolBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockWriterTest {
  private static final long HOUR = 3_600_000;
  private static final long BOUNDARY = 1_700_006_400_000L;

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(1_763_700_000_000L);
  private final BlockWriter writer = new BlockWriter(clock, new SplittableRandom(7));

  private static Head headWith(Map<Labels, List<long[]>> samples) {
    Head head = new Head(HeadOptions.defaults(new MutableClock(0)));
    samples.forEach(
        (labels, list) -> {
          byte[] key = labels.toKey();
          long ref = head.replaySeries(head.lastRef() + 1, key, 0, key.length);
          long[] refs = new long[list.size()];
          long[] ts = new long[list.size()];
          long[] vs = new long[list.size()];
          for (int i = 0; i < list.size(); i++) {
            refs[i] = ref;
            ts[i] = list.get(i)[0];
            vs[i] = list.get(i)[1];
          }
          long[] counts = new long[2];
          head.replayAppender(0, 1).append(refs, ts, vs, list.size(), counts);
          assertThat(counts).containsExactly(list.size(), 0);
        });
    return head;
  }

  /** Every sample of a querier as "labels t bits", in series order. */
  private static List<String> dump(Querier q, long mint, long maxt, Matcher... matchers) {
    List<String> out = new ArrayList<>();
    SeriesSet set = q.select(mint, maxt, List.of(matchers));
    while (set.hasNext()) {
      Series s = set.next();
      SampleIterator it = s.samples();
      while (it.next()) {
        out.add(s.labels() + " " + it.timestamp() + " " + Long.toHexString(it.valueBits()));
      }
    }
    return out;
  }

  private static List<String> render(Map<Labels, List<long[]>> samples, long mint, long maxt) {
    List<String> out = new ArrayList<>();
    samples.forEach(
        (l, list) -> {
          for (long[] p : list) {
            if (p[0] >= mint && p[0] < maxt) {
              out.add(l + " " + p[0] + " " + Long.toHexString(p[1]));
            }
          }
        });
    return out;
  }

  @Test
  void headCompactionReproducesPromtoolsIndexAndChunksByteForByte() throws IOException {
    TreeMap<Labels, List<long[]>> samples = PromtoolBlocks.samples();
    Head head = headWith(samples);
    long[][] ranges = {{head.minTime(), BOUNDARY}, {BOUNDARY, BOUNDARY + 2 * HOUR}};
    String[] golden = {PromtoolBlocks.BLOCK_1, PromtoolBlocks.BLOCK_2};

    for (int b = 0; b < 2; b++) {
      Optional<BlockMeta> meta = writer.write(tmp, head.querier(), ranges[b][0], ranges[b][1]);

      assertThat(meta).isPresent();
      Path dir = tmp.resolve(meta.get().ulid().toString());
      Path gold = PromtoolBlocks.blockDir(golden[b]);
      assertThat(Files.readAllBytes(dir.resolve("index")))
          .isEqualTo(Files.readAllBytes(gold.resolve("index")));
      assertThat(Files.readAllBytes(dir.resolve("chunks/000001")))
          .isEqualTo(Files.readAllBytes(gold.resolve("chunks/000001")));
      assertThat(Files.readAllBytes(dir.resolve("tombstones")))
          .isEqualTo(Files.readAllBytes(gold.resolve("tombstones")));
      BlockMeta promtool = BlockMetaFormat.read(gold);
      assertThat(meta.get().stats()).isEqualTo(promtool.stats());
      assertThat(meta.get().minTime()).isEqualTo(promtool.minTime());
      // Head compaction ends a block at the range boundary; promtool at the last sample + 1.
      assertThat(meta.get().maxTime()).isEqualTo(ranges[b][1]);
      assertThat(meta.get().ulid().timestamp()).isEqualTo(clock.millis());
      assertThat(BlockMetaFormat.read(dir)).isEqualTo(meta.get());
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).allMatch(Ulid::isValid).hasSize(2);
    }
  }

  @Test
  void aBlockReadsBackExactlyTheSamplesOfItsRange() throws IOException {
    TreeMap<Labels, List<long[]>> samples = PromtoolBlocks.samples();
    Head head = headWith(samples);
    BlockMeta meta = writer.write(tmp, head.querier(), head.minTime(), BOUNDARY).orElseThrow();

    try (Block block = Block.open(tmp.resolve(meta.ulid().toString()));
        Querier q = block.querier()) {
      assertThat(dump(q, Long.MIN_VALUE, Long.MAX_VALUE))
          .containsExactlyElementsOf(render(samples, Long.MIN_VALUE, BOUNDARY));
      assertThat(dump(q, 1_700_005_000_000L, 1_700_005_100_000L, Matcher.eq("room", "über")))
          .containsExactlyElementsOf(
              render(
                  Map.of(
                      Labels.of("__name__", "temp_celsius", "room", "über"),
                      samples.get(Labels.of("__name__", "temp_celsius", "room", "über"))),
                  1_700_005_000_000L,
                  1_700_005_100_001L));
      assertThat(q.labelValues("room", Long.MIN_VALUE, Long.MAX_VALUE, List.of()))
          .containsExactly("a", "b", "kitchen", "zé", "über", "\ue000y", "😀x");
      assertThat(
              q.labelNames(
                  Long.MIN_VALUE, Long.MAX_VALUE, List.of(Matcher.eq("__name__", "temp_celsius"))))
          .containsExactly("__name__", "room");
      assertThat(dump(q, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.neq("job", ""))).hasSize(6 * 100);
      assertThat(dump(q, BOUNDARY, Long.MAX_VALUE)).isEmpty();
    }
  }

  @Test
  void equalityMatchersSelectTheSameSeriesOnTheBlockAsOnTheHead() throws IOException {
    TreeMap<Labels, List<long[]>> samples = PromtoolBlocks.samples();
    Head head = headWith(samples);
    BlockMeta meta = writer.write(tmp, head.querier(), head.minTime(), BOUNDARY).orElseThrow();
    List<List<Matcher>> cases =
        List.of(
            List.of(Matcher.eq("__name__", "node_cpu_seconds_total"), Matcher.eq("cpu", "1")),
            List.of(
                Matcher.eq("instance", "node-1:9100"),
                Matcher.eq("mode", "idle"),
                Matcher.eq("__name__", "node_cpu_seconds_total"),
                Matcher.eq("cpu", "3")),
            List.of(Matcher.eq("room", "zé"), Matcher.eq("__name__", "temp_celsius")),
            List.of(Matcher.eq("room", "zé"), Matcher.eq("cpu", "1")),
            List.of(Matcher.eq("job", "api"), Matcher.re("code", "2..|4..")),
            List.of(Matcher.eq("mode", "nope")));
    try (Block block = Block.open(tmp.resolve(meta.ulid().toString()));
        Querier q = block.querier()) {
      for (List<Matcher> matchers : cases) {
        Matcher[] m = matchers.toArray(Matcher[]::new);
        List<String> expected = new ArrayList<>();
        samples.forEach(
            (l, list) -> {
              if (matchers.stream()
                  .allMatch(x -> x.matches(l.get(x.name()) == null ? "" : l.get(x.name())))) {
                for (long[] p : list) {
                  if (p[0] < BOUNDARY) {
                    expected.add(l + " " + p[0] + " " + Long.toHexString(p[1]));
                  }
                }
              }
            });
        assertThat(dump(q, Long.MIN_VALUE, Long.MAX_VALUE, m))
            .as(matchers.toString())
            .containsExactlyElementsOf(expected)
            .isEqualTo(dump(head.querier(), Long.MIN_VALUE, BOUNDARY - 1, m));
      }
    }
  }

  @Test
  void aFewCandidatesAreProbedInLongPostingsListsWithTheSameResult() throws IOException {
    TreeMap<Labels, List<long[]>> samples = new TreeMap<>();
    for (int i = 0; i < 3000; i++) {
      samples.put(
          Labels.of("__name__", "m", "job", "big", "i", "" + i, "mod", "" + i % 7),
          List.of(new long[] {1000 + i % 5, Double.doubleToRawLongBits(i)}));
    }
    Head head = headWith(samples);
    BlockMeta meta = writer.write(tmp, head.querier(), 0, 2 * HOUR).orElseThrow();
    try (Block block = Block.open(tmp.resolve(meta.ulid().toString()));
        Querier q = block.querier()) {
      for (String i : List.of("7", "2999", "0", "3000")) {
        Matcher[] m = {Matcher.eq("job", "big"), Matcher.eq("i", i), Matcher.eq("__name__", "m")};
        List<String> got = dump(q, Long.MIN_VALUE, Long.MAX_VALUE, m);
        assertThat(got).hasSize(i.equals("3000") ? 0 : 1);
        assertThat(got).isEqualTo(dump(head.querier(), Long.MIN_VALUE, Long.MAX_VALUE, m));
      }
      Matcher[] mod = {Matcher.eq("mod", "3"), Matcher.eq("job", "big")};
      assertThat(dump(q, Long.MIN_VALUE, Long.MAX_VALUE, mod))
          .hasSize(3000 / 7 + 1)
          .isEqualTo(dump(head.querier(), Long.MIN_VALUE, Long.MAX_VALUE, mod));
    }
  }

  @Test
  void aRangeThatCutsThroughChunksReencodesOnlyTheSamplesInside() throws IOException {
    TreeMap<Labels, List<long[]>> samples = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      List<long[]> list = new ArrayList<>();
      for (long t = 0; t < HOUR; t += 10_000) {
        list.add(new long[] {t, Double.doubleToRawLongBits(t * 0.5 + i)});
      }
      samples.put(Labels.of("__name__", "cut", "i", "" + i), list);
    }
    Head head = headWith(samples);
    long mint = 1_234_567;
    long maxt = 2_345_678;

    BlockMeta meta = writer.write(tmp, head.querier(), mint, maxt).orElseThrow();

    try (Block block = Block.open(tmp.resolve(meta.ulid().toString()));
        Querier q = block.querier()) {
      assertThat(dump(q, Long.MIN_VALUE, Long.MAX_VALUE))
          .containsExactlyElementsOf(render(samples, mint, maxt));
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        for (ChunkMeta c : set.next().chunks()) {
          assertThat(c.minTime()).isGreaterThanOrEqualTo(mint);
          assertThat(c.maxTime()).isLessThan(maxt);
        }
      }
      assertThat(meta.stats().numSamples()).isEqualTo(render(samples, mint, maxt).size());
    }
  }

  @Test
  void anEmptyRangeWritesNoBlockAndLeavesNoTemporaryDirectory() throws IOException {
    Head head = headWith(PromtoolBlocks.samples());

    assertThat(writer.write(tmp, head.querier(), 0, 1000)).isEmpty();
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s).isEmpty();
    }
  }
}
