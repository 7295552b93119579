// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.tsdb.testing.PrometheusTools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an agent sends when it catches up after a receiver outage: one request holding hours of
 * samples per series, oldest first. Prometheus and Thanos take it whole, because the out-of-bounds
 * bound of a request is fixed when its appender is created; a bound re-read per sample would let
 * the first series push the others' older samples out of bounds (409, dropped by the agent).
 */
class CatchUpRequestIT {
  private static final long STEP = 15_000;
  private static final int SERIES = 40;
  private static final int SAMPLES = 720; // 3 hours

  @TempDir Path dir;

  @Test
  void aRequestOfFortySeriesSpanningThreeHoursIsStoredWhole() throws Exception {
    Path data = dir.resolve("data");
    long start = (System.currentTimeMillis() - SAMPLES * STEP) / 1000 * 1000;
    RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
    List<String> expected = new ArrayList<>();
    for (int s = 0; s < SERIES; s++) {
      RemoteWrite.TimeSeries.Builder ts =
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(label("__name__", "catch_up"))
              .addLabels(label("s", String.format("%02d", s)));
      for (int i = 0; i < SAMPLES; i++) {
        long t = start + i * STEP;
        ts.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(s * 1000 + i));
        expected.add(
            "{__name__=\"catch_up\", s=\""
                + String.format("%02d", s)
                + "\"} "
                + PrometheusTools.promString(Double.doubleToRawLongBits(s * 1000 + i))
                + " "
                + t);
      }
      req.addTimeseries(ts);
    }
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    try (ExternalProcess sluice =
        ItFixtures.startSluice(data, rw, web, dir.resolve("sluice.log"))) {
      assertThat(ItFixtures.remoteWrite(rw, "default-tenant", req.build()))
          .as(sluice.output())
          .isEqualTo(200);
      sluice.terminate();
      assertThat(sluice.exitCode(60)).as(sluice.output()).isZero();
    }
    // The flush at shutdown cut blocks; dump reads them and the WAL as a Prometheus restart would.
    String dump = PrometheusTools.promtool(data, "tsdb", "dump", "default-tenant");
    List<String> lines = dump.lines().filter(l -> l.startsWith("{__name__=\"catch_up\"")).toList();
    assertThat(lines).hasSize(SERIES * SAMPLES).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static RemoteWrite.Label label(String name, String value) {
    return RemoteWrite.Label.newBuilder().setName(name).setValue(value).build();
  }
}
