// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.server.Receiver;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.block.BlockDirs;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockMetaFormat;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.testing.PrometheusTools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * End to end with short blocks ({@code --tsdb.min-block-duration=5s}): samples remote-written to
 * Sluice are cut into blocks by the head compaction loop and by the flush at shutdown, and
 * Prometheus 2.42 accepts those blocks: {@code promtool tsdb analyze --extended} exits 0 for each,
 * {@code promtool tsdb dump} of the tenant directory prints exactly the samples Sluice accepted,
 * and a Prometheus server on a copy answers PromQL with the written values.
 */
class BlocksEndToEndIT {
  private static final long BLOCK = 5_000;

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static List<Path> blockDirs(Path tenant) throws Exception {
    if (!Files.isDirectory(tenant)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(tenant)) {
      return s.filter(p -> BlockDirs.isBlockDirName(p.getFileName().toString())).sorted().toList();
    }
  }

  /** Every sample of a tenant directory read by Sluice (blocks and WAL): "labels t bits". */
  private static List<String> readBack(Path tenant) throws Exception {
    List<String> out = new ArrayList<>();
    try (Tsdb db =
            Tsdb.open(tenant, TsdbOptions.defaults(HeadOptions.defaults(InstantSource.system())));
        Querier q = db.querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        SampleIterator it = s.samples();
        while (it.next()) {
          out.add(s.labels().toString() + " " + it.timestamp() + " " + canonical(it.valueBits()));
        }
      }
    }
    return out;
  }

  /** promtool dump lines ({labels} %g-value ms) as "labels t bits". */
  private static List<String> dump(Path workDir, String data) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : PrometheusTools.promtool(workDir, "tsdb", "dump", data).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int close = line.lastIndexOf('}');
      String[] rest = line.substring(close + 2).split(" ");
      double v =
          switch (rest[0]) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(rest[0]);
          };
      out.add(
          line.substring(0, close + 1)
              + " "
              + rest[1]
              + " "
              + canonical(Double.doubleToRawLongBits(v)));
    }
    return out;
  }

  // promtool prints every NaN as "NaN": compare NaNs as one value.
  private static String canonical(long bits) {
    return Long.toHexString(Double.doubleToLongBits(Double.longBitsToDouble(bits)));
  }

  private void checkBlocks(Path tenant, List<String> accepted) throws Exception {
    List<Path> blocks = blockDirs(tenant);
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
    long inBlocks = 0;
    for (Path b : blocks) {
      BlockMeta meta = BlockMetaFormat.read(b);
      assertThat(meta.compaction().level()).isEqualTo(1);
      inBlocks += meta.stats().numSamples();
      String analyze =
          PrometheusTools.promtool(
              tenant.getParent(),
              "tsdb",
              "analyze",
              "--extended",
              tenant.getFileName().toString(),
              b.getFileName().toString());
      assertThat(analyze).contains("Series: " + meta.stats().numSeries());
    }
    assertThat(inBlocks).isPositive().isLessThanOrEqualTo(accepted.size());
    // The tenant directory has a wal/: dump reads blocks and WAL, as a Prometheus restart would.
    assertThat(dump(tenant.getParent(), tenant.getFileName().toString()))
        .containsExactlyElementsOf(accepted);
  }

  @Test
  void knownWritesComeBackExactlyFromBlocksThroughPromtoolAndPrometheus() throws Exception {
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    // A minute ahead of the clock: the compaction loop also cuts a head whose oldest sample is more
    // than 1.5 block durations old by the clock, and a cut in the middle of these in-order writes
    // would make the next ones out of bounds (409); ahead of the clock, only the head's span cuts
    // blocks, behind the newest sample.
    long base = System.currentTimeMillis() / BLOCK * BLOCK + 60_000;
    List<String> written = new ArrayList<>();
    try (ExternalProcess sluice =
        ItFixtures.startSluice(
            data,
            rw,
            web,
            dir.resolve("sluice.log"),
            "--tsdb.min-block-duration=5s",
            "--tsdb.max-block-duration=5s")) {
      for (int k = 0; k < 60; k++) {
        long t = base + k * 1000L + 7;
        RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
        for (int s = 0; s < 30; s++) {
          req.addTimeseries(
              RemoteWrite.TimeSeries.newBuilder()
                  .addLabels(label("__name__", s % 2 == 0 ? "e2e_gauge" : "e2e_counter"))
                  .addLabels(label("room", s % 3 == 0 ? "über" : "r" + s))
                  .addLabels(label("s", Integer.toString(s)))
                  .addSamples(
                      RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(k * 0.5 + s)));
          written.add(
              Labels.of(
                      "__name__",
                      s % 2 == 0 ? "e2e_gauge" : "e2e_counter",
                      "room",
                      s % 3 == 0 ? "über" : "r" + s,
                      "s",
                      Integer.toString(s))
                  + " "
                  + t
                  + " "
                  + canonical(bits(k * 0.5 + s)));
        }
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rw + "/api/v1/receive"))
                    .header("Content-Encoding", "snappy")
                    .header("Content-Type", "application/x-protobuf")
                    .POST(
                        HttpRequest.BodyPublishers.ofByteArray(
                            Snappy.compress(req.build().toByteArray())))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      // The compaction loop runs every 5 s and cuts what is more than 7.5 s behind the newest.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (blockDirs(tenant).size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(blockDirs(tenant)).as(sluice.output()).hasSizeGreaterThanOrEqualTo(2);
    }
    // The loop cut aligned blocks, SIGTERM flushed the rest: the blocks do not overlap.
    long end = Long.MIN_VALUE;
    for (Path b :
        blockDirs(tenant).stream()
            .sorted(java.util.Comparator.comparing(p -> minTime(p)))
            .toList()) {
      BlockMeta m = BlockMetaFormat.read(b);
      assertThat(m.minTime()).isGreaterThanOrEqualTo(end);
      end = m.maxTime();
    }
    List<String> expected = readBack(tenant);
    assertThat(expected).hasSize(60 * 30).containsExactlyInAnyOrderElementsOf(written);
    checkBlocks(tenant, expected);

    Path copy = dir.resolve("copy");
    copyTree(tenant, copy);
    try (PrometheusTools.Server server =
        PrometheusTools.Server.start(
            copy,
            dir,
            "--storage.tsdb.retention.time=100y",
            "--storage.tsdb.max-block-duration=2h")) {
      List<String> points = new ArrayList<>();
      for (int k = 0; k < 60; k++) {
        points.add((base + k * 1000L + 7) + " " + PrometheusTools.promString(bits(k * 0.5 + 3)));
      }
      assertThat(server.query("e2e_counter{s=\"3\"}[5m]", base + 60_000))
          .as(server.log())
          .containsExactlyElementsOf(points);
      assertThat(server.query("count(count_over_time(e2e_gauge[5m]) == 60)", base + 60_000))
          .containsExactly((base + 60_000) + " 15");
    }
  }

  @Test
  void blocksCutFromAPrometheusAgentsWritesPassPromtool() throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    ReceiveConfig base = ItFixtures.config(data);
    ReceiveConfig cfg = ItFixtures.withBlockDuration(base, BLOCK);
    List<String> accepted;
    try (Receiver receiver = Receiver.start(cfg, InstantSource.system())) {
      try (ExternalProcess agent =
          PrometheusAgent.start(
              dir,
              receiver.httpAddress().getPort(),
              receiver.remoteWriteAddress().getPort(),
              ItFixtures.freePort())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (blockDirs(tenant).size() < 3 && System.nanoTime() < deadline) {
          assertThat(agent.alive()).as(agent.output()).isTrue();
          Thread.sleep(250);
        }
        assertThat(blockDirs(tenant)).as(agent.output()).hasSizeGreaterThanOrEqualTo(3);
      }
      // The agent is stopped: what Sluice holds now is what it accepted.
      accepted = new ArrayList<>();
      List<String> ups = new ArrayList<>();
      try (Querier q = receiver.tsdbs().get("default-tenant").tsdb().querier()) {
        SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
        while (set.hasNext()) {
          Series s = set.next();
          SampleIterator it = s.samples();
          while (it.next()) {
            accepted.add(
                s.labels().toString() + " " + it.timestamp() + " " + canonical(it.valueBits()));
            if (s.labels().get("__name__").equals("up")) {
              ups.add(it.timestamp() + " " + canonical(it.valueBits()));
            }
          }
        }
      }
      // Thanos Query's view: Series over gRPC returns the same samples, from blocks and head.
      long firstBlockEnd = receiver.tsdbs().get("default-tenant").tsdb().blocks().get(0).maxTime();
      try (StoreClient store = new StoreClient(receiver.grpcAddress())) {
        List<io.sluice.receiver.proto.thanos.StoreTypes.Series> frames =
            StoreClient.frames(store.series(StoreClient.request(StoreClient.eq("__name__", "up"))));
        assertThat(frames).hasSize(1);
        assertThat(StoreClient.text(frames.get(0))).contains("replica=\"it\"", "tenant_id=");
        List<String> viaGrpc = new ArrayList<>();
        for (long[] p : StoreClient.samples(frames.get(0).getChunksList())) {
          viaGrpc.add(p[0] + " " + canonical(p[1]));
        }
        assertThat(viaGrpc).isEqualTo(ups);
        assertThat(frames.get(0).getChunks(0).getMinTime()).isLessThan(firstBlockEnd);
      }
    }
    assertThat(accepted).anyMatch(l -> l.startsWith("{__name__=\"up\", agent=\"it\""));
    checkBlocks(tenant, accepted);
    assertThat(readBack(tenant)).containsExactlyElementsOf(accepted);
  }

  private static long minTime(Path block) {
    try {
      return BlockMetaFormat.read(block).minTime();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static RemoteWrite.Label label(String name, String value) {
    return RemoteWrite.Label.newBuilder().setName(name).setValue(value).build();
  }

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("lock")) {
          Files.copy(p, target);
        }
      }
    }
  }
}
