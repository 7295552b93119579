// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.server.Receiver;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus 2.42 in agent mode scrapes Sluice's own {@code /metrics} and remote-writes
 * the result to Sluice; the series then are in Sluice's head with their samples.
 */
class PrometheusAgentIT {
  @TempDir Path dir;

  /** Samples of the series matching {@code matchers}, as (t, value), series by series. */
  private static List<List<double[]>> samples(MultiTsdb.Tenant t, List<Matcher> matchers)
      throws Exception {
    List<List<double[]>> out = new ArrayList<>();
    try (Querier q = t.head().querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, matchers);
      while (set.hasNext()) {
        Series s = set.next();
        List<double[]> one = new ArrayList<>();
        var it = s.samples();
        while (it.next()) {
          one.add(new double[] {it.timestamp(), Double.longBitsToDouble(it.valueBits())});
        }
        out.add(one);
      }
    }
    return out;
  }

  @Test
  void agentScrapesAndRemoteWritesIntoTheHead() throws Exception {
    try (Receiver receiver =
        Receiver.start(ItFixtures.config(dir.resolve("data")), InstantSource.system())) {
      int agentPort = ItFixtures.freePort();
      try (ExternalProcess agent =
          PrometheusAgent.start(
              dir,
              receiver.httpAddress().getPort(),
              receiver.remoteWriteAddress().getPort(),
              agentPort)) {
        List<Matcher> up =
            List.of(
                new Matcher(Matcher.Type.EQ, "__name__", "up"),
                new Matcher(Matcher.Type.EQ, "job", "sluice"));
        List<List<double[]>> ups = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
          MultiTsdb.Tenant t = receiver.tsdbs().get("default-tenant");
          if (t != null) {
            ups = samples(t, up);
            if (ups.size() == 1 && ups.get(0).size() >= 3) {
              break;
            }
          }
          assertThat(agent.alive()).as(agent.output()).isTrue();
          Thread.sleep(200);
        }
        assertThat(ups).as(agent.output()).hasSize(1);
        List<double[]> upSamples = ups.get(0);
        assertThat(upSamples).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 0; i < upSamples.size(); i++) {
          assertThat(upSamples.get(i)[1]).isEqualTo(1.0);
          if (i > 0) {
            assertThat(upSamples.get(i)[0]).isGreaterThan(upSamples.get(i - 1)[0]);
          }
        }

        MultiTsdb.Tenant t = receiver.tsdbs().get("default-tenant");
        // The agent's external label and the scrape's target labels arrive on every series.
        try (Querier q = t.head().querier()) {
          assertThat(q.labelValues("agent", Long.MIN_VALUE, Long.MAX_VALUE, List.of()))
              .containsExactly("it");
          assertThat(q.labelValues("job", Long.MIN_VALUE, Long.MAX_VALUE, List.of()))
              .containsExactly("sluice");
          assertThat(q.labelNames(Long.MIN_VALUE, Long.MAX_VALUE, List.of()))
              .contains("__name__", "instance", "job", "agent", "handler", "code", "tenant");
        }
        // Sluice's own request counter, scraped and written back, counts the agent's writes.
        List<List<double[]>> writes =
            samples(
                t,
                List.of(
                    new Matcher(Matcher.Type.EQ, "__name__", "http_requests_total"),
                    new Matcher(Matcher.Type.EQ, "handler", "receive"),
                    new Matcher(Matcher.Type.EQ, "code", "200")));
        assertThat(writes).isNotEmpty();
        assertThat(t.head().numSeries()).isGreaterThan(50);

        // The StoreAPI returns the same series with the receiver's external labels, and its
        // chunks decode to the samples in the head (and any that arrived since).
        try (StoreClient c = new StoreClient(receiver.grpcAddress())) {
          List<io.sluice.receiver.proto.thanos.StoreTypes.Series> frames =
              StoreClient.frames(
                  c.series(
                      StoreClient.request(
                          StoreClient.eq("__name__", "up"), StoreClient.eq("job", "sluice"))));
          assertThat(frames).hasSize(1);
          assertThat(StoreClient.text(frames.get(0)))
              .isEqualTo(
                  "{__name__=\"up\", agent=\"it\", instance=\"127.0.0.1:%d\", job=\"sluice\","
                          .formatted(receiver.httpAddress().getPort())
                      + " replica=\"it\", tenant_id=\"default-tenant\"}");
          List<long[]> viaGrpc = StoreClient.samples(frames.get(0).getChunksList());
          assertThat(viaGrpc.size()).isGreaterThanOrEqualTo(upSamples.size());
          for (int i = 0; i < upSamples.size(); i++) {
            assertThat(viaGrpc.get(i)[0]).isEqualTo((long) upSamples.get(i)[0]);
            assertThat(Double.longBitsToDouble(viaGrpc.get(i)[1])).isEqualTo(upSamples.get(i)[1]);
          }
        }

        // The agent reports no failed sample.
        HttpClient http = HttpClient.newHttpClient();
        String agentMetrics =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(agentMetrics).contains("prometheus_remote_storage_samples_total");
        for (String line : agentMetrics.split("\n")) {
          if (line.startsWith("prometheus_remote_storage_samples_failed_total")
              || line.startsWith("prometheus_remote_storage_samples_dropped_total")) {
            assertThat(line).as(line).endsWith(" 0");
          }
        }
      }
    }
  }
}
