// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.admission.MemoryAdmissionWriter;
import io.sluice.receiver.limits.LimitRejection;
import io.sluice.receiver.limits.LimitsConfig;
import io.sluice.receiver.limits.TenantLimits;
import io.sluice.receiver.limits.WriteLimiter;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import io.sluice.receiver.relabel.RelabelConfigs;
import io.sluice.receiver.relabel.Relabeller;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.Writer;
import io.sluice.server.metrics.ReceiveMetrics;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The status-code table of the remote-write endpoint, on an embedded channel. */
class RemoteWriteHandlerTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_DECODED = 256 * 1024;
  private static final String V2_TYPE =
      "application/x-protobuf;proto=io.prometheus.write.v2.Request";

  private final ReceiveMetrics metrics = new ReceiveMetrics();
  // Field initializers run before @TempDir injection: the directory is made and removed here.
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
  private final RemoteWriteHandler handler = handler(new LocalWriter(tsdbs), "", null, null);
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** A handler writing on the calling thread, always ready, with the default tenancy. */
  private RemoteWriteHandler handler(
      Writer writer, String splitLabel, WriteLimiter limiter, Relabeller relabeller) {
    return new RemoteWriteHandler(
        writer,
        Runnable::run,
        metrics,
        () -> true,
        "THANOS-TENANT",
        "default-tenant",
        MAX_DECODED,
        splitLabel,
        limiter,
        relabeller);
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
      return Files.createTempDirectory("sluice-rw-handler");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private EmbeddedChannel channel() {
    EmbeddedChannel ch =
        new EmbeddedChannel(new BoundedAggregator(MAX_BODY, (req, resp) -> {}), handler);
    channels.add(ch);
    return ch;
  }

  private static RemoteWrite.TimeSeries series(long t, double v, String... labels) {
    RemoteWrite.TimeSeries.Builder b = RemoteWrite.TimeSeries.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      b.addLabels(RemoteWrite.Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
    }
    return b.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(v)).build();
  }

  private static byte[] v1(RemoteWrite.TimeSeries... series) throws Exception {
    RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
    for (RemoteWrite.TimeSeries s : series) {
      b.addTimeseries(s);
    }
    return Snappy.compress(b.build().toByteArray());
  }

  /** A remote-write 2.0 POST of {@code req}, snappy-compressed, with 2.0's headers. */
  private static FullHttpRequest postV2(RemoteWriteV2.Request req) throws IOException {
    return post(
        Snappy.compress(req.toByteArray()),
        "Content-Type",
        V2_TYPE,
        "X-Prometheus-Remote-Write-Version",
        "2.0.0");
  }

  private static FullHttpRequest post(byte[] body, String... headers) {
    FullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/receive", Unpooled.wrappedBuffer(body));
    r.headers()
        .set(HttpHeaderNames.CONTENT_ENCODING, "snappy")
        .set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf")
        .set("X-Prometheus-Remote-Write-Version", "0.1.0");
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().set(headers[i], headers[i + 1]);
    }
    HttpUtil.setContentLength(r, body.length);
    return r;
  }

  private FullHttpResponse send(EmbeddedChannel ch, Object... msgs) {
    ch.writeInbound(msgs);
    FullHttpResponse r = ch.readOutbound();
    assertThat(r).as("a response").isNotNull();
    return r;
  }

  private FullHttpResponse send(FullHttpRequest req) {
    return send(channel(), req);
  }

  private static String body(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  /** The samples stored for the series with exactly these labels, as (t, value) pairs. */
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

  @Test
  void acceptsRemoteWrite1AndStoresTheSamples() throws Exception {
    FullHttpResponse r =
        send(
            post(
                v1(
                    series(NOW, 1.5, "__name__", "up", "job", "node"),
                    series(NOW, 2, "__name__", "up", "job", "x"))));
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(body(r)).isEmpty();
    assertThat(stored("default-tenant", "__name__", "up", "job", "node"))
        .containsExactly(new double[] {NOW, 1.5});
    assertThat(tsdbs.get("default-tenant").head().numSeries()).isEqualTo(2);
  }

  @Test
  void appliesTheTenantsDecodedSizeSeriesAndSamplesLimitsWith413AndStoresNothing()
      throws Exception {
    // Default: 2 series, 3 samples; "small": decoded bodies of at most 150 bytes.
    WriteLimiter limiter =
        new WriteLimiter(
            new LimitsConfig(
                0, new TenantLimits(0, 2, 3, 0), Map.of("small", new TenantLimits(150, 0, 0, 0))),
            null,
            new WriteLimiter.Listener() {
              @Override
              public void limitHit(String tenant, LimitRejection limit, long excess) {}

              @Override
              public void headSeriesLimited(String tenant) {}
            });
    RemoteWriteHandler limited = handler(new LocalWriter(tsdbs), "", limiter, null);
    EmbeddedChannel ch =
        new EmbeddedChannel(new BoundedAggregator(MAX_BODY, (req, resp) -> {}), limited);
    channels.add(ch);
    RemoteWrite.TimeSeries a = series(NOW, 1, "__name__", "a");
    RemoteWrite.TimeSeries b = series(NOW, 1, "__name__", "b");
    RemoteWrite.TimeSeries c = series(NOW, 1, "__name__", "c");

    FullHttpResponse r = send(ch, post(v1(a, b, c)));
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(body(r)).isEqualTo("too many timeseries\n");
    RemoteWrite.TimeSeries fourSamples =
        a.toBuilder()
            .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(NOW + 1).setValue(2))
            .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(NOW + 2).setValue(3))
            .build();
    r = send(ch, post(v1(fourSamples, b)));
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(body(r)).isEqualTo("too many samples\n");
    assertThat(tsdbs.get("default-tenant")).isNull();

    // Within the limits: stored.
    assertThat(send(ch, post(v1(a, b))).status().code()).isEqualTo(200);

    // Compressed well under 150 bytes, decoded over it.
    String longValue = "x".repeat(300);
    byte[] body = v1(series(NOW, 1, "__name__", "a", "v", longValue));
    assertThat(body.length).isLessThan(100);
    r = send(ch, post(body, "THANOS-TENANT", "small"));
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(body(r)).isEqualTo("write request too large\n");
    assertThat(tsdbs.get("small")).isNull();
    // "small" has no series limit.
    assertThat(send(ch, post(v1(a, b, c), "THANOS-TENANT", "small")).status().code())
        .isEqualTo(200);
  }

  @Test
  void remoteWrite2HistogramsAreStoredAndCountedInTheWrittenHeader() throws Exception {
    RemoteWriteV2.Histogram.Builder h =
        RemoteWriteV2.Histogram.newBuilder().setCountInt(2).setZeroCountInt(2).setSum(0.5);
    RemoteWriteV2.Request req =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "__name__", "lat"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2))
                    .addHistograms(h.clone().setTimestamp(NOW))
                    .addHistograms(h.clone().setTimestamp(NOW + 15_000)))
            .build();
    FullHttpResponse r = send(postV2(req));
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Samples-Written")).isEqualTo("0");
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Histograms-Written")).isEqualTo("2");
    r.release();
    try (Querier q = tsdbs.get("default-tenant").head().querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      assertThat(set.hasNext()).isTrue();
      assertThat(set.next().chunks()).extracting(ChunkMeta::encoding).containsExactly((byte) 2);
    }
  }

  @Test
  void acceptsRemoteWrite2WithWrittenHeaders() throws Exception {
    RemoteWriteV2.Request req =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "__name__", "up", "job", "node"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2, 3, 4))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(NOW).setValue(7))
                    .addSamples(
                        RemoteWriteV2.Sample.newBuilder().setTimestamp(NOW + 15_000).setValue(8)))
            .build();
    FullHttpResponse r = send(postV2(req));
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Samples-Written")).isEqualTo("2");
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Histograms-Written")).isEqualTo("0");
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Exemplars-Written")).isEqualTo("0");
    r.release();
    assertThat(stored("default-tenant", "__name__", "up", "job", "node"))
        .containsExactly(new double[] {NOW, 7}, new double[] {NOW + 15_000, 8});
  }

  @Test
  void aWriteRefusedForMemoryIs503WithRetryAfterAndOtherUnavailableWritesAreNot() throws Exception {
    for (String message :
        List.of(MemoryAdmissionWriter.NEW_SERIES_REFUSED, "2 of 3 replicas unavailable")) {
      RemoteWriteHandler refusing =
          handler(
              (request, outcome) -> outcome.error(ErrorKind.UNAVAILABLE, message), "", null, null);
      EmbeddedChannel ch =
          new EmbeddedChannel(new BoundedAggregator(MAX_BODY, (req, resp) -> {}), refusing);
      channels.add(ch);
      FullHttpResponse r = send(ch, post(v1(series(NOW, 1, "__name__", "up"))));
      assertThat(r.status().code()).isEqualTo(503);
      assertThat(r.headers().get("Retry-After"))
          .as(message)
          .isEqualTo(message.startsWith("memory") ? "5" : null);
      assertThat(body(r)).isEqualTo(message + "\n");
    }
  }

  @Test
  void splitsSeriesIntoTenantsByTheSplitLabelAndRemovesIt() throws Exception {
    RemoteWriteHandler split = handler(new LocalWriter(tsdbs), "tenant", null, null);
    EmbeddedChannel ch =
        new EmbeddedChannel(new BoundedAggregator(MAX_BODY, (req, resp) -> {}), split);
    channels.add(ch);
    FullHttpResponse r =
        send(
            ch,
            post(
                v1(
                    series(NOW, 1, "__name__", "a", "tenant", "team-a"),
                    series(NOW, 2, "__name__", "a", "tenant", "team-b"),
                    series(NOW, 3, "__name__", "a", "job", "x")),
                "THANOS-TENANT",
                "header-tenant"));
    assertThat(r.status().code()).as(body(r)).isEqualTo(200);
    assertThat(stored("team-a", "__name__", "a")).containsExactly(new double[] {NOW, 1});
    assertThat(stored("team-b", "__name__", "a")).containsExactly(new double[] {NOW, 2});
    assertThat(stored("header-tenant", "__name__", "a", "job", "x"))
        .containsExactly(new double[] {NOW, 3});

    FullHttpResponse bad =
        send(ch, post(v1(series(NOW, 1, "__name__", "a", "tenant", "../escape"))));
    assertThat(bad.status().code()).isEqualTo(400);
    bad.release();
    assertThat(tsdbs.get("../escape")).isNull();
    // A series left with no label once the split label is removed is an invalid label set.
    FullHttpResponse empty = send(ch, post(v1(series(NOW, 1, "tenant", "team-a"))));
    assertThat(empty.status().code()).isEqualTo(409);
    empty.release();
  }

  private EmbeddedChannel relabelling(String rules, String splitLabel) throws Exception {
    RemoteWriteHandler h =
        handler(
            new LocalWriter(tsdbs),
            splitLabel,
            null,
            new Relabeller(RelabelConfigs.parse(rules).configs()));
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedAggregator(MAX_BODY, (req, resp) -> {}), h);
    channels.add(ch);
    return ch;
  }

  private static final String RULES =
      """
      - {source_labels: [__name__], regex: "drop_.*", action: drop}
      - {source_labels: [job], target_label: service}
      - {regex: job, action: labeldrop}
      """;

  @Test
  void relabelsSeriesBeforeStoringThemAndLeavesDroppedOnesOut() throws Exception {
    EmbeddedChannel ch = relabelling(RULES, "");
    FullHttpResponse r =
        send(
            ch,
            post(
                v1(
                    series(NOW, 1, "__name__", "up", "job", "node"),
                    series(NOW, 2, "__name__", "drop_me", "job", "node"),
                    series(NOW, 3, "__name__", "plain"))));
    assertThat(r.status().code()).as(body(r)).isEqualTo(200);
    assertThat(stored("default-tenant", "__name__", "up", "service", "node"))
        .containsExactly(new double[] {NOW, 1});
    assertThat(stored("default-tenant", "__name__", "plain"))
        .containsExactly(new double[] {NOW, 3});
    assertThat(stored("default-tenant", "__name__", "up", "job", "node")).isEmpty();
    assertThat(tsdbs.get("default-tenant").head().numSeries())
        .as("drop_me not stored")
        .isEqualTo(2);
  }

  @Test
  void aRequestRelabellingDropsEntirelyIs200WithNothingWritten() throws Exception {
    EmbeddedChannel ch = relabelling(RULES, "");
    RemoteWriteV2.Request req =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "__name__", "drop_a", "drop_b"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(NOW).setValue(1)))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 3))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(NOW).setValue(2)))
            .build();
    FullHttpResponse r = send(ch, postV2(req));
    assertThat(r.status().code()).isEqualTo(200);
    // As Thanos: the counts are the request's.
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Samples-Written")).isEqualTo("2");
    r.release();
    assertThat(tsdbs.get("default-tenant")).isNull();
  }

  @Test
  void remoteWrite2SeriesAreRelabelledToo() throws Exception {
    EmbeddedChannel ch = relabelling(RULES, "");
    RemoteWriteV2.Request req =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "__name__", "up", "job", "api"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2, 3, 4))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(NOW).setValue(5)))
            .build();
    FullHttpResponse r = send(ch, postV2(req));
    assertThat(r.status().code()).isEqualTo(200);
    r.release();
    assertThat(stored("default-tenant", "__name__", "up", "service", "api"))
        .containsExactly(new double[] {NOW, 5});
  }

  @Test
  void aSeriesRelabelledToNoLabelsIsAnInvalidLabelSetAsInThanos() throws Exception {
    EmbeddedChannel ch = relabelling("- {regex: nothing, action: labelkeep}", "");
    FullHttpResponse r = send(ch, post(v1(series(NOW, 1, "__name__", "up"))));
    assertThat(r.status().code()).isEqualTo(409);
    assertThat(body(r)).contains("label set contains a label with empty name or value");
  }

  @Test
  void theSplitTenantLabelIsTakenFromTheRelabelledLabels() throws Exception {
    EmbeddedChannel ch =
        relabelling(
            "- {source_labels: [team], regex: '(.+)', target_label: tenant, replacement: team-$1}",
            "tenant");
    FullHttpResponse r =
        send(
            ch,
            post(
                v1(series(NOW, 1, "__name__", "a", "team", "x"), series(NOW, 2, "__name__", "b"))));
    assertThat(r.status().code()).as(body(r)).isEqualTo(200);
    assertThat(stored("team-x", "__name__", "a", "team", "x"))
        .containsExactly(new double[] {NOW, 1});
    assertThat(stored("default-tenant", "__name__", "b")).containsExactly(new double[] {NOW, 2});
  }

  @Test
  void storesEachTenantSeparately() throws Exception {
    assertThat(
            send(post(v1(series(NOW, 1, "__name__", "a")), "THANOS-TENANT", "team-a"))
                .status()
                .code())
        .isEqualTo(200);
    assertThat(stored("team-a", "__name__", "a")).hasSize(1);
    assertThat(stored("default-tenant", "__name__", "a")).isEmpty();
  }

  @Test
  void rejectsTenantsThatCouldEscapeTheDataDirectoryWith400() throws Exception {
    for (String tenant : List.of("../x", "..", ".", "a/b", "/etc")) {
      FullHttpResponse r = send(post(v1(series(NOW, 1, "__name__", "a")), "THANOS-TENANT", tenant));
      assertThat(r.status().code()).as(tenant).isEqualTo(400);
      assertThat(body(r)).contains("tenant name not valid");
    }
    assertThat(tsdbs.tenants()).isEmpty();
  }

  @Test
  void rejectsABodyOverTheLimitWith413BeforeReadingIt() {
    EmbeddedChannel ch = channel();
    HttpRequest head =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/receive");
    HttpUtil.setContentLength(head, MAX_BODY + 1L);
    FullHttpResponse r = send(ch, head);
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(body(r)).contains("write request too large");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void rejectsAChunkedBodyThatCrossesTheLimitWith413() {
    EmbeddedChannel ch = channel();
    HttpRequest head =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/receive");
    HttpUtil.setTransferEncodingChunked(head, true);
    ch.writeInbound(head);
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[MAX_BODY / 2])));
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[MAX_BODY / 2 + 10])));
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(413);
    r.release();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void rejectsASnappyBodyDeclaringTooLargeADecodedSizeWith413() {
    // uvarint 0xFFFFFFFF (4 GiB - 1) followed by a literal tag: six bytes.
    byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x00};
    FullHttpResponse r = send(post(bomb));
    assertThat(r.status().code()).isEqualTo(413);
    r.release();
  }

  @Test
  void rejectsCorruptSnappyWith400() {
    FullHttpResponse r = send(post("this is not snappy at all".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.status().code()).isEqualTo(400);
    assertThat(body(r)).contains("snappy");
  }

  @Test
  void rejectsGarbageAndTruncatedProtobufWith400() throws Exception {
    FullHttpResponse r = send(post(Snappy.compress(new byte[] {0x0a, 0x7f, 0x01, 0x02})));
    assertThat(r.status().code()).isEqualTo(400);
    r.release();
    byte[] whole =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(series(NOW, 1, "__name__", "a"))
            .build()
            .toByteArray();
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);
    r = send(post(Snappy.compress(cut)));
    assertThat(r.status().code()).isEqualTo(400);
    r.release();
  }

  @Test
  void rejectsVersion2WithAnUnknownOrMissingContentTypeWith400() throws Exception {
    byte[] body = v1(series(NOW, 1, "__name__", "a"));
    FullHttpResponse r =
        send(
            post(
                body,
                "X-Prometheus-Remote-Write-Version",
                "2.0.0",
                "Content-Type",
                "application/json"));
    assertThat(r.status().code()).isEqualTo(400);
    r.release();
    FullHttpRequest noType = post(body, "X-Prometheus-Remote-Write-Version", "2.0.0");
    noType.headers().remove(HttpHeaderNames.CONTENT_TYPE);
    r = send(noType);
    assertThat(r.status().code()).isEqualTo(400);
    r.release();
  }

  @Test
  void rejectsAnUnparsableReplicaHeaderWith400() throws Exception {
    FullHttpResponse r = send(post(v1(series(NOW, 1, "__name__", "a")), "THANOS-REPLICA", "one"));
    assertThat(r.status().code()).isEqualTo(400);
    assertThat(body(r)).contains("replica");
  }

  @Test
  void answersEmptyAndMetadataOnlyRequestsWith200() throws Exception {
    FullHttpResponse r = send(post(Snappy.compress(new byte[0])));
    assertThat(r.status().code()).isEqualTo(200);
    r.release();
    byte[] meta =
        RemoteWrite.WriteRequest.newBuilder()
            .addMetadata(
                RemoteWrite.MetricMetadata.newBuilder()
                    .setMetricFamilyName("up")
                    .setHelp("whether up")
                    .setType(RemoteWrite.MetricMetadata.MetricType.GAUGE))
            .build()
            .toByteArray();
    r = send(post(Snappy.compress(meta)));
    assertThat(r.status().code()).isEqualTo(200);
    r.release();
    assertThat(tsdbs.tenants()).isEmpty();
  }

  @Test
  void rejectsInvalidLabelSetsWith409AndStoresTheValidRest() throws Exception {
    FullHttpResponse r =
        send(
            post(
                v1(
                    series(NOW, 1, "job", "x", "__name__", "unsorted"),
                    series(NOW, 1, "__name__", "dup", "a", "1", "a", "2"),
                    series(NOW, 1, "__name__", "empty", "a", ""),
                    series(NOW, 3, "__name__", "good"))));
    assertThat(r.status().code()).isEqualTo(409);
    assertThat(body(r))
        .contains("3 errors")
        .contains("out of order labels")
        .contains("duplicate")
        .contains("empty");
    assertThat(stored("default-tenant", "__name__", "good")).containsExactly(new double[] {NOW, 3});
    assertThat(tsdbs.get("default-tenant").head().numSeries()).isEqualTo(1);
  }

  @Test
  void rejectsSampleConflictsWith409AndStoresTheValidRest() throws Exception {
    assertThat(send(post(v1(series(NOW, 1, "__name__", "a")))).status().code()).isEqualTo(200);
    FullHttpResponse r =
        send(
            post(
                v1(
                    series(NOW - 1000, 0, "__name__", "a"),
                    series(NOW, 2, "__name__", "a"),
                    series(NOW + 1000, 5, "__name__", "b"))));
    assertThat(r.status().code()).isEqualTo(409);
    assertThat(body(r))
        .isEqualTo(
            "2 errors: add 1 samples: duplicate sample for timestamp; add 1 samples: out of order"
                + " sample\n");
    assertThat(stored("default-tenant", "__name__", "a")).containsExactly(new double[] {NOW, 1});
    assertThat(stored("default-tenant", "__name__", "b"))
        .containsExactly(new double[] {NOW + 1000, 5});
  }

  @Test
  void acceptsTheSameSampleTwice() throws Exception {
    byte[] body = v1(series(NOW, 1, "__name__", "a"));
    assertThat(send(post(body)).status().code()).isEqualTo(200);
    assertThat(send(post(body)).status().code()).isEqualTo(200);
    assertThat(stored("default-tenant", "__name__", "a")).hasSize(1);
  }

  @Test
  void rejectsSamplesTooFarInTheFutureWith409() throws Exception {
    FullHttpResponse r = send(post(v1(series(NOW + 3_600_000, 1, "__name__", "a"))));
    assertThat(r.status().code()).isEqualTo(409);
    assertThat(body(r)).contains("out of bounds");
  }

  @Test
  void keepsTheStaleMarkerBitExact() throws Exception {
    long stale = 0x7ff0000000000002L;
    RemoteWrite.TimeSeries s =
        RemoteWrite.TimeSeries.newBuilder()
            .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("a"))
            .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(NOW).setValue(1))
            .addSamples(
                RemoteWrite.Sample.newBuilder()
                    .setTimestamp(NOW + 1)
                    .setValue(Double.longBitsToDouble(stale)))
            .build();
    byte[] raw = RemoteWrite.WriteRequest.newBuilder().addTimeseries(s).build().toByteArray();
    assertThat(send(post(Snappy.compress(raw))).status().code()).isEqualTo(200);
    try (Querier q = tsdbs.get("default-tenant").head().querier()) {
      SeriesSet set =
          q.select(
              Long.MIN_VALUE,
              Long.MAX_VALUE,
              List.of(new Matcher(Matcher.Type.EQ, "__name__", "a")));
      assertThat(set.hasNext()).isTrue();
      var it = set.next().samples();
      assertThat(it.next()).isTrue();
      assertThat(it.next()).isTrue();
      assertThat(it.valueBits()).isEqualTo(stale);
    }
  }

  @Test
  void answersWrongMethodAndPathWithClear4xx() {
    FullHttpRequest get =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/receive");
    FullHttpResponse r = send(get);
    assertThat(r.status().code()).isEqualTo(405);
    assertThat(r.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("POST");
    r.release();
    FullHttpRequest other =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/write");
    r = send(other);
    assertThat(r.status().code()).isEqualTo(404);
    r.release();
  }

  @Test
  void staysHealthyAfterBadInputAndCountsEveryRequest() throws Exception {
    send(post("garbage".getBytes(StandardCharsets.UTF_8))).release();
    send(post(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x00}))
        .release();
    FullHttpResponse ok = send(post(v1(series(NOW, 1, "__name__", "after"))));
    assertThat(ok.status().code()).isEqualTo(200);
    ok.release();
    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains(
            "http_requests_total{code=\"400\",handler=\"receive\",method=\"post\",tenant=\"default-tenant\"} 1")
        .contains(
            "http_requests_total{code=\"413\",handler=\"receive\",method=\"post\",tenant=\"default-tenant\"} 1")
        .contains(
            "http_requests_total{code=\"200\",handler=\"receive\",method=\"post\",tenant=\"default-tenant\"} 1")
        .contains("thanos_receive_write_timeseries_count{code=\"200\",tenant=\"default-tenant\"} 1")
        .contains("prometheus_tsdb_head_series{tenant=\"default-tenant\"} 1");
  }
}
