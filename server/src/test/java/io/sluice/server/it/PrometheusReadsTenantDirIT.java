// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.server.Receiver;
import io.sluice.tsdb.testing.PrometheusTools;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Data directory compatibility: a tenant directory written by Sluice through its HTTP endpoint is
 * opened by a Prometheus 2.42 server, which replays the WAL and answers PromQL with exactly the
 * written values.
 */
class PrometheusReadsTenantDirIT {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private int write(Receiver r, List<RemoteWrite.TimeSeries> series) throws Exception {
    byte[] body =
        Snappy.compress(
            RemoteWrite.WriteRequest.newBuilder().addAllTimeseries(series).build().toByteArray());
    return http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + r.remoteWriteAddress().getPort() + "/api/v1/receive"))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("THANOS-TENANT", "team-a")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static RemoteWrite.TimeSeries sample(String pod, long t, double v) {
    return RemoteWrite.TimeSeries.newBuilder()
        .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("it_metric"))
        .addLabels(RemoteWrite.Label.newBuilder().setName("pod").setValue(pod))
        .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(v))
        .build();
  }

  private JsonNode query(int port, String promql, long timeMs) throws Exception {
    String url =
        "http://127.0.0.1:"
            + port
            + "/api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8)
            + "&time="
            + (timeMs / 1000.0);
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return new ObjectMapper().readTree(body);
  }

  @Test
  void prometheusReplaysATenantDirectorySluiceWroteAndAnswersWithTheWrittenValues()
      throws Exception {
    Path prometheus = PrometheusTools.require("prometheus");
    long now = System.currentTimeMillis();
    long t0 = now - 600_000;
    Path data = dir.resolve("data");
    try (Receiver r = Receiver.start(ItFixtures.config(data), InstantSource.system())) {
      for (int i = 0; i < 20; i++) {
        long t = t0 + i * 15_000L;
        assertThat(write(r, List.of(sample("a", t, i * 1.5), sample("b", t, -i)))).isEqualTo(200);
      }
    }
    // A copy without the lock, as an operator would move a volume.
    Path copy = dir.resolve("prom-data");
    Path tenant = data.resolve("team-a");
    try (Stream<Path> files = Files.walk(tenant)) {
      for (Path p : files.toList()) {
        Path to = copy.resolve(tenant.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else if (!p.getFileName().toString().equals("lock")) {
          Files.copy(p, to);
        }
      }
    }
    assertThat(copy.resolve("wal")).isDirectory();
    Path cfg = dir.resolve("prom.yml");
    Files.writeString(cfg, "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
    int port = ItFixtures.freePort();
    try (ExternalProcess prom =
        ExternalProcess.start(
            List.of(
                prometheus.toString(),
                "--config.file=" + cfg,
                "--storage.tsdb.path=" + copy,
                "--web.listen-address=127.0.0.1:" + port),
            dir.resolve("prometheus.log"))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int ready = 0;
      while (System.nanoTime() < deadline && ready != 200) {
        assertThat(prom.alive()).as(prom.output()).isTrue();
        try {
          ready =
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertThat(ready).as(prom.output()).isEqualTo(200);
      assertThat(prom.output()).doesNotContain("level=error").doesNotContain("corruption");

      long last = t0 + 19 * 15_000L;
      JsonNode a = query(port, "it_metric{pod=\"a\"}", last);
      assertThat(a.at("/data/result/0/value/1").asText()).as(a.toString()).isEqualTo("28.5");
      JsonNode b = query(port, "it_metric{pod=\"b\"}", t0 + 7 * 15_000L);
      assertThat(b.at("/data/result/0/value/1").asText()).as(b.toString()).isEqualTo("-7");
      JsonNode count = query(port, "count_over_time(it_metric[1h])", last);
      assertThat(count.at("/data/result")).hasSize(2);
      for (JsonNode series : count.at("/data/result")) {
        assertThat(series.at("/value/1").asText()).isEqualTo("20");
      }
      JsonNode sum = query(port, "sum_over_time(it_metric{pod=\"a\"}[1h])", last);
      assertThat(sum.at("/data/result/0/value/1").asText()).isEqualTo("285");
    }
  }
}
