// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.chunkenc.HistogramGolden;
import io.sluice.tsdb.chunkenc.HistogramGolden.Sample;
import io.sluice.tsdb.chunkenc.HistogramGolden.StoredChunk;
import io.sluice.tsdb.chunks.ChunkSegmentReader;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.index.ChunkRef;
import io.sluice.tsdb.index.IndexReader;
import io.sluice.tsdb.index.IndexSeries;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.testing.PrometheusTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block of native histograms cut by Sluice's block writer from its head holds the chunks
 * Prometheus 2.42 cut from the same samples, byte for byte; {@code promtool tsdb analyze
 * --extended} and {@code dump} accept it; and a Prometheus 2.42 server with native histograms on
 * answers {@code histogram_count}, {@code histogram_sum} and {@code histogram_quantile} over it
 * with the written counts and sums, and exactly as over Prometheus' own block. Skipped without
 * Debian's prometheus package, except under CI.
 */
class PrometheusReadsSluiceHistogramBlocksIT {
  private static final long T0 = 1_700_006_400_000L;
  private static final long END = HistogramGolden.blockMaxTime();

  @TempDir Path tmp;

  private static Map<String, List<StoredChunk>> chunksOf(Path block) throws IOException {
    Map<String, List<StoredChunk>> out = new LinkedHashMap<>();
    try (IndexReader index = IndexReader.open(block.resolve("index"));
        ChunkSegmentReader chunks = ChunkSegmentReader.open(block.resolve("chunks"))) {
      for (long ref : index.allPostings()) {
        IndexSeries s = index.series(ref);
        List<StoredChunk> list = new ArrayList<>();
        for (ChunkRef c : s.chunks()) {
          ChunkSegmentReader.Chunk chunk = chunks.read(c.ref());
          list.add(StoredChunk.of(chunk.encoding(), chunk.data()));
        }
        out.put(s.labels().get("__name__"), list);
      }
    }
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  @Test
  void promtoolAndPrometheusReadSluiceHistogramBlocksAsTheirOwn() throws Exception {
    PrometheusTools.require("promtool");
    PrometheusTools.require("prometheus");
    Head head = new Head(HeadOptions.defaults(InstantSource.system()));
    try (HeadAppender app = head.appender()) {
      HistogramGolden.appendAll(head, app);
    }
    Path data = tmp.resolve("sluice");
    Files.createDirectories(data);
    BlockWriter writer = new BlockWriter(InstantSource.system(), new SplittableRandom(1));
    BlockMeta meta = writer.write(data, head.querier(), T0, END).orElseThrow();
    Path golden = HistogramGolden.block();
    assertThat(chunksOf(data.resolve(meta.ulid().toString()))).isEqualTo(chunksOf(golden));
    assertThat(meta.stats().numSamples()).isEqualTo(189);

    String analyze =
        PrometheusTools.promtool(tmp, "tsdb", "analyze", "--extended", "sluice", meta.ulid() + "");
    assertThat(analyze).contains("Series: 15");
    Files.createDirectories(data.resolve("wal"));
    // 2.42's dump prints float samples only and stops a series at its first histogram.
    List<String> dump = PrometheusTools.promtool(tmp, "tsdb", "dump", "sluice").lines().toList();
    List<String> floats = new ArrayList<>();
    for (Sample s : HistogramGolden.samples().get("golden_mixed").subList(0, 5)) {
      floats.add(
          "{__name__=\"golden_mixed\"} "
              + PrometheusTools.promString((Long) s.value())
              + " "
              + s.t());
    }
    assertThat(dump).containsExactlyElementsOf(floats);
    Files.delete(data.resolve("wal"));

    Path reference = tmp.resolve("prometheus");
    copyTree(golden, reference.resolve(golden.getFileName().toString()));
    String[] flags = {
      "--enable-feature=native-histograms",
      "--storage.tsdb.retention.time=100y",
      "--storage.tsdb.max-block-duration=2h"
    };
    try (PrometheusTools.Server ours = PrometheusTools.Server.start(data, tmp, flags);
        PrometheusTools.Server theirs = PrometheusTools.Server.start(reference, tmp, flags)) {
      assertThat(ours.log()).contains("Found healthy block").doesNotContain("level=error");
      int checked = 0;
      int answered = 0;
      for (Map.Entry<String, List<Sample>> e : HistogramGolden.samples().entrySet()) {
        for (Sample s : e.getValue()) {
          if (s.t() >= END || s.value() instanceof Long) {
            continue;
          }
          String sel = e.getKey();
          boolean stale =
              s.value() instanceof Histogram h
                  ? Double.doubleToRawLongBits(h.sum()) == 0x7ff0000000000002L
                  : Double.doubleToRawLongBits(((FloatHistogram) s.value()).sum())
                      == 0x7ff0000000000002L;
          List<String> count = ours.query("histogram_count(" + sel + ")", s.t());
          List<String> sum = ours.query("histogram_sum(" + sel + ")", s.t());
          if (stale) {
            assertThat(count).as(sel + " at " + s.t()).isEmpty();
            continue;
          }
          double c;
          double sm;
          if (s.value() instanceof Histogram h) {
            c = h.count();
            sm = h.sum();
          } else {
            FloatHistogram f = (FloatHistogram) s.value();
            c = f.count();
            sm = f.sum();
          }
          assertThat(count)
              .as(sel + " at " + s.t())
              .containsExactly(
                  s.t() + " " + PrometheusTools.promString(Double.doubleToRawLongBits(c)));
          assertThat(sum)
              .as(sel + " at " + s.t())
              .containsExactly(
                  s.t() + " " + PrometheusTools.promString(Double.doubleToRawLongBits(sm)));
          for (String q :
              List.of(
                  "histogram_quantile(0.5, " + sel + ")",
                  "histogram_quantile(0.9, " + sel + ")",
                  "histogram_fraction(0, 1, " + sel + ")",
                  "histogram_count(rate(" + sel + "[1m]))")) {
            List<String> r = ours.query(q, s.t());
            assertThat(r).as(q + " at " + s.t()).isEqualTo(theirs.query(q, s.t()));
            answered += r.size();
          }
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(150);
      // Most of the four comparisons per sample have an answer (the first sample has no rate).
      assertThat(answered).isGreaterThan(3 * checked);
    }
  }
}
