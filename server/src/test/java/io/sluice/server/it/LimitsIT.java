// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * {@code --receive.limits-config-file} on packaged receivers: the file changed while they run
 * (tightened, loosened, broken), the head-series limit refusing one tenant while another writes on,
 * and the tenant-wide count of a replicated ring estimated from each node's own head.
 */
class LimitsIT {
  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<ExternalProcess> processes = new ArrayList<>();
  private long clock = System.currentTimeMillis();

  @AfterEach
  void stopAll() throws Exception {
    for (ExternalProcess p : processes) {
      p.close();
    }
  }

  /** A request of {@code n} series {@code it_limits{i="0".."n-1"}}, one new sample each. */
  private byte[] series(int n) throws Exception {
    return series("it_limits", n);
  }

  /** A request of {@code n} series {@code name{i="0".."n-1"}}, one new sample each. */
  private byte[] series(String name, int n) throws Exception {
    long t = ++clock;
    RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
    for (int i = 0; i < n; i++) {
      b.addTimeseries(
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue(name))
              .addLabels(RemoteWrite.Label.newBuilder().setName("i").setValue(Integer.toString(i)))
              .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(i)));
    }
    return Snappy.compress(b.build().toByteArray());
  }

  private HttpResponse<String> write(int port, String tenant, byte[] body) throws Exception {
    return http.send(request(port, tenant, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(int port, String tenant, byte[] body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/receive"))
        .header("Content-Encoding", "snappy")
        .header("Content-Type", "application/x-protobuf")
        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .header("THANOS-TENANT", tenant)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /**
   * Replaces the file's content in one step, as a Kubernetes ConfigMap volume does: a reload that
   * read a file being rewritten in place could see it empty, which is a valid configuration without
   * limits.
   */
  private static void replace(Path file, String content) throws Exception {
    Path tmp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static double metric(int web, String series) throws Exception {
    for (String line : ItFixtures.get(web, "/metrics").body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }

  private static String limits(int maxConcurrency, int seriesLimit) {
    return "write:\n  global:\n    max_concurrency: "
        + maxConcurrency
        + "\n  default:\n    request:\n      series_limit: "
        + seriesLimit
        + "\n";
  }

  @Test
  void aLimitsFileChangedAtRunTimeAppliesAndABrokenOneKeepsTheLimitsInForce() throws Exception {
    Path file = Files.writeString(dir.resolve("limits.yml"), limits(1, 10));
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    ExternalProcess p =
        ItFixtures.startSluice(
            dir.resolve("data"),
            rw,
            web,
            dir.resolve("sluice.log"),
            "--receive.limits-config-file=" + file,
            "--receive.limits-config-reload-timer=100ms");
    processes.add(p);
    assertThat(write(rw, "t", series(10)).statusCode()).isEqualTo(200);
    HttpResponse<String> over = write(rw, "t", series(11));
    assertThat(over.statusCode()).isEqualTo(413);
    assertThat(over.body()).isEqualTo("too many timeseries\n");

    // Concurrent requests through a gate of one all wait their turn: none is refused.
    List<CompletableFuture<HttpResponse<Void>>> concurrent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      concurrent.add(
          http.sendAsync(
              request(rw, "t", series("concurrent_" + i, 5)),
              HttpResponse.BodyHandlers.discarding()));
    }
    for (CompletableFuture<HttpResponse<Void>> f : concurrent) {
      assertThat(f.get().statusCode()).isEqualTo(200);
    }
    String gate = "thanos_receive_write_request_concurrent_gate_write_requests";
    assertThat(metric(web, gate + "_max")).isEqualTo(1);
    assertThat(metric(web, gate + "_total")).isGreaterThanOrEqualTo(10);
    assertThat(metric(web, gate + "_in_flight")).isZero();

    // Tightened: 5 series are now too many.
    double reloads = metric(web, "thanos_receive_limits_config_reload_total");
    replace(file, limits(1, 3));
    await("the tighter limit", () -> write(rw, "t", series(5)).statusCode() == 413);
    assertThat(metric(web, "thanos_receive_limits_config_reload_total")).isGreaterThan(reloads);
    assertThat(metric(web, "thanos_receive_write_limits{limit=\"series\",tenant=\"\"}"))
        .isEqualTo(3);

    // Loosened: 50 series pass.
    replace(file, limits(1, 100));
    await("the looser limit", () -> write(rw, "t", series(50)).statusCode() == 200);

    // Broken: the limits in force stay, the error is counted, writes go on.
    assertThat(metric(web, "thanos_receive_limits_config_reload_err_total")).isZero();
    replace(file, "write:\n  default:\n    request:\n      series_limt: 1\n");
    await(
        "the reload error",
        () -> metric(web, "thanos_receive_limits_config_reload_err_total") == 1);
    assertThat(write(rw, "t", series(100)).statusCode()).isEqualTo(200);
    assertThat(write(rw, "t", series(101)).statusCode()).isEqualTo(413);
    assertThat(p.alive()).isTrue();
    assertThat(p.output()).contains("error reloading tenant limits config");
  }

  @Test
  void aTenantAtItsHeadSeriesLimitGets429WhileAnotherTenantWritesOn() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("limits.yml"),
            "write:\n  tenants:\n    acme:\n      head_series_limit: 5\n");
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    processes.add(
        ItFixtures.startSluice(
            dir.resolve("data"),
            rw,
            web,
            dir.resolve("sluice.log"),
            "--receive.limits-config-file=" + file,
            "--receive.limits-config-reload-timer=100ms"));
    // Checked before the write, on the current count: the request that crosses the limit passes.
    assertThat(write(rw, "acme", series(8)).statusCode()).isEqualTo(200);
    HttpResponse<String> limited = write(rw, "acme", series(8));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).isEqualTo("tenant is above active series limit\n");
    // The whole tenant is refused, known series too; other tenants are not.
    assertThat(write(rw, "acme", series(1)).statusCode()).isEqualTo(429);
    assertThat(write(rw, "other", series(50)).statusCode()).isEqualTo(200);
    assertThat(write(rw, "other", series(60)).statusCode()).isEqualTo(200);
    assertThat(metric(web, "thanos_receive_head_series_limited_requests_total{tenant=\"acme\"}"))
        .isEqualTo(2);
    assertThat(metric(web, "thanos_receive_head_series_limit{tenant=\"acme\"}")).isEqualTo(5);
    assertThat(metric(web, "prometheus_tsdb_head_series{tenant=\"acme\"}")).isEqualTo(8);
    assertThat(
            metric(
                web,
                "http_requests_total{code=\"429\",handler=\"receive\",method=\"post\",tenant=\"acme\"}"))
        .isEqualTo(2);

    // Raised: acme writes again.
    replace(file, "write:\n  tenants:\n    acme:\n      head_series_limit: 20\n");
    await("the raised limit", () -> write(rw, "acme", series(12)).statusCode() == 200);
    assertThat(metric(web, "prometheus_tsdb_head_series{tenant=\"acme\"}")).isEqualTo(12);
  }

  @Test
  void aReplicatedRingCountsEveryReplicaAsThanosMetaMonitoringDoes() throws Exception {
    List<RingNode> nodes = RingNode.ring(2, dir);
    Path ring = Files.writeString(dir.resolve("hashrings.json"), RingNode.defaultRing(nodes));
    // Across replicas, as Thanos' sum(prometheus_tsdb_head_series) by (tenant): 6 series on two
    // replicas are 12.
    Path file =
        Files.writeString(
            dir.resolve("limits.yml"), "write:\n  default:\n    head_series_limit: 10\n");
    for (RingNode n : nodes) {
      ExternalProcess p =
          ExternalProcess.start(
              ItFixtures.sluiceCommand(
                  n.receiveArgs(
                      "--receive.hashrings-file=" + ring,
                      "--receive.hashrings-algorithm=ketama",
                      "--receive.replication-factor=2",
                      "--receive.local-endpoint=" + n.endpoint(),
                      "--receive.limits-config-file=" + file)),
              dir.resolve("node" + n.index() + ".log"));
      processes.add(p);
    }
    for (RingNode n : nodes) {
      ItFixtures.awaitReady(processes.get(n.index()), n.web());
    }
    assertThat(write(nodes.get(0).rw(), "t", series(6)).statusCode()).isEqualTo(200);
    // RF=2 answers after one replica: the other may still be writing.
    for (RingNode n : nodes) {
      await(
          "6 series on node " + n.index(),
          () -> metric(n.web(), "prometheus_tsdb_head_series{tenant=\"t\"}") == 6);
    }
    // 6 local × 2 nodes = 12 >= 10, on either node.
    assertThat(write(nodes.get(0).rw(), "t", series(1)).statusCode()).isEqualTo(429);
    assertThat(write(nodes.get(1).rw(), "t", series(1)).statusCode()).isEqualTo(429);
    assertThat(write(nodes.get(1).rw(), "u", series(4)).statusCode()).isEqualTo(200);
    for (RingNode n : nodes) {
      await(
          "4 series on node " + n.index(),
          () -> metric(n.web(), "prometheus_tsdb_head_series{tenant=\"u\"}") == 4);
    }
    // 4 × 2 = 8 < 10: still allowed.
    assertThat(write(nodes.get(0).rw(), "u", series(4)).statusCode()).isEqualTo(200);
  }
}
