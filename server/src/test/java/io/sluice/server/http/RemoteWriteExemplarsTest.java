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
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.server.metrics.ReceiveMetrics;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Remote write 2.0 exemplars through the endpoint: stored, counted in the written header. */
class RemoteWriteExemplarsTest {
  private static final long NOW = 1_700_000_000_000L;

  @TempDir Path root;
  private MultiTsdb tsdbs;
  private EmbeddedChannel ch;

  @BeforeEach
  void open() {
    ReceiveMetrics metrics = new ReceiveMetrics();
    tsdbs =
        new MultiTsdb(
            root,
            prefix ->
                TsdbOptions.defaults(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(NOW)))
                        .withMaxExemplars(10)),
            t -> {});
    RemoteWriteHandler handler =
        new RemoteWriteHandler(
            new LocalWriter(tsdbs),
            Runnable::run,
            metrics,
            () -> true,
            "THANOS-TENANT",
            "default-tenant",
            1 << 20,
            "",
            null,
            null);
    ch = new EmbeddedChannel(new BoundedAggregator(1 << 16, (req, resp) -> {}), handler);
  }

  @AfterEach
  void close() throws Exception {
    ch.finishAndReleaseAll();
    tsdbs.close();
  }

  /** One series "up" with a sample at {@code t} and exemplars {trace_id=id} at the given times. */
  private FullHttpResponse post(long t, long... exemplarTimes) throws Exception {
    RemoteWriteV2.TimeSeries.Builder s =
        RemoteWriteV2.TimeSeries.newBuilder()
            .addAllLabelsRefs(List.of(1, 2))
            .addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(t).setValue(1));
    for (long et : exemplarTimes) {
      s.addExemplars(
          RemoteWriteV2.Exemplar.newBuilder()
              .addAllLabelsRefs(List.of(3, 4))
              .setValue(0.5)
              .setTimestamp(et));
    }
    byte[] body =
        Snappy.compress(
            RemoteWriteV2.Request.newBuilder()
                .addAllSymbols(List.of("", "__name__", "up", "trace_id", "abc"))
                .addTimeseries(s)
                .build()
                .toByteArray());
    FullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/receive", Unpooled.wrappedBuffer(body));
    r.headers()
        .set(HttpHeaderNames.CONTENT_ENCODING, "snappy")
        .set(
            HttpHeaderNames.CONTENT_TYPE,
            "application/x-protobuf;proto=io.prometheus.write.v2.Request")
        .set("X-Prometheus-Remote-Write-Version", "2.0.0");
    HttpUtil.setContentLength(r, body.length);
    ch.writeInbound(r);
    FullHttpResponse resp = ch.readOutbound();
    assertThat(resp).isNotNull();
    return resp;
  }

  private int stored() {
    return tsdbs.get("default-tenant").head().exemplars().size();
  }

  @Test
  void exemplarsWrittenIsTheNumberOfExemplarsTaken() throws Exception {
    FullHttpResponse r = post(NOW, NOW);
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Samples-Written")).isEqualTo("1");
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Exemplars-Written")).isEqualTo("1");
    r.release();
    assertThat(stored()).isOne();

    // One new exemplar, one older than the series' newest: 409, one written.
    r = post(NOW + 1000, NOW + 1000, NOW - 1);
    assertThat(r.status().code()).isEqualTo(409);
    assertThat(r.content().toString(StandardCharsets.UTF_8))
        .isEqualTo("add 1 exemplars: out of order exemplar\n");
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Samples-Written")).isEqualTo("1");
    assertThat(r.headers().get("X-Prometheus-Remote-Write-Exemplars-Written")).isEqualTo("1");
    r.release();
    assertThat(stored()).isEqualTo(2);
  }
}
