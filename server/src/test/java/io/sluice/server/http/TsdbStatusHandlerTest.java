// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.sluice.receiver.MultiTsdb;
import io.sluice.server.metrics.ReceiveMetrics;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documents of {@code GET /api/v1/status/tsdb}, against hand-written expected JSON. */
class TsdbStatusHandlerTest {
  private static final String CORS = "Access-Control-Allow-Origin";

  @TempDir Path root;
  private final ReceiveMetrics metrics = new ReceiveMetrics();
  private final AtomicBoolean ready = new AtomicBoolean(true);
  private MultiTsdb tsdbs;
  private EmbeddedChannel channel;

  @BeforeEach
  void open() {
    tsdbs =
        new MultiTsdb(
            root,
            prefix ->
                TsdbOptions.defaults(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(0)))
                        .withHashPrefix(prefix)),
            t -> {});
    channel =
        new EmbeddedChannel(
            new TsdbStatusHandler(
                tsdbs, Runnable::run, metrics, ready::get, "THANOS-TENANT", "default-tenant"));
  }

  @AfterEach
  void close() throws Exception {
    channel.finishAndReleaseAll();
    tsdbs.close();
  }

  private void write(String tenant, long t, String... labels) throws Exception {
    Head head = tsdbs.getOrCreate(tenant).head();
    byte[] key = Labels.of(labels).toKey();
    HeadAppender app = head.appender();
    app.series(head.hash(key, 0, key.length), key, 0, key.length);
    app.append(t, Double.doubleToRawLongBits(1));
    app.commit();
  }

  private FullHttpResponse get(String uri, String... headers) {
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    for (int i = 0; i < headers.length; i += 2) {
      req.headers().set(headers[i], headers[i + 1]);
    }
    channel.writeInbound(req);
    channel.runPendingTasks();
    FullHttpResponse r = channel.readOutbound();
    assertThat(r).as("response to %s", uri).isNotNull();
    return r;
  }

  private static String body(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      ReferenceCountUtil.release(r);
    }
  }

  @Test
  void answersTheTenantOfTheHeaderWithPrometheusTsdbStatus() throws Exception {
    write("team-a", 1000, "__name__", "up", "job", "api", "path", "<&>");
    write("team-a", 2000, "__name__", "up", "job", "db");
    write("team-a", 3000, "__name__", "rpc_total", "job", "api");
    write("team-b", 5000, "__name__", "other", "job", "x");

    FullHttpResponse r = get("/api/v1/status/tsdb", "THANOS-TENANT", "team-a");

    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(r.headers().get(CORS)).isEqualTo("*");
    // __name__: (8+2+32)*2 + (8+9+32); job: (3+3+32)*2 + (3+2+32); path: (4+3+32).
    assertThat(body(r))
        .isEqualTo(
            """
            {"status":"success","data":[{"tenant":"team-a",\
            "headStats":{"numSeries":3,"numLabelPairs":5,"chunkCount":3,"minTime":1000,"maxTime":3000},\
            "seriesCountByMetricName":[{"name":"up","value":2},{"name":"rpc_total","value":1}],\
            "labelValueCountByLabelName":[{"name":"__name__","value":2},{"name":"job","value":2},\
            {"name":"path","value":1}],\
            "memoryInBytesByLabelName":[{"name":"__name__","value":133},{"name":"job","value":113},\
            {"name":"path","value":39}],\
            "seriesCountByLabelValuePair":[{"name":"__name__=up","value":2},{"name":"job=api","value":2},\
            {"name":"__name__=rpc_total","value":1},{"name":"job=db","value":1},\
            {"name":"path=\\u003c\\u0026\\u003e","value":1}]}]}""");
  }

  @Test
  void allTenantsListsEveryTenantSortedAndLimitCutsTheLists() throws Exception {
    write("team-b", 5000, "__name__", "other", "job", "x");
    write("team-a", 1000, "__name__", "up", "job", "api");
    write("team-a", 2000, "__name__", "up", "job", "db");

    assertThat(body(get("/api/v1/status/tsdb?all_tenants=true&limit=1")))
        .isEqualTo(
            """
            {"status":"success","data":[{"tenant":"team-a",\
            "headStats":{"numSeries":2,"numLabelPairs":3,"chunkCount":2,"minTime":1000,"maxTime":2000},\
            "seriesCountByMetricName":[{"name":"up","value":2}],\
            "labelValueCountByLabelName":[{"name":"job","value":2}],\
            "memoryInBytesByLabelName":[{"name":"__name__","value":84}],\
            "seriesCountByLabelValuePair":[{"name":"__name__=up","value":2}]},\
            {"tenant":"team-b",\
            "headStats":{"numSeries":1,"numLabelPairs":2,"chunkCount":1,"minTime":5000,"maxTime":5000},\
            "seriesCountByMetricName":[{"name":"other","value":1}],\
            "labelValueCountByLabelName":[{"name":"__name__","value":1}],\
            "memoryInBytesByLabelName":[{"name":"__name__","value":45}],\
            "seriesCountByLabelValuePair":[{"name":"__name__=other","value":1}]}]}""");
  }

  @Test
  void withoutHeaderTheDefaultTenantIsAnsweredAndAnUnknownTenantIsAnEmptyList() throws Exception {
    tsdbs.getOrCreate("default-tenant");

    assertThat(body(get("/api/v1/status/tsdb")))
        .isEqualTo(
            """
            {"status":"success","data":[{"tenant":"default-tenant",\
            "headStats":{"numSeries":0,"numLabelPairs":0,"chunkCount":0,\
            "minTime":9223372036854775807,"maxTime":-9223372036854775808},\
            "seriesCountByMetricName":[],"labelValueCountByLabelName":[],\
            "memoryInBytesByLabelName":[],"seriesCountByLabelValuePair":[]}]}""");
    assertThat(body(get("/api/v1/status/tsdb", "THANOS-TENANT", "nobody")))
        .isEqualTo("{\"status\":\"success\",\"data\":[]}");
  }

  @Test
  void refusesBadParametersAndAnswers500UntilReady() {
    FullHttpResponse both = get("/api/v1/status/tsdb?all_tenants=true", "THANOS-TENANT", "a");
    assertThat(both.status().code()).isEqualTo(400);
    assertThat(body(both))
        .isEqualTo(
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"using both the"
                + " all_tenants parameter and the THANOS-TENANT header is not supported\"}");
    FullHttpResponse limit = get("/api/v1/status/tsdb?limit=ten");
    assertThat(limit.status().code()).isEqualTo(400);
    assertThat(body(limit))
        .isEqualTo(
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"unable to parse 'limit'"
                + " parameter: strconv.ParseInt: parsing \\\"ten\\\": invalid syntax\"}");
    assertThat(body(get("/api/v1/status/tsdb?limit=-1"))).contains("bad_data");
    ready.set(false);
    FullHttpResponse notReady = get("/api/v1/status/tsdb");
    assertThat(notReady.status().code()).isEqualTo(500);
    assertThat(body(notReady))
        .isEqualTo(
            "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"service unavailable\"}");
  }

  @Test
  void countsRequestsUnderItsHandlerAndPassesOtherPathsOn() {
    ReferenceCountUtil.release(get("/api/v1/status/tsdb", "THANOS-TENANT", "team-a"));

    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains(
            "http_requests_total{code=\"200\",handler=\"tsdb_status\",method=\"get\","
                + "tenant=\"team-a\"} 1.0")
        .contains(
            "http_inflight_requests{handler=\"tsdb_status\",method=\"get\",tenant=\"team-a\"} 0.0");

    FullHttpRequest other =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/receive", Unpooled.EMPTY_BUFFER);
    channel.writeInbound(other);
    Object passed = channel.readInbound();
    assertThat(passed).isSameAs(other);
    ReferenceCountUtil.release(passed);
  }
}
