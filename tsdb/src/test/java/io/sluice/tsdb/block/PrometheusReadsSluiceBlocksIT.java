// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.head.ReplayAppender;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.testing.PrometheusTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocks cut by Sluice's head compaction pass Prometheus 2.42's own checks: {@code promtool tsdb
 * analyze --extended} (reads every series, postings list and chunk with its CRC) exits 0, {@code
 * promtool tsdb dump} prints exactly the samples that were written (the count too: 2.42's dump
 * hides CRC errors), and a Prometheus server started on the blocks answers PromQL with exactly the
 * written values. Skipped without Debian's prometheus package, except under CI.
 */
class PrometheusReadsSluiceBlocksIT {
  private static final long HOUR = 3_600_000;
  private static final String[] ROOMS = {"a", "kitchen", "zé", "über", "😀x"};

  @TempDir Path tmp;

  @Test
  void promtoolAndPrometheusReadExactlyWhatTheHeadWasCutInto() throws Exception {
    PrometheusTools.require("promtool");
    PrometheusTools.require("prometheus");
    long now = System.currentTimeMillis();
    long t0 = Math.floorDiv(now - 8 * HOUR, 2 * HOUR) * 2 * HOUR;
    Head head = new Head(HeadOptions.defaults(InstantSource.system()));
    ReplayAppender replay = head.replayAppender(0, 1);
    TreeMap<Labels, List<long[]>> written = new TreeMap<>();
    SplittableRandom rnd = new SplittableRandom(42);
    for (String metric : List.of("http_requests_total", "temp_celsius")) {
      for (String room : ROOMS) {
        for (int i = 0; i < 20; i++) {
          Labels l = Labels.of("__name__", metric, "room", room, "i", Integer.toString(i));
          byte[] key = l.toKey();
          long[] ref = {head.replaySeries(head.lastRef() + 1, key, 0, key.length)};
          List<long[]> samples = new ArrayList<>();
          long t = t0 + rnd.nextInt(15_000);
          double v = rnd.nextInt(1000);
          while (t < t0 + 5 * HOUR) {
            long bits = Double.doubleToRawLongBits(v);
            long[] counts = new long[2];
            replay.append(ref, new long[] {t}, new long[] {bits}, 1, counts);
            assertThat(counts).containsExactly(1, 0);
            samples.add(new long[] {t, bits});
            t += 15_000;
            v += rnd.nextInt(4) * 0.5;
          }
          written.put(l, samples);
        }
      }
    }
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    BlockWriter writer = new BlockWriter(InstantSource.system(), new SplittableRandom(1));
    // Two aligned blocks and a flush-like remainder that cuts through chunks.
    long[][] ranges = {
      {t0, t0 + 2 * HOUR},
      {t0 + 2 * HOUR, t0 + 4 * HOUR},
      {t0 + 4 * HOUR, t0 + 4 * HOUR + 1_234_567}
    };
    List<BlockMeta> metas = new ArrayList<>();
    for (long[] r : ranges) {
      metas.add(writer.write(data, head.querier(), r[0], r[1]).orElseThrow());
    }
    long end = ranges[2][1];

    List<String> expected = new ArrayList<>();
    long count = 0;
    for (Map.Entry<Labels, List<long[]>> e : written.entrySet()) {
      for (long[] p : e.getValue()) {
        if (p[0] < end) {
          expected.add(e.getKey().toString() + " " + PrometheusTools.promString(p[1]) + " " + p[0]);
          count++;
        }
      }
    }
    assertThat(metas.stream().mapToLong(m -> m.stats().numSamples()).sum()).isEqualTo(count);

    for (BlockMeta m : metas) {
      String analyze =
          PrometheusTools.promtool(tmp, "tsdb", "analyze", "--extended", "data", m.ulid() + "");
      assertThat(analyze).contains("Series: " + m.stats().numSeries());
    }
    Files.createDirectories(data.resolve("wal"));
    String dump = PrometheusTools.promtool(tmp, "tsdb", "dump", "data");
    assertThat(dump.lines().toList()).hasSize((int) count).containsExactlyElementsOf(expected);
    Files.delete(data.resolve("wal"));

    try (PrometheusTools.Server server =
        PrometheusTools.Server.start(
            data,
            tmp,
            "--storage.tsdb.retention.time=100y",
            "--storage.tsdb.max-block-duration=2h")) {
      assertThat(server.log()).contains("Found healthy block").doesNotContain("level=error");
      Labels one = Labels.of("__name__", "temp_celsius", "room", "über", "i", "7");
      List<String> points = new ArrayList<>();
      for (long[] p : written.get(one)) {
        if (p[0] < end) {
          points.add(p[0] + " " + PrometheusTools.promString(p[1]));
        }
      }
      assertThat(server.query("temp_celsius{room=\"über\",i=\"7\"}[6h]", end - 1))
          .containsExactlyElementsOf(points);
      long perMetric = 0;
      for (String metric : List.of("http_requests_total", "temp_celsius")) {
        List<String> r = server.query("sum(count_over_time(" + metric + "[6h]))", end - 1);
        assertThat(r).hasSize(1);
        perMetric += Long.parseLong(r.get(0).split(" ")[1]);
      }
      assertThat(perMetric).isEqualTo(count);
    }
  }
}
