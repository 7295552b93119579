// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.RecordEncoder;
import io.sluice.tsdb.record.RecordFormat;
import io.sluice.tsdb.testing.PrometheusTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus 2.42 starts on a data directory whose only content is a WAL written by Sluice
 * (an uncompressed segment, a compressed one and a checkpoint) and answers PromQL with exactly the
 * samples Sluice logged. Skipped without {@code prometheus} on the PATH, except under CI ({@code
 * CI} set), where that is a failure.
 */
class PrometheusReadsSluiceWalIT {
  private final InstantSource clock = InstantSource.system();

  @TempDir Path tmp;

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  @Test
  void prometheusReplaysASluiceWalAndAnswersWithTheExactSamples() throws Exception {
    PrometheusTools.require("prometheus");
    Path data = tmp.resolve("data");
    Path walDir = data.resolve("wal");
    // Recent data, as a receiver writes it: t0 = now - 15 min; the last sample is 100 s before now.
    long t0 = clock.millis() / 1000 * 1000 - Duration.ofMinutes(15).toMillis();
    long s = 1000;

    Labels gauge = Labels.of("__name__", "sluice_it_gauge", "job", "it");
    Labels big = Labels.of("__name__", "sluice_it_big", "job", "it");
    Labels counter = Labels.of("__name__", "sluice_it_counter", "job", "it", "path", "/\u00fc");
    long[] gaugeBits = {
      bits(1.5),
      bits(-2.25),
      0x7ff8000000000001L,
      bits(Double.POSITIVE_INFINITY),
      bits(Double.NEGATIVE_INFINITY),
      bits(-0.0)
    };
    List<String> expectedGauge = new ArrayList<>();
    List<String> expectedBig = new ArrayList<>();
    List<String> expectedCounter = new ArrayList<>();
    long minTime = t0 + 30 * s;

    // Segment 0, uncompressed: series and samples, later folded into a checkpoint that keeps
    // only samples at or after minTime.
    RecordEncoder enc = new RecordEncoder();
    try (Wal wal = Wal.open(walDir, new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, false))) {
      enc.beginSeries();
      enc.series(1, gauge);
      enc.series(2, big);
      enc.beginSamples();
      for (int k = 0; k < gaugeBits.length; k++) {
        long t = t0 + k * 15 * s;
        enc.sample(1, t, gaugeBits[k]);
        if (t >= minTime) {
          expectedGauge.add(t + " " + PrometheusTools.promString(gaugeBits[k]));
        }
      }
      for (int i = 0; i < 3000; i++) {
        long t = t0 + i * 200L;
        long v = bits(i * 0.5 - 300);
        enc.sample(2, t, v);
        if (t >= minTime) {
          expectedBig.add(t + " " + PrometheusTools.promString(v));
        }
      }
      wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
      assertThat(wal.nextSegment()).isEqualTo(1);

      // Segment 1, uncompressed: a sample of a known series.
      enc.reset();
      enc.beginSamples();
      enc.sample(1, t0 + 90 * s, bits(42));
      expectedGauge.add((t0 + 90 * s) + " 42");
      wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
    }
    CheckpointStats stats = Checkpoint.create(walDir, 0, 0, ref -> true, minTime);
    assertThat(stats.droppedSamples()).isEqualTo(2 + 150);

    // Segment 2, compressed: a new series, a stale marker, and more samples.
    try (Wal wal = Wal.open(walDir, new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, true))) {
      assertThat(wal.lastSegment()).isEqualTo(2);
      wal.truncateBefore(1);
      enc.reset();
      enc.beginSeries();
      enc.series(3, counter);
      enc.beginSamples();
      for (int i = 0; i < 10; i++) {
        long t = t0 + (100 + i) * s;
        enc.sample(3, t, bits(i));
        expectedCounter.add(t + " " + i);
      }
      enc.sample(1, t0 + 105 * s, RecordFormat.STALE_NAN_BITS);
      for (int i = 3000; i < 4000; i++) {
        long t = t0 + i * 200L;
        long v = bits(i * 0.5 - 300);
        enc.sample(2, t, v);
        expectedBig.add(t + " " + PrometheusTools.promString(v));
      }
      wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
    }
    assertThat(WalFiles.fragments(WalFiles.segment(walDir, 2)))
        .extracting(WalFiles.Fragment::type)
        .contains(0x09);
    try (var names = Files.list(walDir)) {
      assertThat(names.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("00000001", "00000002", "checkpoint.00000000");
    }

    try (PrometheusTools.Server server = PrometheusTools.Server.start(data, tmp)) {
      String log = server.log();
      assertThat(log)
          .as(log)
          .contains("WAL checkpoint loaded", "WAL segment loaded")
          .doesNotContain("level=error", "repair", "corruption", "unknown series references");

      long end = t0 + 15 * 60 * s;
      assertThat(server.query("sluice_it_gauge[1h]", end)).as(log).isEqualTo(expectedGauge);
      assertThat(server.query("sluice_it_big[1h]", end)).isEqualTo(expectedBig);
      assertThat(server.query("sluice_it_counter[1h]", end)).isEqualTo(expectedCounter);
      assertThat(server.query("count_over_time(sluice_it_big[1h])", end))
          .containsExactly(end + " " + (3000 - 150 + 1000));
      assertThat(server.query("sluice_it_counter{path=\"/\u00fc\"}", t0 + 110 * s))
          .containsExactly((t0 + 110 * s) + " 9");
      // The last value before the stale marker, then nothing: the marker came through intact.
      assertThat(server.query("sluice_it_gauge", t0 + 104 * s))
          .containsExactly((t0 + 104 * s) + " 42");
      assertThat(server.query("sluice_it_gauge", t0 + 106 * s)).isEmpty();
      // Samples older than the checkpoint's min time are gone.
      assertThat(server.query("sluice_it_gauge", t0 + 20 * s)).isEmpty();
    }
  }
}
