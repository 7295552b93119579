// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.limits.LimitRejection;
import io.sluice.receiver.limits.LimitsConfig;
import io.sluice.receiver.limits.TenantLimits;
import io.sluice.receiver.limits.WriteLimiter;
import io.sluice.receiver.otlp.OtlpSettings;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.server.metrics.ReceiveMetrics;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/otlp} on an embedded channel: decoding, translation and the statuses of
 * Thanos' OTLP handler, with the remote-write path's limits, tenancy and writer behind it.
 */
class OtlpHandlerTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final long NOW_NS = NOW * 1_000_000L;
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_DECODED = 256 * 1024;

  private final ReceiveMetrics metrics = new ReceiveMetrics();
  private final Path root = tempDir();
  private final MultiTsdb tsdbs =
      new MultiTsdb(
          root,
          prefix -> {
            HeadOptions d = HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(NOW)));
            return TsdbOptions.defaults(
                new HeadOptions(d.chunkRangeMs(), d.samplesPerChunk(), 600_000, d.clock(), prefix));
          },
          t -> metrics.headSeries(t.id(), t.head(), h -> h.numSeries()));
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  private RemoteWriteHandler handler(String splitLabel, WriteLimiter limiter, OtlpSettings otlp) {
    return handler(MAX_DECODED, splitLabel, limiter, otlp);
  }

  private RemoteWriteHandler handler(
      int maxDecoded, String splitLabel, WriteLimiter limiter, OtlpSettings otlp) {
    return new RemoteWriteHandler(
        new LocalWriter(tsdbs),
        Runnable::run,
        metrics,
        () -> true,
        "THANOS-TENANT",
        "default-tenant",
        maxDecoded,
        splitLabel,
        limiter,
        null,
        otlp);
  }

  @AfterEach
  void closeChannels() throws IOException {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
    tsdbs.close();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("sluice-otlp-handler");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private EmbeddedChannel channel(RemoteWriteHandler h) {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedAggregator(MAX_BODY, (req, resp) -> {}), h);
    channels.add(ch);
    return ch;
  }

  private EmbeddedChannel channel() {
    return channel(handler("", null, OtlpSettings.DEFAULTS));
  }

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static ExportMetricsServiceRequest request(Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attr("service.name", "checkout"))
                        .addAttributes(attr("service.instance.id", "pod-1"))
                        .addAttributes(attr("host.name", "node-7")))
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(List.of(metrics))))
        .build();
  }

  private static Metric counter(String name, double v, KeyValue... attrs) {
    return Metric.newBuilder()
        .setName(name)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(
                    NumberDataPoint.newBuilder()
                        .setTimeUnixNano(NOW_NS)
                        .setAsDouble(v)
                        .addAllAttributes(List.of(attrs))))
        .build();
  }

  private static FullHttpRequest post(byte[] body, String... headers) {
    FullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/otlp", Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().set(headers[i], headers[i + 1]);
    }
    HttpUtil.setContentLength(r, body.length);
    return r;
  }

  private static FullHttpResponse send(EmbeddedChannel ch, FullHttpRequest req) {
    ch.writeInbound(req);
    FullHttpResponse r = ch.readOutbound();
    assertThat(r).as("a response").isNotNull();
    return r;
  }

  private static String body(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  private List<double[]> stored(String tenant, String... labels) {
    MultiTsdb.Tenant t = tsdbs.get(tenant);
    List<double[]> out = new ArrayList<>();
    if (t == null) {
      return out;
    }
    Labels want = Labels.of(labels);
    List<Matcher> ms = new ArrayList<>();
    for (int i = 0; i < want.size(); i++) {
      ms.add(new Matcher(Matcher.Type.EQ, want.name(i), want.value(i)));
    }
    try (Querier q = t.head().querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, ms);
      while (set.hasNext()) {
        Series s = set.next();
        if (!s.labels().equals(want)) {
          continue;
        }
        var it = s.samples();
        while (it.next()) {
          out.add(new double[] {it.timestamp(), Double.longBitsToDouble(it.valueBits())});
        }
      }
    }
    return out;
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void storesTranslatedSeriesAndTargetInfoAndCountsThemUnderTheOtlpHandler() {
    FullHttpResponse r =
        send(
            channel(),
            post(
                request(counter("orders", 3, attr("payment.method", "card"))).toByteArray(),
                "THANOS-TENANT",
                "team-a"));

    assertThat(r.status().code()).isEqualTo(200);
    assertThat(body(r)).isEmpty();
    assertThat(
            stored(
                "team-a",
                "__name__",
                "orders_total",
                "instance",
                "pod-1",
                "job",
                "checkout",
                "payment_method",
                "card"))
        .containsExactly(new double[] {NOW, 3});
    assertThat(
            stored(
                "team-a",
                "__name__",
                "target_info",
                "host_name",
                "node-7",
                "instance",
                "pod-1",
                "job",
                "checkout"))
        .containsExactly(new double[] {NOW, 1});
    assertThat(tsdbs.get("default-tenant")).isNull();
    assertThat(metrics.scrape())
        .contains(
            "http_requests_total{code=\"200\",handler=\"otlp\",method=\"post\",tenant=\"team-a\"} 1");
  }

  @Test
  void acceptsGzippedJson() throws Exception {
    String json =
        """
        {"resourceMetrics":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeMetrics":[{"metrics":[{"name":"queue.size","unit":"{item}","gauge":{"dataPoints":[
          {"timeUnixNano":"%d","asInt":"12"}]}}]}]}]}
        """
            .formatted(NOW_NS);
    FullHttpResponse r =
        send(
            channel(),
            post(
                gzip(json.getBytes(StandardCharsets.UTF_8)),
                "Content-Type",
                "application/json",
                "Content-Encoding",
                "gzip"));
    assertThat(r.status().code()).as(body(r)).isEqualTo(200);
    assertThat(stored("default-tenant", "__name__", "queue_size", "job", "checkout"))
        .containsExactly(new double[] {NOW, 12});
  }

  @Test
  void refusesAnUnsupportedContentTypeOrEncodingWith400AndStoresNothing() {
    byte[] pb = request(counter("c", 1)).toByteArray();
    FullHttpResponse r = send(channel(), post(pb, "Content-Type", "text/plain"));
    assertThat(r.status().code()).isEqualTo(400);
    assertThat(body(r))
        .isEqualTo(
            "unsupported content type: text/plain, supported: [application/json,"
                + " application/x-protobuf]\n");
    r = send(channel(), post(pb, "Content-Encoding", "snappy"));
    assertThat(r.status().code()).isEqualTo(400);
    assertThat(body(r))
        .isEqualTo("unsupported compression: snappy. Only \"gzip\" or no compression supported\n");
    assertThat(tsdbs.get("default-tenant")).isNull();
  }

  @Test
  void malformedBodyIs400WithTheReasonAndStoresNothing() {
    byte[] pb = request(counter("c", 1)).toByteArray();
    FullHttpResponse r = send(channel(), post(java.util.Arrays.copyOf(pb, pb.length - 3)));
    assertThat(r.status().code()).isEqualTo(400);
    assertThat(body(r)).startsWith("unmarshal OTLP protobuf: ");
    assertThat(tsdbs.get("default-tenant")).isNull();
    assertThat(metrics.scrape())
        .contains(
            "http_requests_total{code=\"400\",handler=\"otlp\",method=\"post\",tenant=\"default-tenant\"} 1");
  }

  @Test
  void deltaTemporalityFailsTheWholeRequestWith400() {
    Metric delta =
        Metric.newBuilder()
            .setName("requests")
            .setSum(
                Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(
                        NumberDataPoint.newBuilder().setTimeUnixNano(NOW_NS).setAsInt(1)))
            .build();
    FullHttpResponse r = send(channel(), post(request(counter("ok", 1), delta).toByteArray()));
    assertThat(r.status().code()).isEqualTo(400);
    assertThat(body(r)).isEqualTo("invalid temporality for metric \"requests\"\n");
    assertThat(tsdbs.get("default-tenant")).isNull();
  }

  @Test
  void bodyOverTheLimitIs413BeforeItIsRead() {
    EmbeddedChannel ch = channel();
    io.netty.handler.codec.http.HttpRequest head =
        new io.netty.handler.codec.http.DefaultHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/otlp");
    HttpUtil.setContentLength(head, MAX_BODY + 1L);
    ch.writeInbound(head);
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(body(r)).contains("write request too large");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aTranslationLargerThanTheDecodedSizeLimitIs413() {
    Metric histogram =
        Metric.newBuilder()
            .setName("h")
            .setHistogram(
                io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        io.opentelemetry.proto.metrics.v1.HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(NOW_NS)
                            .setCount(1)
                            .addAllExplicitBounds(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0))
                            .addAllBucketCounts(List.of(1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L))))
            .build();
    byte[] body = request(histogram).toByteArray();
    // Eleven series that each repeat the resource's labels: several times the OTLP body.
    int limit = body.length * 2;
    FullHttpResponse r = send(channel(handler(limit, "", null, OtlpSettings.DEFAULTS)), post(body));
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(body(r)).startsWith("write request too large");
    assertThat(tsdbs.get("default-tenant")).isNull();
  }

  @Test
  void seriesLimitCountsTranslatedSeries() {
    WriteLimiter limiter =
        new WriteLimiter(
            new LimitsConfig(0, new TenantLimits(0, 1, 0, 0), Map.of()),
            null,
            new WriteLimiter.Listener() {
              @Override
              public void limitHit(String tenant, LimitRejection limit, long excess) {}

              @Override
              public void headSeriesLimited(String tenant) {}
            });
    // One OTLP metric, two series: the counter and target_info.
    FullHttpResponse r =
        send(
            channel(handler("", limiter, OtlpSettings.DEFAULTS)),
            post(request(counter("c", 1)).toByteArray()));
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(body(r)).isEqualTo("too many timeseries\n");
    // Without target_info the one series fits.
    r =
        send(
            channel(handler("", limiter, new OtlpSettings(false, List.of()))),
            post(request(counter("c", 1)).toByteArray()));
    assertThat(r.status().code()).as(body(r)).isEqualTo(200);
    assertThat(
            stored("default-tenant", "__name__", "c_total", "instance", "pod-1", "job", "checkout"))
        .hasSize(1);
  }

  @Test
  void splitTenantLabelAppliesAndAnInvalidValueIs500AsInThanosOtlpHandler() {
    EmbeddedChannel ch = channel(handler("tenant", null, new OtlpSettings(false, List.of())));
    FullHttpResponse r =
        send(ch, post(request(counter("c", 1, attr("tenant", "team-b"))).toByteArray()));
    assertThat(r.status().code()).as(body(r)).isEqualTo(200);
    assertThat(stored("team-b", "__name__", "c_total", "instance", "pod-1", "job", "checkout"))
        .hasSize(1);

    r = send(ch, post(request(counter("c", 1, attr("tenant", "../escape"))).toByteArray()));
    assertThat(r.status().code()).isEqualTo(500);
    r.release();
    assertThat(tsdbs.get("../escape")).isNull();
  }

  @Test
  void exponentialHistogramsAreStoredAsNativeHistogramsBesideTheFloatSeries() {
    Metric exp =
        Metric.newBuilder()
            .setName("latency")
            .setUnit("s")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        ExponentialHistogramDataPoint.newBuilder()
                            .setTimeUnixNano(NOW_NS)
                            .setCount(1)
                            .setPositive(
                                ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .addBucketCounts(1))))
            .build();
    Metric gauge =
        Metric.newBuilder()
            .setName("g")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        NumberDataPoint.newBuilder().setTimeUnixNano(NOW_NS).setAsInt(5)))
            .build();
    FullHttpResponse r = send(channel(), post(request(exp, gauge).toByteArray()));
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(stored("default-tenant", "__name__", "g", "instance", "pod-1", "job", "checkout"))
        .containsExactly(new double[] {NOW, 5});
    try (Querier q = tsdbs.get("default-tenant").head().querier()) {
      SeriesSet set =
          q.select(
              Long.MIN_VALUE,
              Long.MAX_VALUE,
              List.of(new Matcher(Matcher.Type.EQ, "__name__", "latency_seconds")));
      assertThat(set.hasNext()).isTrue();
      assertThat(set.next().labels())
          .isEqualTo(
              Labels.of("__name__", "latency_seconds", "instance", "pod-1", "job", "checkout"));
    }
  }

  @Test
  void otherPathsAreStill404() {
    FullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/otlp/v1/metrics", Unpooled.buffer(0));
    FullHttpResponse resp = send(channel(), r);
    assertThat(resp.status().code()).isEqualTo(404);
    resp.release();
  }
}
