// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.relabel.RelabelGolden.Case;
import io.sluice.tsdb.testing.PrometheusTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relabel golden set, live: Debian's Prometheus 2.42 in agent mode scrapes {@code metrics.txt}
 * from this test and remote-writes it once per case of {@code cases.yml}, each with the case's
 * rules as {@code write_relabel_configs}, to a capture endpoint here that decodes what it sends.
 * Asserts that Prometheus still sends what {@code input.txt} and {@code expected.txt} hold and that
 * Sluice's relabeller, given the series Prometheus sent without rules, yields what it sent with
 * each case.
 *
 * <p>With {@code -Dsluice.golden.update=true} it rewrites {@code input.txt} and {@code
 * expected.txt} in the source tree instead of comparing with them (the README says when).
 */
class PrometheusRelabelGoldenIT {
  private static final int SCRAPES = 3;

  @TempDir Path dir;

  private final Map<String, SortedSet<String>> captured = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void sluiceRelabelsTheSeriesAsPrometheus242SendsThemWithTheSameRules() throws Exception {
    Path prometheus = PrometheusTools.require("prometheus");
    List<Case> cases = RelabelGolden.cases();
    byte[] page = RelabelGolden.read("metrics.txt").getBytes(StandardCharsets.UTF_8);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        ex -> {
          ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          respond(ex, 200, page);
        });
    server.createContext("/case/", this::capture);
    server.start();
    Process agent = null;
    try {
      int port = server.getAddress().getPort();
      int agentPort = PrometheusTools.freePort();
      Path cfg = dir.resolve("agent.yml");
      Files.writeString(cfg, agentConfig(cases, port));
      agent =
          new ProcessBuilder(
                  prometheus.toString(),
                  "--enable-feature=agent",
                  "--config.file=" + cfg,
                  "--storage.agent.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + agentPort)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("agent.log").toFile())
              .start();
      awaitEveryCaseSent(agent, agentPort, cases);
    } finally {
      if (agent != null) {
        ProcessHandle.of(agent.pid()).ifPresent(ProcessHandle::destroy);
        if (!agent.waitFor(20, TimeUnit.SECONDS)) {
          ProcessHandle.of(agent.pid()).ifPresent(ProcessHandle::destroyForcibly);
          agent.waitFor(10, TimeUnit.SECONDS);
        }
      }
      server.stop(0);
    }

    SortedSet<String> liveInput = captured.getOrDefault("identity", new TreeSet<>());
    assertThat(liveInput).as("series sent without rules").hasSizeGreaterThan(10);
    List<String[]> input = new ArrayList<>();
    liveInput.forEach(l -> input.add(RelabelGolden.parse(l)));
    Map<String, SortedSet<String>> live = new java.util.LinkedHashMap<>();
    for (Case c : cases) {
      SortedSet<String> sent = new TreeSet<>(captured.getOrDefault(c.name(), new TreeSet<>()));
      live.put(c.name(), sent);
      assertThat(RelabelGolden.sluice(c, input)).as(c.name()).isEqualTo(sent);
    }
    if (Boolean.getBoolean("sluice.golden.update")) {
      write(liveInput, live);
      return;
    }
    SortedSet<String> fixtureInput = new TreeSet<>();
    RelabelGolden.input().forEach(l -> fixtureInput.add(RelabelGolden.format(l)));
    assertThat(liveInput).as("input.txt").isEqualTo(fixtureInput);
    Map<String, SortedSet<String>> fixture = RelabelGolden.expected();
    for (Case c : cases) {
      SortedSet<String> want = new TreeSet<>(fixture.get(c.name()));
      want.remove(RelabelGolden.NONE);
      assertThat(live.get(c.name())).as("expected.txt, " + c.name()).isEqualTo(want);
    }
  }

  private static String agentConfig(List<Case> cases, int port) {
    StringBuilder b =
        new StringBuilder(
            """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: golden
                static_configs: [{targets: ['127.0.0.1:%d']}]
                relabel_configs: [{target_label: instance, replacement: target}]
            remote_write:
            """
                .formatted(port));
    for (Case c : cases) {
      b.append("  - name: ").append(c.name()).append('\n');
      b.append("    url: http://127.0.0.1:").append(port).append("/case/").append(c.name());
      b.append('\n');
      b.append(
          "    queue_config: {min_shards: 1, max_shards: 1, max_samples_per_send: 1000,"
              + " batch_send_deadline: 1s, min_backoff: 30ms, max_backoff: 1s}\n");
      b.append("    metadata_config: {send: false}\n");
      b.append("    write_relabel_configs:\n");
      for (String line : c.rules().split("\n")) {
        b.append("      ").append(line).append('\n');
      }
    }
    return b.toString();
  }

