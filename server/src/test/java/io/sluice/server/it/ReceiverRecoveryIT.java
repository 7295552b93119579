// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.server.Receiver;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.wal.WalFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * An in-process receiver on real sockets and a real data directory: start-up opens the tenants on
 * disk and replays their WALs before it is ready, repairs a damaged tail and counts it.
 */
class ReceiverRecoveryIT {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private ReceiveConfig config(boolean fsync) {
    return config(fsync, 0);
  }

  private ReceiveConfig config(boolean fsync, long oooWindowMs) {
    return ItFixtures.config(dir.resolve("data"), fsync, oooWindowMs);
  }

  private int post(Receiver r, String tenant, long t, double v) throws Exception {
    byte[] body =
        Snappy.compress(
            RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(
                    RemoteWrite.TimeSeries.newBuilder()
                        .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("m"))
                        .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(v)))
                .build()
                .toByteArray());
    return http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + r.remoteWriteAddress().getPort() + "/api/v1/receive"))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("THANOS-TENANT", tenant)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static List<String> samples(MultiTsdb.Tenant t) {
    List<String> out = new ArrayList<>();
    try (Querier q = t.tsdb().querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        SampleIterator it = s.samples();
        while (it.next()) {
          out.add(s.labels() + " " + it.timestamp() + " " + it.value());
        }
      }
    }
    return out;
  }

  @Test
  void restartReplaysEveryTenantBeforeReadyAndRepairsAndCountsADamagedTail() throws Exception {
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(T0));
    try (Receiver r = Receiver.start(config(true), clock)) {
      assertThat(post(r, "default-tenant", T0, 1)).isEqualTo(200);
      assertThat(post(r, "default-tenant", T0 + 1000, 2)).isEqualTo(200);
      assertThat(post(r, "team-a", T0, 3)).isEqualTo(200);
      assertThat(dir.resolve("data/team-a").resolve(Tsdb.LOCK_FILE)).exists();
      assertThat(r.tsdbs().get("default-tenant").tsdb().syncCount()).isPositive();
    }
    assertThat(dir.resolve("data/team-a").resolve(Tsdb.LOCK_FILE)).doesNotExist();

    // Damage the default tenant's tail and leave a stale lock behind, as a crash would.
    Path wal = dir.resolve("data/default-tenant").resolve(Tsdb.WAL_DIR);
    Files.write(
        wal.resolve(WalFormat.segmentName(0)),
        new byte[] {7, 7, 7, 7, 7, 7, 7, 7},
        StandardOpenOption.APPEND);
    Files.writeString(dir.resolve("data/team-a").resolve(Tsdb.LOCK_FILE), "");

    try (Receiver r = Receiver.start(config(false), clock)) {
      assertThat(r.ready()).isTrue();
      assertThat(samples(r.tsdbs().get("default-tenant")))
          .containsExactly(
              "{__name__=\"m\"} " + T0 + " 1.0", "{__name__=\"m\"} " + (T0 + 1000) + " 2.0");
      assertThat(samples(r.tsdbs().get("team-a")))
          .containsExactly("{__name__=\"m\"} " + T0 + " 3.0");
      // Metrics must not depend on objects only a meter references (Micrometer keeps them weakly).
      System.gc();
      assertThat(r.metrics().scrape())
          .contains("prometheus_tsdb_wal_corruptions_total{tenant=\"default-tenant\"} 1")
          .contains("prometheus_tsdb_wal_corruptions_total{tenant=\"team-a\"} 0")
          .contains("prometheus_tsdb_head_series{tenant=\"team-a\"} 1");
      assertThat(post(r, "default-tenant", T0 + 2000, 4)).isEqualTo(200);
    }
    try (Receiver r = Receiver.start(config(false), clock)) {
      assertThat(samples(r.tsdbs().get("default-tenant"))).hasSize(3);
      assertThat(r.tsdbs().get("default-tenant").tsdb().corruptions()).isZero();
    }
  }

  @Test
  void withAnOutOfOrderWindowLateSamplesGet200TooOldOnesGet409AndRestartKeepsTheLateOnes()
      throws Exception {
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(T0));
    long window = 600_000;
    try (Receiver r = Receiver.start(config(false, window), clock)) {
      assertThat(post(r, "default-tenant", T0, 3)).isEqualTo(200);
      assertThat(post(r, "default-tenant", T0 - 1000, 2)).isEqualTo(200);
      assertThat(post(r, "default-tenant", T0 - window, 1)).isEqualTo(200);
      assertThat(post(r, "default-tenant", T0 - window - 1, 0)).isEqualTo(409);
    }
    // Replay keeps them even with the window turned off.
    try (Receiver r = Receiver.start(config(false, 0), clock)) {
      assertThat(samples(r.tsdbs().get("default-tenant")))
          .containsExactly(
              "{__name__=\"m\"} " + (T0 - window) + " 1.0",
              "{__name__=\"m\"} " + (T0 - 1000) + " 2.0",
              "{__name__=\"m\"} " + T0 + " 3.0");
      assertThat(post(r, "default-tenant", T0 - 500, 9)).isEqualTo(409);
    }
  }
}
