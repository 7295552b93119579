// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.s3.S3Bucket;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.server.Receiver;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.tsdb.block.BlockDirs;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockMeta.ThanosFile;
import io.sluice.tsdb.block.BlockMetaFormat;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.testing.PrometheusTools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a Prometheus 2.42 agent remote-writes to Sluice (5 s blocks), Sluice ships every
 * block to S3 (S3Proxy, configured with the deployment guide's objstore YAML), and what is in the
 * bucket is what Thanos expects: each block downloaded passes {@code promtool tsdb analyze
 * --extended}, a Prometheus 2.42 server on the downloaded blocks answers PromQL with the values
 * Sluice holds, and each {@code meta.json} has receive's Thanos section. Every block is uploaded
 * exactly once.
 */
class ShipperEndToEndIT {
  private static final long BLOCK = 5_000;

  @TempDir Path dir;

  private S3ProxyFixture s3;

  @BeforeEach
  void startS3() throws Exception {
    s3 = S3ProxyFixture.start();
  }

  @AfterEach
  void stopS3() throws Exception {
    s3.close();
  }

  static List<Path> localBlocks(Path tenant) throws Exception {
    if (!Files.isDirectory(tenant)) {
      return List.of();
    }
    try (var s = Files.list(tenant)) {
      return s.filter(p -> BlockDirs.isBlockDirName(p.getFileName().toString())).sorted().toList();
    }
  }

  /** The block ids in a bucket that have a meta.json. */
  static TreeSet<String> uploadedBlocks(Bucket bucket) throws Exception {
    TreeSet<String> ids = new TreeSet<>();
    for (String name : bucket.list("", true)) {
      if (name.endsWith("/meta.json")) {
        ids.add(name.substring(0, name.indexOf('/')));
      }
    }
    return ids;
  }

  /** Downloads every object of block {@code id} into {@code to/<id>/}. */
  static Path download(Bucket bucket, String id, Path to) throws Exception {
    for (String name : bucket.list(id, true)) {
      Path target = to.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = bucket.get(name)) {
        Files.copy(in, target);
      }
    }
    return to.resolve(id);
  }

  @Test
  void blocksFromAnAgentReachTheBucketAsThanosShipsThemAndPrometheusReadsThem() throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    String bucketName = s3.createBucket();
    ReceiveConfig cfg =
        ItFixtures.withObjstore(
            ItFixtures.withBlockDuration(ItFixtures.config(data), BLOCK), s3.yaml(bucketName));
    // "up" samples Sluice holds: t -> value as Prometheus prints it.
    TreeMap<Long, String> up = new TreeMap<>();
    long totalSamples = 0;
    try (Receiver receiver = Receiver.start(cfg, InstantSource.system());
        S3Bucket bucket = s3.open(bucketName)) {
      try (ExternalProcess agent =
          PrometheusAgent.start(
              dir,
              receiver.httpAddress().getPort(),
              receiver.remoteWriteAddress().getPort(),
              ItFixtures.freePort())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (uploadedBlocks(bucket).size() < 3 && System.nanoTime() < deadline) {
          assertThat(agent.alive()).as(agent.output()).isTrue();
          Thread.sleep(250);
        }
        assertThat(uploadedBlocks(bucket)).as(agent.output()).hasSizeGreaterThanOrEqualTo(3);
      }
      try (Querier q = receiver.tsdbs().get("default-tenant").tsdb().querier()) {
        SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
        while (set.hasNext()) {
          Series s = set.next();
          boolean isUp = "up".equals(s.labels().get("__name__"));
          SampleIterator it = s.samples();
          while (it.next()) {
            totalSamples++;
            if (isUp) {
              up.put(it.timestamp(), PrometheusTools.promString(it.valueBits()));
            }
          }
        }
      }
      assertThat(receiver.metrics().scrape())
          .contains("thanos_shipper_uploads_total{tenant=\"default-tenant\"}")
          .contains(
              "thanos_objstore_bucket_last_successful_upload_time{bucket=\"" + bucketName + "\"}");
    }
    // The receiver is closed: its heads were flushed and the last blocks uploaded.
    assertThat(up).isNotEmpty();
    Path downloaded = dir.resolve("downloaded");
    Files.createDirectories(downloaded);
    long maxTime = Long.MIN_VALUE;
    long samplesInBlocks = 0;
    try (S3Bucket bucket = s3.open(bucketName)) {
      TreeSet<String> ids = uploadedBlocks(bucket);
      TreeSet<String> local = new TreeSet<>();
      for (Path b : localBlocks(tenant)) {
        if (BlockMetaFormat.read(b).stats().numSamples() > 0) {
          local.add(b.getFileName().toString());
        }
      }
      assertThat(ids).isEqualTo(local);
      for (String id : ids) {
        Path b = download(bucket, id, downloaded);
        BlockMeta meta = BlockMetaFormat.read(b);
        checkThanosSection(meta, b, BlockMetaFormat.read(tenant.resolve(id)));
        maxTime = Math.max(maxTime, meta.maxTime());
        samplesInBlocks += meta.stats().numSamples();
        String analyze =
            PrometheusTools.promtool(downloaded, "tsdb", "analyze", "--extended", ".", id);
        assertThat(analyze).contains("Series: " + meta.stats().numSeries());
      }
      for (String id : ids) {
        assertThat(s3.puts())
            .filteredOn(p -> p.equals(bucketName + "/" + id + "/meta.json"))
            .hasSize(1);
      }
    }
    assertThat(samplesInBlocks).isPositive().isLessThanOrEqualTo(totalSamples);

    long at = maxTime - 1;
    List<String> expectedUp = new ArrayList<>();
    up.headMap(at, true).forEach((t, v) -> expectedUp.add(t + " " + v));
    try (PrometheusTools.Server server =
        PrometheusTools.Server.start(
            downloaded,
            dir,
            "--storage.tsdb.retention.time=100y",
            "--storage.tsdb.max-block-duration=2h")) {
      assertThat(server.query("up[1h]", at)).as(server.log()).containsExactlyElementsOf(expectedUp);
      // Every raw sample of every series in the blocks: the uploaded blocks hold all of them.
      assertThat(server.query("{__name__=~\".+\"}[1h]", at)).hasSize((int) samplesInBlocks);
    }
  }

  @Test
  void withoutObjstoreConfigurationBlocksGoToTheEmbeddedBucketInTheDataDirectory()
      throws Exception {
    Path data = dir.resolve("data");
    Path tenant = data.resolve("default-tenant");
    ReceiveConfig cfg = ItFixtures.withBlockDuration(ItFixtures.config(data), BLOCK);
    long base = System.currentTimeMillis() / BLOCK * BLOCK - 60_000;
    try (Receiver receiver = Receiver.start(cfg, InstantSource.system())) {
      for (int k = 0; k < 20; k++) {
        RemoteWrite.WriteRequest req =
            RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(
                    RemoteWrite.TimeSeries.newBuilder()
                        .addLabels(
                            RemoteWrite.Label.newBuilder().setName("__name__").setValue("embedded"))
                        .addSamples(
                            RemoteWrite.Sample.newBuilder()
                                .setTimestamp(base + k * 1000L)
                                .setValue(k)))
                .build();
        assertThat(
                ItFixtures.remoteWrite(
                    receiver.remoteWriteAddress().getPort(), "default-tenant", req))
            .isEqualTo(200);
      }
      assertThat(receiver.bucket().name()).contains(data.resolve(".bucket").toString());
    }
    Path embedded = data.resolve(".bucket");
    TreeSet<String> local = new TreeSet<>();
    for (Path b : localBlocks(tenant)) {
      local.add(b.getFileName().toString());
    }
    assertThat(local).isNotEmpty();
    for (String id : local) {
      BlockMeta up = BlockMetaFormat.read(embedded.resolve(id));
      assertThat(up.thanos().source()).isEqualTo("receive");
      assertThat(embedded.resolve(id).resolve("index")).exists();
    }
    // The bucket directory is not a tenant: no database was opened in it.
    assertThat(embedded.resolve("wal")).doesNotExist();
    assertThat(embedded.resolve("lock")).doesNotExist();
  }

  /** The meta.json in the bucket: the local block's, plus receive's Thanos section (§7.3). */
  private static void checkThanosSection(BlockMeta up, Path downloaded, BlockMeta local)
      throws Exception {
    assertThat(up.withThanos(null)).isEqualTo(local);
    BlockMeta.Thanos t = up.thanos();
    assertThat(t.version()).isZero();
    assertThat(t.labels())
        .containsExactly(Map.entry("replica", "it"), Map.entry("tenant_id", "default-tenant"));
    assertThat(t.downsampleResolution()).isZero();
    assertThat(t.source()).isEqualTo("receive");
    List<String> segments;
    try (var s = Files.list(downloaded.resolve("chunks"))) {
      segments = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(t.segmentFiles()).isEqualTo(segments).isNotEmpty();
    List<ThanosFile> files = new ArrayList<>();
    for (String seg : segments) {
      files.add(
          new ThanosFile(
              "chunks/" + seg, Files.size(downloaded.resolve("chunks").resolve(seg)), null));
    }
    files.add(new ThanosFile("index", Files.size(downloaded.resolve("index")), null));
    files.add(new ThanosFile("meta.json", 0, null));
    assertThat(t.files()).isEqualTo(files);
    assertThat(t.indexStats()).isEqualTo(BlockMeta.IndexStats.EMPTY);
    assertThat(Instant.parse(t.uploadTime()))
        .isBetween(Instant.now().minus(Duration.ofMinutes(10)), Instant.now());
    assertThat(Files.exists(downloaded.resolve("tombstones"))).isFalse();
  }
}
