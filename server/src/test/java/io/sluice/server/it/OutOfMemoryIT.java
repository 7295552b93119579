// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver that runs out of heap ends at once (the launcher's {@code
 * -XX:+ExitOnOutOfMemoryError}) instead of staying alive with dead event loops; restarted, it
 * replays its WAL and holds every sample it acknowledged. Memory back-pressure, which would refuse
 * these writes long before the heap is full ({@code OverloadIT}), is turned off here.
 */
class OutOfMemoryIT {
  private static final int SERIES_PER_REQUEST = 2_000;
  private static final int MAX_REQUESTS = 2_000;
  private static final String PADDING = "p".repeat(160);

  @TempDir Path dir;

  @Test
  void anOutOfMemoryErrorEndsTheProcessAndARestartServesEveryAcknowledgedSample() throws Exception {
    Path data = dir.resolve("data");
    long t0 = System.currentTimeMillis();
    Map<String, Long> acknowledged = new HashMap<>();
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    ExternalProcess small = start(data, rw, web, "-Xmx80m", dir.resolve("small.log"));
    try {
      int status = 0;
      for (int k = 0; k < MAX_REQUESTS && small.alive(); k++) {
        RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
        List<String> names = new ArrayList<>();
        for (int s = 0; s < SERIES_PER_REQUEST; s++) {
          String id = k + "-" + s;
          names.add(id);
          req.addTimeseries(
              RemoteWrite.TimeSeries.newBuilder()
                  .addLabels(label("__name__", "oom_series"))
                  .addLabels(label("id", id))
                  .addLabels(label("pad", PADDING + id))
                  .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t0 + k).setValue(s)));
        }
        try {
          status = ItFixtures.remoteWrite(rw, "default-tenant", req.build());
        } catch (IOException processGone) {
          break;
        }
        if (status == 200) {
          for (String id : names) {
            acknowledged.put(id, t0 + k);
          }
        }
      }
      // Bounded wait: a process left alive after its OutOfMemoryError fails here.
      assertThat(small.exitCode(60)).as(small.output()).isNotZero();
      assertThat(small.output()).contains("java.lang.OutOfMemoryError");
    } finally {
      small.close();
    }
    assertThat(acknowledged).as("some writes were acknowledged before the error").isNotEmpty();

    try (ExternalProcess big = start(data, rw, web, "-Xmx1g", dir.resolve("big.log"))) {
      big.terminate();
      assertThat(big.exitCode(120)).as(big.output()).isZero();
    }
    Map<String, Long> stored = new HashMap<>();
    try (Tsdb db =
            Tsdb.open(
                data.resolve("default-tenant"),
                TsdbOptions.defaults(HeadOptions.defaults(InstantSource.system())));
        Querier q = db.querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        SampleIterator it = s.samples();
        while (it.next()) {
          stored.put(s.labels().get("id"), it.timestamp());
        }
      }
    }
    assertThat(stored).containsAllEntriesOf(acknowledged);
  }

  private static ExternalProcess start(Path data, int rw, int web, String heap, Path log)
      throws Exception {
    ExternalProcess p =
        ExternalProcess.start(
            ItFixtures.sluiceCommandWithJavaOpts(
                heap,
                "receive",
                "--remote-write.address=127.0.0.1:" + rw,
                "--http-address=127.0.0.1:" + web,
                "--grpc-address=127.0.0.1:0",
                "--tsdb.path=" + data,
                "--label=replica=\"it\"",
                "--receive.memory.new-series-limit=0",
                "--receive.memory.writes-limit=0"),
            log);
    ItFixtures.awaitReady(p, web);
    return p;
  }

  private static RemoteWrite.Label label(String name, String value) {
    return RemoteWrite.Label.newBuilder().setName(name).setValue(value).build();
  }
}