  // Records the label sets of a remote-write request for the case its path names.
  private void capture(HttpExchange ex) throws IOException {
    String name = ex.getRequestURI().getPath().substring("/case/".length());
    byte[] body = ex.getRequestBody().readAllBytes();
    try {
      WriteBatch b =
          new RemoteWriteDecoder(64 << 20).decode(body, 0, body.length, RemoteWriteVersion.V1);
      SortedSet<String> set =
          captured.computeIfAbsent(name, k -> new java.util.concurrent.ConcurrentSkipListSet<>());
      for (int s = 0; s < b.seriesCount(); s++) {
        String[] pairs = new String[2 * b.labelCount(s)];
        for (int l = 0; l < b.labelCount(s); l++) {
          pairs[2 * l] = utf8(b, b.labelNameOffset(s, l), b.labelNameLength(s, l));
          pairs[2 * l + 1] = utf8(b, b.labelValueOffset(s, l), b.labelValueLength(s, l));
        }
        set.add(RelabelGolden.format(pairs));
      }
      respond(ex, 200, new byte[0]);
    } catch (Exception e) {
      respond(ex, 400, e.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String utf8(WriteBatch b, int off, int len) {
    return new String(b.buffer(), off, len, StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  /**
   * Waits until every case's queue has read {@value #SCRAPES} samples records of the WAL (one per
   * scrape) and has nothing pending: the first two scrapes are then entirely sent or dropped.
   */
  private void awaitEveryCaseSent(Process agent, int agentPort, List<Case> cases) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      if (!agent.isAlive()) {
        throw new AssertionError("prometheus exited:\n" + log());
      }
      String metrics = null;
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        metrics = r.statusCode() == 200 ? r.body() : null;
      } catch (IOException notYet) {
        // not listening yet
      }
      if (metrics != null && allDone(metrics, cases)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Prometheus did not send every case within 90 s:\n" + metrics + "\n" + log());
      }
      Thread.sleep(200);
    }
  }

  private static boolean allDone(String metrics, List<Case> cases) {
    for (Case c : cases) {
      double read =
          metric(
              metrics,
              "prometheus_wal_watcher_records_read_total",
              "consumer=\"" + c.name() + "\"",
              "type=\"samples\"");
      double pending =
          metric(
              metrics,
              "prometheus_remote_storage_samples_pending",
              "remote_name=\"" + c.name() + "\"");
      if (!(read >= SCRAPES) || pending != 0) {
        return false;
      }
    }
    return true;
  }

  // The value of the first series of the metric with all of the given label pairs; NaN if none.
  private static double metric(String metrics, String name, String... labels) {
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      String set = line.substring(name.length(), close + 1);
      boolean all = true;
      for (String l : labels) {
        all &= set.contains(l);
      }
      if (all) {
        return Double.parseDouble(line.substring(close + 1).strip());
      }
    }
    return Double.NaN;
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("agent.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void write(SortedSet<String> input, Map<String, SortedSet<String>> live)
      throws IOException {
    StringBuilder in =
        new StringBuilder(
            "# The series Prometheus 2.42 sent for metrics.txt without relabel rules (see"
                + " README.md).\n");
    input.forEach(l -> in.append(l).append('\n'));
    Files.writeString(RelabelGolden.SOURCE_DIR.resolve("input.txt"), in);
    StringBuilder out =
        new StringBuilder(
            "# <case> TAB <label set> for every series Prometheus 2.42 sent with the case's rules;"
                + " \"-\": none (see README.md).\n");
    live.forEach(
        (name, sets) -> {
          if (sets.isEmpty()) {
            out.append(name).append('\t').append(RelabelGolden.NONE).append('\n');
          }
          sets.forEach(l -> out.append(name).append('\t').append(l).append('\n'));
        });
    Files.writeString(RelabelGolden.SOURCE_DIR.resolve("expected.txt"), out);
  }
}
