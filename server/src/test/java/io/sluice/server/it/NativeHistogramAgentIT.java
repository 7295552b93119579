// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.sun.net.httpserver.HttpServer;
import io.sluice.receiver.proto.thanos.StoreTypes.AggrChunk;
import io.sluice.receiver.proto.thanos.StoreTypes.Chunk;
import io.sluice.receiver.proto.thanos.StoreTypes.Series;
import io.sluice.server.Receiver;
import io.sluice.tsdb.chunkenc.FloatHistogramChunk;
import io.sluice.tsdb.chunkenc.FloatHistogramIterator;
import io.sluice.tsdb.chunkenc.HistogramChunk;
import io.sluice.tsdb.chunkenc.HistogramIterator;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import io.sluice.tsdb.testing.PrometheusTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native histograms end to end: Debian's Prometheus 2.42 agent, with native histograms on, scrapes
 * a target that exposes an integer and a float gauge native histogram in the protobuf exposition
 * format and remote-writes them ({@code send_native_histograms: true}) to Sluice; the StoreAPI then
 * returns them as HISTOGRAM and FLOAT_HISTOGRAM chunks that decode to exactly the values the target
 * served.
 */
class NativeHistogramAgentIT {
  private static final String PROTOBUF =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

  @TempDir Path dir;

  // client_model metrics.proto (as vendored by Prometheus 2.42): MetricFamily 1 name, 3 type
  // (HISTOGRAM 4, GAUGE_HISTOGRAM 5), 4 metric; Metric 7 histogram; Histogram 1 sample_count,
  // 4 sample_count_float, 2 sample_sum, 5 schema (sint32), 6 zero_threshold, 7 zero_count,
  // 8 zero_count_float, 9/12 negative/positive spans, 10/13 deltas (sint64), 11/14 counts;
  // BucketSpan 1 offset (sint32), 2 length.
  private static byte[] exposition(long n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeDelimited(
        out,
        family(
            "it_latency_seconds",
            4,
            message(
                h -> {
                  h.writeUInt64(1, 3 * n);
                  h.writeDouble(2, 1.25 * n);
                  h.writeSInt32(5, 1);
                  h.writeDouble(6, 0.001);
                  h.writeUInt64(7, n);
                  h.writeByteArray(12, span(-1, 2));
                  h.writeByteArray(13, packedSInt64(n, 0));
                })));
    writeDelimited(
        out,
        family(
            "it_queue_size",
            5,
            message(
                h -> {
                  h.writeDouble(4, 0.5 * n + 1);
                  h.writeDouble(2, -0.25 * n);
                  h.writeSInt32(5, 0);
                  h.writeDouble(6, 0.001);
                  h.writeDouble(8, 1);
                  h.writeByteArray(9, span(2, 1));
                  h.writeByteArray(11, packedDouble(0.5 * n));
                })));
    return out.toByteArray();
  }

  interface Body {
    void write(CodedOutputStream o) throws IOException;
  }

