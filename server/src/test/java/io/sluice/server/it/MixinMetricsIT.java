// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metric contract of the Thanos mixin for receive ({@code mixin/alerts/receive.libsonnet},
 * {@code mixin/dashboards/receive.libsonnet}, {@code mixin/rules/receive.libsonnet}; reference
 * {@code ecosystem-reliability.md} §A2, {@code thanos-receive.md} §11): every series name and label
 * an expression of the receive dashboard, alerts or recording rules reads exists on a Sluice
 * receiver with the meaning Thanos gives it. Three packaged receivers form an RF=3 ketama ring on
 * loopback with a shared filesystem bucket and 2 s blocks; each takes remote writes (so it
 * replicates to the other two and receives their forwards), serves a StoreAPI {@code Series} call,
 * cuts blocks and uploads them; one tenant runs into its head-series limit on node 0. Then every
 * process' {@code /metrics} is scraped and each entry of {@link #CONTRACT} looked up.
 *
 * <p>Left out on purpose: {@code up} (the scraper's), and the Resources row's {@code go_*} series
 * ({@code go_memstats_*}, {@code go_goroutines}, {@code go_gc_duration_seconds}), which a JVM
 * cannot report with their Go meaning; Sluice exposes {@code jvm_*} and {@code process_*} instead.
 */
class MixinMetricsIT {
  /** One series an expression of the mixin reads: its name and the labels it selects by. */
  private record Use(String from, String series, boolean everywhere, String... labels) {
    static Use of(String from, String series, String... labels) {
      return new Use(from, series, true, labels);
    }

    /** Only on the receiver where the event happened (node 0). */
    static Use onEntry(String from, String series, String... labels) {
      return new Use(from, series, false, labels);
    }
  }

  private static final String ERROR_RATE =
      "alert ThanosReceiveHttpRequestErrorRateHigh: sum by (job) (rate(http_requests_total"
          + "{code=~\"5..\", handler=\"receive\"}[5m])) / sum by (job) (rate(http_requests_total"
          + "{handler=\"receive\"}[5m]))";
  private static final String LATENCY =
      "alert ThanosReceiveHttpRequestLatencyHigh: histogram_quantile(0.99, sum by (job, le)"
          + " (rate(http_request_duration_seconds_bucket{handler=\"receive\"}[5m]))) > 10 and sum"
          + " by (job) (rate(http_request_duration_seconds_count{handler=\"receive\"}[5m])) > 0";
  private static final String REPLICATION =
      "alert ThanosReceiveHighReplicationFailures: thanos_receive_replication_factor > 1 and"
          + " (rate(thanos_receive_replications_total{result=\"error\"}[5m]) /"
          + " rate(thanos_receive_replications_total[5m])) > (max by (job)"
          + " (floor((thanos_receive_replication_factor+1) / 2)) / max by (job)"
          + " (thanos_receive_hashring_nodes))";
  private static final String FORWARD =
      "alert ThanosReceiveHighForwardRequestFailures, dashboard Forward:"
          + " rate(thanos_receive_forward_requests_total{result=\"error\"}[5m]) /"
          + " rate(thanos_receive_forward_requests_total[5m])";
  private static final String HASHRING_FILE =
      "alert ThanosReceiveHighHashringFileRefreshFailures:"
          + " rate(thanos_receive_hashrings_file_errors_total[5m]) /"
          + " rate(thanos_receive_hashrings_file_refreshes_total[5m]) > 0";
  private static final String CONFIG_RELOAD =
      "alert ThanosReceiveConfigReloadFailure: avg by (job)"
          + " (thanos_receive_config_last_reload_successful) != 1";
  private static final String NO_UPLOAD =
      "alert ThanosReceiveNoUpload: (up - 1) + on (job, instance) (sum by (job, instance)"
          + " (increase(thanos_shipper_uploads_total[3h])) == 0)";
  private static final String LIMITS_RELOAD =
      "alert ThanosReceiveLimitsConfigReloadFailure: sum by (job)"
          + " (increase(thanos_receive_limits_config_reload_err_total[5m])) > 0";
  private static final String META_MONITORING =
      "alert ThanosReceiveLimitsHighMetaMonitoringQueriesFailureRate: (sum by (job)"
          + " (increase(thanos_receive_metamonitoring_failed_queries_total[5m])) / 20) * 100 > 20";
  private static final String HEAD_SERIES_LIMITED =
      "alert ThanosReceiveTenantLimitedByHeadSeries: sum by (job, tenant)"
          + " (increase(thanos_receive_head_series_limited_requests_total[5m])) > 0";
  private static final String DASH_TENANT_VAR =
      "dashboard variable tenant: label_values(http_requests_total{tenant!=\"\"}, tenant)";
  private static final String DASH_REQUESTS =
      "dashboard WRITE Incoming Request: sum by (job, handler, code)"
          + " (rate(http_requests_total{handler=\"receive\"}[$interval])); by (tenant, code)";
  private static final String DASH_LATENCY =
      "dashboard WRITE latency: histogram_quantile(0.99, sum by (job, le)"
          + " (rate(http_request_duration_seconds_bucket{handler=\"receive\"}[$interval]))); sum by"
          + " (job, tenant) (rate(http_request_duration_seconds_sum{tenant=~\"$tenant\","
          + " handler=\"receive\"}[$__rate_interval])) / sum by (job, tenant)"
          + " (http_request_duration_seconds_count{...})";
  private static final String DASH_SIZE =
      "dashboard HTTP requests (tenant): sum by (job, tenant)"
          + " (rate(http_request_size_bytes_sum{handler=\"receive\", code=~\"2..\"}[...])) / sum by"
          + " (job, tenant) (rate(http_request_size_bytes_count{...}[...]))";
  private static final String DASH_INFLIGHT =
      "dashboard HTTP requests (tenant): sum by (job, tenant, method)"
          + " (http_inflight_requests{tenant=~\"$tenant\", handler=\"receive\"})";
  private static final String DASH_SERIES =
      "dashboard Series & Samples: sum(rate(thanos_receive_write_timeseries_sum{tenant=~\"$tenant\","
          + " code=~\"2..\"}[...])) by (job, tenant); by (tenant, code)";
  private static final String DASH_SAMPLES =
      "dashboard Series & Samples: sum(rate(thanos_receive_write_samples_sum{tenant=~\"$tenant\","
          + " code=~\"2..\"}[...])) by (job, tenant); by (tenant, code)";
  private static final String DASH_REPLICATIONS =
      "dashboard Replication: sum by (job) (rate(thanos_receive_replications_total[...])); error"
          + " share by result=\"error\"";
  private static final String DASH_GRPC_WRITE =
      "dashboard gRPC (Write): sum by (job, grpc_method, grpc_code)"
          + " (rate(grpc_server_handled_total{grpc_type=\"unary\", grpc_method=\"RemoteWrite\"}[...]));"
          + " histogram_quantile(0.99, sum by (job, le) (rate(grpc_server_handling_seconds_bucket"
          + "{grpc_type=\"unary\", grpc_method=\"RemoteWrite\"}[...])))";
  private static final String DASH_GRPC_STREAM =
      "dashboard gRPC (Read, stream): sum by (job, grpc_method, grpc_code)"
          + " (rate(grpc_server_handled_total{grpc_type=\"server_stream\"}[...]));"
          + " histogram_quantile(0.99, sum by (job, le)"
          + " (rate(grpc_server_handling_seconds_bucket{grpc_type=\"server_stream\"}[...])))";
  private static final String DASH_LAST_UPLOAD =
      "dashboard Last Updated: time() - max by (job, bucket)"
          + " (thanos_objstore_bucket_last_successful_upload_time)";
  private static final String RULES_GRPC =
      "rules :thanos_query_receive_grpc_server_failures_per_unary/_per_stream:sum_rate:"
          + " sum(rate(grpc_server_handled_total{grpc_code=~\"Unknown|...\", grpc_type=\"unary\"}[5m]))"
          + " / sum(rate(grpc_server_started_total{grpc_type=\"unary\"}[5m]))";
  private static final String HEAD_SERIES_QUERY =
      "receive docs, head-series limiter default query: sum(prometheus_tsdb_head_series) by"
          + " (tenant)";
  private static final String TSDB =
      "DESIGN 1.7 prometheus_tsdb_*{tenant}: the embedded TSDB's samples appended";

  /** The contract: each series with the labels its expressions select or group by. */
  private static final List<Use> CONTRACT =
      List.of(
          Use.of(ERROR_RATE, "http_requests_total", "code", "handler=receive", "method", "tenant"),
          Use.of(DASH_TENANT_VAR, "http_requests_total", "tenant"),
          Use.of(DASH_REQUESTS, "http_requests_total", "handler=receive", "code", "tenant"),
          Use.of(LATENCY, "http_request_duration_seconds_bucket", "handler=receive", "le"),
          Use.of(LATENCY, "http_request_duration_seconds_count", "handler=receive"),
          Use.of(DASH_LATENCY, "http_request_duration_seconds_sum", "handler=receive", "tenant"),
          Use.of(DASH_LATENCY, "http_request_duration_seconds_count", "handler=receive", "tenant"),
          Use.of(DASH_SIZE, "http_request_size_bytes_sum", "handler=receive", "tenant", "code"),
          Use.of(DASH_SIZE, "http_request_size_bytes_count", "handler=receive", "tenant", "code"),
          Use.of(DASH_INFLIGHT, "http_inflight_requests", "handler=receive", "tenant", "method"),
          Use.of(DASH_SERIES, "thanos_receive_write_timeseries_sum", "tenant", "code"),
          Use.of(DASH_SAMPLES, "thanos_receive_write_samples_sum", "tenant", "code"),
          Use.of(REPLICATION, "thanos_receive_replication_factor"),
          Use.of(REPLICATION, "thanos_receive_replications_total", "result=success"),
          Use.of(REPLICATION, "thanos_receive_replications_total", "result=error"),
          Use.of(REPLICATION, "thanos_receive_hashring_nodes"),
          Use.of(DASH_REPLICATIONS, "thanos_receive_replications_total", "result"),
          Use.of(FORWARD, "thanos_receive_forward_requests_total", "result=success"),
          Use.of(FORWARD, "thanos_receive_forward_requests_total", "result=error"),
          Use.of(HASHRING_FILE, "thanos_receive_hashrings_file_errors_total"),
          Use.of(HASHRING_FILE, "thanos_receive_hashrings_file_refreshes_total"),
          Use.of(CONFIG_RELOAD, "thanos_receive_config_last_reload_successful"),
          Use.of(NO_UPLOAD, "thanos_shipper_uploads_total"),
          Use.of(LIMITS_RELOAD, "thanos_receive_limits_config_reload_err_total"),
          Use.of(META_MONITORING, "thanos_receive_metamonitoring_failed_queries_total"),
          Use.onEntry(
              HEAD_SERIES_LIMITED, "thanos_receive_head_series_limited_requests_total", "tenant"),
          Use.of(
              DASH_GRPC_WRITE,
              "grpc_server_handled_total",
              "grpc_type=unary",
              "grpc_method=RemoteWrite",
              "grpc_code",
              "grpc_service"),
          Use.of(
              DASH_GRPC_WRITE,
              "grpc_server_handling_seconds_bucket",
              "grpc_type=unary",
              "grpc_method=RemoteWrite",
              "le"),
          Use.of(
              DASH_GRPC_STREAM,
              "grpc_server_handled_total",
              "grpc_type=server_stream",
              "grpc_method",
              "grpc_code"),
          Use.of(
              DASH_GRPC_STREAM,
              "grpc_server_handling_seconds_bucket",
              "grpc_type=server_stream",
              "le"),
          Use.of(RULES_GRPC, "grpc_server_started_total", "grpc_type=unary"),
          Use.of(RULES_GRPC, "grpc_server_started_total", "grpc_type=server_stream"),
          Use.of(DASH_LAST_UPLOAD, "thanos_objstore_bucket_last_successful_upload_time", "bucket"),
          Use.of(HEAD_SERIES_QUERY, "prometheus_tsdb_head_series", "tenant"),
          Use.of(TSDB, "prometheus_tsdb_head_samples_appended_total", "tenant", "type=float"));

  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
  private static final String TENANT = "team-a";
  private static final String LIMITED = "limited";

  @TempDir Path dir;
  private final List<ExternalProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (ExternalProcess p : processes) {
      p.close();
    }
  }

  @Test
  void everySeriesTheMixinReadsExistsOnAReceiverThatReplicatedAndUploaded() throws Exception {
    List<RingNode> nodes = RingNode.ring(3, dir);
    Path ring = Files.writeString(dir.resolve("hashrings.json"), RingNode.defaultRing(nodes));
    Path bucket = dir.resolve("bucket");
    String objstore = "type: FILESYSTEM\nconfig:\n  directory: " + bucket;
    for (RingNode n : nodes) {
      ExternalProcess p =
          ExternalProcess.start(
              ItFixtures.sluiceCommand(
                  n.receiveArgs(
                      "--receive.hashrings-file=" + ring,
                      "--receive.hashrings-algorithm=ketama",
                      "--receive.replication-factor=3",
                      "--receive.local-endpoint=" + n.endpoint(),
                      "--objstore.config=" + objstore,
                      "--tsdb.min-block-duration=2s",
                      "--tsdb.max-block-duration=2s",
                      "--receive.limits-config=write:\n  tenants:\n    "
                          + LIMITED
                          + ":\n      head_series_limit: 1\n")),
              dir.resolve("node" + n.index() + ".log"));
      processes.add(p);
    }
    for (int i = 0; i < nodes.size(); i++) {
      ItFixtures.awaitReady(processes.get(i), nodes.get(i).web());
    }

    // Each node takes writes over HTTP and replicates them to the other two. The samples span 20 s,
    // so the 2 s heads are cut into blocks and shipped at once. The old samples go in one request,
    // and each later one carries the time it is sent: once a head is cut, older samples are out of
    // bounds there (heads here are cut 3 s after their oldest sample by the clock).
    long old = System.currentTimeMillis() - 20_000;
    RemoteWrite.WriteRequest.Builder olds = RemoteWrite.WriteRequest.newBuilder();
    for (RingNode n : nodes) {
      olds.addTimeseries(request(old, "n" + n.index()).getTimeseries(0));
    }
    assertThat(ItFixtures.remoteWrite(nodes.get(0).rw(), TENANT, olds.build()))
        .as("old samples; logs:\n%s", logs())
        .isEqualTo(200);
    for (RingNode n : nodes) {
      assertThat(
              ItFixtures.remoteWrite(
                  n.rw(), TENANT, request(System.currentTimeMillis(), "n" + n.index())))
          .as("write to node %d; logs:\n%s", n.index(), logs())
          .isEqualTo(200);
    }
    // The limited tenant: its first write creates a series (3 in the ring's estimate), the second
    // is refused with 429 and counted.
    assertThat(
            ItFixtures.remoteWrite(
                nodes.get(0).rw(), LIMITED, request(System.currentTimeMillis(), "x")))
        .isEqualTo(200);
    assertThat(
            ItFixtures.remoteWrite(
                nodes.get(0).rw(), LIMITED, request(System.currentTimeMillis(), "y")))
        .isEqualTo(429);
    tsdbStatus(nodes.get(0));
    // A StoreAPI read on every node, for the server_stream series.
    for (RingNode n : nodes) {
      try (StoreClient c = new StoreClient(new InetSocketAddress("127.0.0.1", n.grpc()))) {
        assertThat(
                StoreClient.frames(
                    c.series(StoreClient.request(StoreClient.eq("__name__", "mixin_probe")))))
            .isNotEmpty();
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    for (RingNode n : nodes) {
      while (value(scrape(n), "thanos_shipper_uploads_total", "tenant=" + TENANT) < 1) {
        assertThat(System.nanoTime()).as("node %d uploads a block", n.index()).isLessThan(deadline);
        Thread.sleep(250);
      }
    }

    List<String> missing = new ArrayList<>();
    for (RingNode n : nodes) {
      List<Sample> samples = parse(scrape(n));
      for (Use u : CONTRACT) {
        if ((u.everywhere() || n.index() == 0) && !present(samples, u)) {
          missing.add(
              "node "
                  + n.index()
                  + ": "
                  + u.series()
                  + " "
                  + List.of(u.labels())
                  + " ("
                  + u.from()
                  + ")");
        }
      }
    }
    assertThat(missing).as("series the Thanos mixin reads").isEmpty();
    // What the mixin reads, with the values it would show.
    String s0 = scrape(nodes.get(0));
    assertThat(value(s0, "thanos_receive_replication_factor")).isEqualTo(3);
    assertThat(value(s0, "thanos_receive_hashring_nodes")).isEqualTo(3);
    assertThat(value(s0, "thanos_receive_config_last_reload_successful")).isEqualTo(1);
    assertThat(value(s0, "thanos_receive_replications_total", "result=success")).isPositive();
    assertThat(value(s0, "thanos_receive_head_series_limited_requests_total", "tenant=" + LIMITED))
        .isEqualTo(1);
    assertThat(value(s0, "http_requests_total", "code=429", "tenant=" + LIMITED)).isEqualTo(1);
    assertThat(value(s0, "http_inflight_requests", "handler=receive", "tenant=" + TENANT)).isZero();
    // Samples appended: what each node holds of the tenant (3 old samples and 3 new ones, less
    // what a replica refused or had not received when the request had its quorum).
    for (RingNode n : nodes) {
      double appended =
          value(
              scrape(n),
              "prometheus_tsdb_head_samples_appended_total",
              "tenant=" + TENANT,
              "type=float");
      assertThat(appended).as("node %d", n.index()).isEqualTo(stored(n, TENANT)).isPositive();
    }
    assertThat(s0).containsPattern("(?m)^sluice_build_info\\{.*version=\"[^\"]+\".*} 1");
  }

  /** /api/v1/status/tsdb on the remote-write port, as Thanos serves it. */
  private static void tsdbStatus(RingNode n) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> one =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + n.rw() + "/api/v1/status/tsdb?limit=2"))
                .header("THANOS-TENANT", TENANT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(one.statusCode()).isEqualTo(200);
    JsonNode data = new ObjectMapper().readTree(one.body()).get("data");
    assertThat(data).hasSize(1);
    assertThat(data.get(0).get("tenant").asText()).isEqualTo(TENANT);
    // Heads here are cut within seconds: what the head holds now is not known, but the document
    // is consistent with itself and names only the series written.
    JsonNode head = data.get(0).get("headStats");
    assertThat(head.fieldNames())
        .toIterable()
        .containsExactly("numSeries", "numLabelPairs", "chunkCount", "minTime", "maxTime");
    long byName = 0;
    for (JsonNode e : data.get(0).get("seriesCountByMetricName")) {
      assertThat(e.get("name").asText()).isEqualTo("mixin_probe");
      byName += e.get("value").asLong();
    }
    assertThat(byName).isEqualTo(head.get("numSeries").asLong());
    assertThat(data.get(0).get("seriesCountByLabelValuePair").size()).isLessThanOrEqualTo(2);

    HttpResponse<String> all =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + n.rw() + "/api/v1/status/tsdb?all_tenants=true"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<String> tenants = new ArrayList<>();
    for (JsonNode t : new ObjectMapper().readTree(all.body()).get("data")) {
      tenants.add(t.get("tenant").asText());
    }
    assertThat(tenants).containsExactly("default-tenant", LIMITED, TENANT);
    assertThat(
            value(
                ItFixtures.get(n.web(), "/metrics").body(),
                "http_requests_total",
                "handler=tsdb_status",
                "code=200"))
        .isEqualTo(2);
  }

  /** The samples of {@code tenant} a node serves over the StoreAPI. */
  private static long stored(RingNode n, String tenant) {
    long count = 0;
    try (StoreClient c = new StoreClient(new InetSocketAddress("127.0.0.1", n.grpc()))) {
      for (var s :
          StoreClient.frames(
              c.series(
                  StoreClient.request(
                      StoreClient.eq("__name__", "mixin_probe"),
                      StoreClient.eq("tenant_id", tenant))))) {
        count += StoreClient.samples(s.getChunksList()).size();
      }
    }
    return count;
  }

  private String logs() {
    StringBuilder b = new StringBuilder();
    for (ExternalProcess p : processes) {
      b.append(p.output()).append("\n----\n");
    }
    return b.toString();
  }

  private static RemoteWrite.WriteRequest request(long t, String instance) {
    return RemoteWrite.WriteRequest.newBuilder()
        .addTimeseries(
            RemoteWrite.TimeSeries.newBuilder()
                .addLabels(
                    RemoteWrite.Label.newBuilder().setName("__name__").setValue("mixin_probe"))
                .addLabels(RemoteWrite.Label.newBuilder().setName("instance").setValue(instance))
                .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(1)))
        .build();
  }

  private static String scrape(RingNode n) throws Exception {
    HttpResponse<String> r = ItFixtures.get(n.web(), "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private record Sample(String name, Map<String, String> labels, double value) {}

  private static List<Sample> parse(String exposition) {
    List<Sample> out = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (line.startsWith("#") || !m.matches()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return out;
  }

  // Whether a series of that name has every label (name=value: with that value).
  private static boolean matches(Sample s, String series, String... labels) {
    if (!s.name().equals(series)) {
      return false;
    }
    for (String l : labels) {
      int eq = l.indexOf('=');
      String name = eq < 0 ? l : l.substring(0, eq);
      String v = s.labels().get(name);
      if (v == null || (eq >= 0 && !v.equals(l.substring(eq + 1)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean present(List<Sample> samples, Use u) {
    for (Sample s : samples) {
      if (matches(s, u.series(), u.labels())) {
        return true;
      }
    }
    return false;
  }

  /** The sum of the matching series; 0 when none. */
  private static double value(String exposition, String series, String... labels) {
    double sum = 0;
    for (Sample s : parse(exposition)) {
      if (matches(s, series, labels)) {
        sum += s.value();
      }
    }
    return sum;
  }
}
