// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.proto.thanos.ExemplarsGrpc;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarData;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarsRequest;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarsResponse;
import io.sluice.receiver.proto.thanos.LabelTypes.ZLabelSet;
import io.sluice.server.Receiver;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.SeriesSet;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus 2.42 in agent mode scrapes a tiny OpenMetrics target with a counter whose
 * sample carries an exemplar, and remote-writes both ({@code send_exemplars: true}) to Sluice;
 * {@code thanos.Exemplars/Exemplars} returns the exemplar with the series' labels and Sluice's
 * external labels. With {@code --tsdb.max-exemplars=0} the samples are stored and no exemplar.
 */
class ExemplarsIT {
  private static final String TRACE = "abc123";

  @TempDir Path dir;

  private HttpServer target;
  private final AtomicLong scrapes = new AtomicLong();
  // The exemplar's own time, fixed: every scrape sees the same exemplar, which the agent sends
  // once.
  private final long exemplarMs = System.currentTimeMillis() / 1000 * 1000 - 5_000;

  @BeforeEach
  void startTarget() throws Exception {
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/metrics",
        exchange -> {
          long n = scrapes.incrementAndGet();
          String body =
              """
              # TYPE demo_requests counter
              # HELP demo_requests Requests served.
              demo_requests_total{path="/a"} %d # {trace_id="%s"} 1.0 %d.%03d
              # EOF
              """
                  .formatted(n, TRACE, exemplarMs / 1000, exemplarMs % 1000);
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .set("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8");
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    target.start();
  }

  @AfterEach
  void stopTarget() {
    target.stop(0);
  }

  private ReceiveConfig config(long maxExemplars) {
    ReceiveConfig c = ItFixtures.config(dir.resolve("data"));
    return c.withTsdb(c.tsdb().withMaxExemplars(maxExemplars));
  }

  private static String text(ZLabelSet set) {
    return set.getLabelsList().stream()
        .map(l -> l.getName() + "=\"" + l.getValue() + "\"")
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static List<ExemplarData> exemplars(ManagedChannel ch, String query) {
    Iterator<ExemplarsResponse> it =
        ExemplarsGrpc.newBlockingStub(ch)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .exemplars(
                ExemplarsRequest.newBuilder()
                    .setQuery(query)
                    .setStart(0)
                    .setEnd(Long.MAX_VALUE)
                    .build());
    List<ExemplarData> out = new ArrayList<>();
    it.forEachRemaining(r -> out.add(r.getData()));
    return out;
  }

  /** The sample count of demo_requests_total in the default tenant's head. */
  private static int samples(Receiver receiver) {
    MultiTsdb.Tenant t = receiver.tsdbs().get("default-tenant");
    if (t == null) {
      return 0;
    }
    int n = 0;
    try (Querier q = t.head().querier()) {
      SeriesSet set =
          q.select(
              Long.MIN_VALUE,
              Long.MAX_VALUE,
              List.of(new Matcher(Matcher.Type.EQ, "__name__", "demo_requests_total")));
      while (set.hasNext()) {
        SampleIterator it = set.next().samples();
        while (it.next()) {
          n++;
        }
      }
    }
    return n;
  }

  /** The agent's own counter {@code name}, 0 until it is exported. */
  private static double agentMetric(int agentPort, String name) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  @Test
  void exemplarsScrapedByAnAgentAreServedByTheExemplarsApiWithExternalLabels() throws Exception {
    try (Receiver receiver = Receiver.start(config(1000), InstantSource.system())) {
      int agentPort = ItFixtures.freePort();
      try (ExternalProcess agent =
              PrometheusAgent.start(
                  dir,
                  target.getAddress().getPort(),
                  receiver.remoteWriteAddress().getPort(),
                  agentPort,
                  true);
          StoreClient c = new StoreClient(receiver.grpcAddress())) {
        String query = "demo_requests_total{job=\"sluice\"}";
        List<ExemplarData> got = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && got.isEmpty()) {
          assertThat(agent.alive()).as(agent.output()).isTrue();
          Thread.sleep(200);
          got = exemplars(c.channel, query);
        }
        assertThat(got).as(agent.output()).hasSize(1);
        ExemplarData d = got.get(0);
        assertThat(text(d.getSeriesLabels()))
            .isEqualTo(
                "{__name__=\"demo_requests_total\", agent=\"it\", instance=\"127.0.0.1:%d\","
                        .formatted(target.getAddress().getPort())
                    + " job=\"sluice\", path=\"/a\", replica=\"it\","
                    + " tenant_id=\"default-tenant\"}");
        assertThat(d.getExemplarsList()).hasSize(1);
        assertThat(text(d.getExemplars(0).getLabels())).isEqualTo("{trace_id=\"abc123\"}");
        assertThat(d.getExemplars(0).getValue()).isEqualTo(1.0);
        assertThat(d.getExemplars(0).getTs()).isEqualTo(exemplarMs);

        // Selectors inside functions and aggregations, as Thanos Query sends them.
        assertThat(
                exemplars(c.channel, "sum by (path) (rate(demo_requests_total{path=\"/a\"}[5m]))"))
            .containsExactly(d);
        assertThat(
                exemplars(
                    c.channel,
                    "histogram_quantile(0.9, sum by (le) (rate(demo_requests_total[5m])))"))
            .containsExactly(d);
        assertThat(exemplars(c.channel, "demo_requests_total{tenant_id=\"other\"}")).isEmpty();
        // Out of the range: nothing.
        assertThat(
                ExemplarsGrpc.newBlockingStub(c.channel)
                    .exemplars(
                        ExemplarsRequest.newBuilder()
                            .setQuery(query)
                            .setStart(exemplarMs + 1)
                            .setEnd(Long.MAX_VALUE)
                            .build())
                    .hasNext())
            .isFalse();

        assertThat(ItFixtures.get(receiver.httpAddress().getPort(), "/metrics").body())
            .contains(
                "prometheus_tsdb_exemplar_exemplars_in_storage{tenant=\"default-tenant\"} 1.0")
            .contains("prometheus_tsdb_exemplar_max_exemplars{tenant=\"default-tenant\"} 1000.0");

        // The agent counted its exemplars as sent, none failed.
        assertThat(agentMetric(agentPort, "prometheus_remote_storage_exemplars_total"))
            .isGreaterThanOrEqualTo(1);
        assertThat(agentMetric(agentPort, "prometheus_remote_storage_exemplars_failed_total"))
            .isZero();
      }
    }
  }

  @Test
  void withMaxExemplarsZeroTheSamplesAreStoredAndNoExemplar() throws Exception {
    try (Receiver receiver = Receiver.start(config(0), InstantSource.system())) {
      int agentPort = ItFixtures.freePort();
      try (ExternalProcess agent =
              PrometheusAgent.start(
                  dir,
                  target.getAddress().getPort(),
                  receiver.remoteWriteAddress().getPort(),
                  agentPort,
                  true);
          StoreClient c = new StoreClient(receiver.grpcAddress())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        // Samples in the head, and the agent says it sent an exemplar.
        while (System.nanoTime() < deadline
            && (samples(receiver) < 3
                || agentMetric(agentPort, "prometheus_remote_storage_exemplars_total") < 1)) {
          assertThat(agent.alive()).as(agent.output()).isTrue();
          Thread.sleep(200);
        }
        assertThat(samples(receiver)).as(agent.output()).isGreaterThanOrEqualTo(3);
        assertThat(agentMetric(agentPort, "prometheus_remote_storage_exemplars_total"))
            .isGreaterThanOrEqualTo(1);
        assertThat(exemplars(c.channel, "demo_requests_total")).isEmpty();
        assertThat(receiver.tsdbs().get("default-tenant").head().exemplars().size()).isZero();
        // Dropping them is no error: nothing failed at the agent.
        assertThat(agentMetric(agentPort, "prometheus_remote_storage_samples_failed_total"))
            .isZero();
        assertThat(agentMetric(agentPort, "prometheus_remote_storage_exemplars_failed_total"))
            .isZero();
      }
    }
  }
}