  private static byte[] message(Body b) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(bos);
    b.write(o);
    o.flush();
    return bos.toByteArray();
  }

  private static byte[] family(String name, int type, byte[] histogram) throws IOException {
    byte[] metric = message(m -> m.writeByteArray(7, histogram));
    return message(
        f -> {
          f.writeString(1, name);
          f.writeEnum(3, type);
          f.writeByteArray(4, metric);
        });
  }

  private static byte[] span(int offset, int length) throws IOException {
    return message(
        s -> {
          s.writeSInt32(1, offset);
          s.writeUInt32(2, length);
        });
  }

  private static byte[] packedSInt64(long... v) throws IOException {
    return message(
        o -> {
          for (long x : v) {
            o.writeSInt64NoTag(x);
          }
        });
  }

  private static byte[] packedDouble(double... v) throws IOException {
    return message(
        o -> {
          for (double x : v) {
            o.writeDoubleNoTag(x);
          }
        });
  }

  private static void writeDelimited(OutputStream out, byte[] msg) throws IOException {
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    o.writeUInt32NoTag(msg.length);
    o.writeRawBytes(msg);
    o.flush();
  }

  private static List<AggrChunk> chunks(StoreClient c, String name) {
    List<AggrChunk> out = new ArrayList<>();
    for (Series s :
        StoreClient.frames(c.series(StoreClient.request(StoreClient.eq("__name__", name))))) {
      out.addAll(s.getChunksList());
    }
    return out;
  }

  private static List<Histogram> intHistograms(List<AggrChunk> chunks) {
    List<Histogram> out = new ArrayList<>();
    for (AggrChunk a : chunks) {
      assertThat(a.getRaw().getType()).isEqualTo(Chunk.Encoding.HISTOGRAM);
      byte[] d = a.getRaw().getData().toByteArray();
      HistogramIterator it = HistogramChunk.iterator(d, 0, d.length);
      while (it.next()) {
        out.add(it.histogram());
      }
    }
    return out;
  }

  private static List<FloatHistogram> floatHistograms(List<AggrChunk> chunks) {
    List<FloatHistogram> out = new ArrayList<>();
    for (AggrChunk a : chunks) {
      assertThat(a.getRaw().getType()).isEqualTo(Chunk.Encoding.FLOAT_HISTOGRAM);
      byte[] d = a.getRaw().getData().toByteArray();
      FloatHistogramIterator it = FloatHistogramChunk.iterator(d, 0, d.length);
      while (it.next()) {
        out.add(it.floatHistogram());
      }
    }
    return out;
  }

  @Test
  void agentScrapesNativeHistogramsAndTheStoreApiReturnsThemExactly() throws Exception {
    Path prometheus = PrometheusTools.require("prometheus");
    AtomicLong scrapes = new AtomicLong();
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/metrics",
        ex -> {
          byte[] body = exposition(scrapes.incrementAndGet());
          ex.getResponseHeaders().set("Content-Type", PROTOBUF);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
          }
        });
    target.start();
    try (Receiver receiver =
        Receiver.start(ItFixtures.config(dir.resolve("data")), InstantSource.system())) {
      Path cfg = dir.resolve("agent.yml");
      Files.writeString(
          cfg,
          """
          global:
            scrape_interval: 1s
          scrape_configs:
            - job_name: hist
              static_configs: [{targets: ['127.0.0.1:%d']}]
          remote_write:
            - url: http://127.0.0.1:%d/api/v1/receive
              send_native_histograms: true
              queue_config: {batch_send_deadline: 1s, min_backoff: 30ms, max_backoff: 1s}
          """
              .formatted(target.getAddress().getPort(), receiver.remoteWriteAddress().getPort()));
      try (ExternalProcess agent =
              ExternalProcess.start(
                  List.of(
                      prometheus.toString(),
                      "--enable-feature=agent,native-histograms",
                      "--config.file=" + cfg,
                      "--storage.agent.path=" + dir.resolve("agent-data"),
                      "--web.listen-address=127.0.0.1:" + ItFixtures.freePort()),
                  dir.resolve("agent.log"));
          StoreClient c = new StoreClient(receiver.grpcAddress())) {
        List<Histogram> ints = List.of();
        List<FloatHistogram> floats = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
          ints = intHistograms(chunks(c, "it_latency_seconds"));
          floats = floatHistograms(chunks(c, "it_queue_size"));
          if (ints.size() >= 3 && floats.size() >= 3) {
            break;
          }
          assertThat(agent.alive()).as(agent.output()).isTrue();
          Thread.sleep(200);
        }
        assertThat(ints).as(agent.output()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(floats).as(agent.output()).hasSizeGreaterThanOrEqualTo(3);
        long last = 0;
        for (Histogram h : ints) {
          long n = h.count() / 3;
          assertThat(n).isGreaterThan(last);
          last = n;
          assertThat(h.count()).isEqualTo(3 * n);
          assertThat(h.sum()).isEqualTo(1.25 * n);
          assertThat(h.schema()).isEqualTo(1);
          assertThat(h.zeroThreshold()).isEqualTo(0.001);
          assertThat(h.zeroCount()).isEqualTo(n);
          assertThat(h.positiveSpans()).containsExactly(new HistogramSpan(-1, 2));
          assertThat(h.positiveBuckets()).containsExactly(n, 0);
          assertThat(h.negativeSpans()).isEmpty();
        }
        double lastF = 0;
        for (FloatHistogram h : floats) {
          double n = (h.count() - 1) / 0.5;
          assertThat(n).isGreaterThan(lastF).isEqualTo(Math.rint(n));
          lastF = n;
          assertThat(h.counterResetHint()).isEqualTo((byte) 3);
          assertThat(h.sum()).isEqualTo(-0.25 * n);
          assertThat(h.zeroCount()).isEqualTo(1.0);
          assertThat(h.negativeSpans()).containsExactly(new HistogramSpan(2, 1));
          assertThat(h.negativeBuckets()).containsExactly(0.5 * n);
          assertThat(h.positiveSpans()).isEmpty();
        }
      }
    } finally {
      target.stop(0);
    }
  }
}
