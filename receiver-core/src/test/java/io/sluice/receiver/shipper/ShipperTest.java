// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.shipper;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.objstore.FilesystemBucket;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockMeta.Compaction;
import io.sluice.tsdb.block.BlockMeta.IndexStats;
import io.sluice.tsdb.block.BlockMeta.Stats;
import io.sluice.tsdb.block.BlockMeta.ThanosFile;
import io.sluice.tsdb.block.BlockMetaFormat;
import io.sluice.tsdb.block.Ulid;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShipperTest {
  private static final Map<String, String> LABELS = Map.of("replica", "r-0", "tenant_id", "t1");
  private static final Instant NOW = Instant.parse("2026-11-21T08:00:01.250Z");

  @TempDir Path tmp;

  private Path tenant;
  private FaultyBucket bucket;
  private final SplittableRandom random = new SplittableRandom(42);
  private final InstantSource clock = InstantSource.fixed(NOW);
  private final List<String> events = new ArrayList<>();
  private final ShipperListener listener =
      new ShipperListener() {
        @Override
        public void dirSynced(boolean ok) {
          events.add(ok ? "sync" : "sync-failed");
        }

        @Override
        public void uploaded(BlockMeta meta) {
          events.add("uploaded " + meta.ulid());
        }

        @Override
        public void uploadFailed(BlockMeta meta, Exception e) {
          events.add("failed " + meta.ulid());
        }

        @Override
        public void corruptedBlock(String dirName, Exception e) {
          events.add("corrupted " + dirName);
        }
      };

  @BeforeEach
  void setUp() throws IOException {
    tenant = Files.createDirectories(tmp.resolve("data/t1"));
    bucket = new FaultyBucket(new FilesystemBucket(tmp.resolve("bucket")));
  }

  private Shipper shipper() {
    return new Shipper("t1", tenant, bucket, LABELS, clock, false, listener);
  }

  /** A block directory as head compaction writes it; the shipper reads no file but meta.json. */
  private BlockMeta block(long minTime, long samples, int level, int segments) throws IOException {
    Ulid id = Ulid.of(random.nextLong(), random.nextLong());
    BlockMeta meta =
        new BlockMeta(
            id,
            minTime,
            minTime + 5_000,
            Stats.of(samples, 3, 3),
            new Compaction(level, List.of(id), List.of(), false, false, List.of()),
            null);
    Path dir = Files.createDirectories(tenant.resolve(id.toString()).resolve("chunks"));
    for (int s = 1; s <= segments; s++) {
      Files.write(dir.resolve(String.format("%06d", s)), bytes(100 * s + 1));
    }
    Files.write(tenant.resolve(id.toString()).resolve("index"), bytes(777));
    Files.write(tenant.resolve(id.toString()).resolve("tombstones"), bytes(9));
    BlockMetaFormat.write(tenant.resolve(id.toString()), meta);
    return meta;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private byte[] object(String name) throws IOException {
    try (InputStream in = bucket.get(name)) {
      return in.readAllBytes();
    }
  }

  private List<Ulid> state() {
    return ShipperState.read(tenant).orElseThrow().uploaded();
  }

  @Test
  void uploadsChunksInOrderThenIndexThenMetaJsonLast() throws IOException {
    BlockMeta b = block(1000, 10, 1, 3);

    assertThat(shipper().sync()).isEqualTo(1);

    String id = b.ulid().toString();
    assertThat(bucket.uploads)
        .containsExactly(
            id + "/chunks/000001",
            id + "/chunks/000002",
            id + "/chunks/000003",
            id + "/index",
            id + "/meta.json");
    Path local = tenant.resolve(id);
    assertThat(object(id + "/chunks/000002"))
        .isEqualTo(Files.readAllBytes(local.resolve("chunks/000002")));
    assertThat(object(id + "/index")).isEqualTo(Files.readAllBytes(local.resolve("index")));
    assertThat(bucket.exists(id + "/tombstones")).isFalse();
    assertThat(events).containsExactly("uploaded " + id, "sync");
    assertThat(Files.exists(tenant.resolve("thanos/upload/" + id))).isFalse();
    // The local meta.json is not modified.
    assertThat(BlockMetaFormat.read(local)).isEqualTo(b);
  }

  @Test
  void metaJsonCarriesTheThanosSectionAReceiverWrites() throws IOException {
    BlockMeta b = block(1000, 10, 1, 2);
    shipper().sync();

    byte[] json = object(b.ulid() + "/meta.json");
    BlockMeta up = BlockMetaFormat.parse(json);
    // The Prometheus part is the local block's.
    assertThat(up.withThanos(null)).isEqualTo(b);
    BlockMeta.Thanos t = up.thanos();
    assertThat(t.version()).isZero();
    assertThat(t.labels())
        .containsExactly(Map.entry("replica", "r-0"), Map.entry("tenant_id", "t1"));
    assertThat(t.downsampleResolution()).isZero();
    assertThat(t.source()).isEqualTo("receive");
    assertThat(t.segmentFiles()).containsExactly("000001", "000002");
    assertThat(t.files())
        .containsExactly(
            new ThanosFile("chunks/000001", 101, null),
            new ThanosFile("chunks/000002", 201, null),
            new ThanosFile("index", 777, null),
            new ThanosFile("meta.json", 0, null));
    assertThat(t.indexStats()).isEqualTo(IndexStats.EMPTY);
    assertThat(t.uploadTime()).isEqualTo("2026-11-21T08:00:01.25Z");
    String text = new String(json, UTF_8);
    assertThat(text)
        .contains("\t\"thanos\": {\n\t\t\"labels\": {\n\t\t\t\"replica\": \"r-0\",")
        .contains("\t\t\"downsample\": {\n\t\t\t\"resolution\": 0\n\t\t},")
        .contains("\t\t\"source\": \"receive\",")
        .contains("\t\t\t{\n\t\t\t\t\"rel_path\": \"meta.json\"\n\t\t\t}")
        .contains("\t\t\"index_stats\": {},")
        .contains("\t\t\"upload_time\": \"2026-11-21T08:00:01.25Z\"\n\t}\n}\n")
        .doesNotContain("\"version\": 0");
  }

  @Test
  void blocksGoUpInMinTimeOrderAndTheStateIsWrittenAsGoWritesIt() throws IOException {
    BlockMeta late = block(9000, 10, 1, 1);
    BlockMeta early = block(1000, 10, 1, 1);

    shipper().sync();

    assertThat(bucket.uploads)
        .filteredOn(n -> n.endsWith("meta.json"))
        .containsExactly(early.ulid() + "/meta.json", late.ulid() + "/meta.json");
    assertThat(Files.readString(tenant.resolve("thanos.shipper.json")))
        .isEqualTo(
            "{\n\t\"version\": 1,\n\t\"uploaded\": [\n\t\t\""
                + early.ulid()
                + "\",\n\t\t\""
                + late.ulid()
                + "\"\n\t]\n}\n");
  }

  @Test
  void emptyAndCompactedBlocksAreNeitherUploadedNorRecorded() throws IOException {
    block(1000, 0, 1, 1);
    block(2000, 10, 2, 1);

    assertThat(shipper().sync()).isZero();

    assertThat(bucket.uploads).isEmpty();
    assertThat(Files.readString(tenant.resolve("thanos.shipper.json")))
        .isEqualTo("{\n\t\"version\": 1,\n\t\"uploaded\": null\n}\n");
  }

  @Test
  void aBlockWhoseMetaIsAlreadyInTheBucketIsRecordedWithoutUpload() throws IOException {
    BlockMeta b = block(1000, 10, 1, 1);
    Shipper first = shipper();
    first.sync();
    Files.delete(tenant.resolve("thanos.shipper.json"));
    bucket.uploads.clear();

    Shipper again = shipper();
    assertThat(again.uploaded(b.ulid())).isFalse();
    assertThat(again.sync()).isZero();

    assertThat(bucket.uploads).isEmpty();
    assertThat(state()).containsExactly(b.ulid());
    assertThat(again.uploaded(b.ulid())).isTrue();
  }

  @Test
  void aBrokenStateFileReadsAsEmptyAndTheBucketCheckRecoversTheRecord() throws IOException {
    BlockMeta b = block(1000, 10, 1, 1);
    shipper().sync();
    Files.writeString(tenant.resolve("thanos.shipper.json"), "{\"version\": 1, \"uploaded\": [");
    bucket.uploads.clear();

    shipper().sync();

    assertThat(bucket.uploads).isEmpty();
    assertThat(state()).containsExactly(b.ulid());
  }

  @Test
  void aFailedUploadLeavesNoMetaJsonStopsThePassAndIsRetriedNextPass() throws IOException {
    BlockMeta a = block(1000, 10, 1, 2);
    BlockMeta b = block(6000, 10, 1, 1);
    bucket.failUploadsAfter(2, () -> new IOException("500 Internal Server Error"));
    Shipper shipper = shipper();

    assertThatThrownBy(shipper::sync)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("upload of block " + a.ulid() + " of tenant t1 failed")
        .hasRootCauseMessage("500 Internal Server Error");

    // Both chunk segments are there, the index is not, so neither is meta.json; b was not tried.
    assertThat(bucket.exists(a.ulid() + "/chunks/000002")).isTrue();
    assertThat(bucket.exists(a.ulid() + "/index")).isFalse();
    assertThat(bucket.exists(a.ulid() + "/meta.json")).isFalse();
    assertThat(bucket.list(b.ulid().toString(), true)).isEmpty();
    assertThat(events).containsExactly("failed " + a.ulid(), "sync-failed");
    assertThat(shipper.uploaded(a.ulid())).isFalse();
    assertThat(state()).isEmpty();

    bucket.heal();
    assertThat(shipper.sync()).isEqualTo(2);
    assertThat(state()).containsExactly(a.ulid(), b.ulid());
    assertThat(bucket.uploadCount(a.ulid() + "/meta.json")).isEqualTo(1);
    assertThat(bucket.uploadCount(b.ulid() + "/meta.json")).isEqualTo(1);
  }

  @Test
  void anUnreachableBucketFailsThePassAndLocalBlocksStayUnrecorded() throws IOException {
    BlockMeta a = block(1000, 10, 1, 1);
    bucket.down = true;
    Shipper shipper = shipper();

    assertThatThrownBy(shipper::sync).isInstanceOf(IOException.class);
    assertThatThrownBy(shipper::sync).isInstanceOf(IOException.class);

    assertThat(shipper.uploaded(a.ulid())).isFalse();
    bucket.heal();
    shipper.sync();
    assertThat(shipper.uploaded(a.ulid())).isTrue();
    assertThat(bucket.uploadCount(a.ulid() + "/meta.json")).isEqualTo(1);
  }

  @Test
  void noBlockIsUploadedTwiceOverManyPasses() throws IOException {
    List<BlockMeta> blocks = new ArrayList<>();
    Shipper shipper = shipper();
    for (int i = 0; i < 4; i++) {
      blocks.add(block(1000L * i, 10, 1, 1));
      shipper.sync();
      shipper.sync();
    }
    for (BlockMeta b : blocks) {
      assertThat(bucket.uploadCount(b.ulid() + "/meta.json")).isEqualTo(1);
      assertThat(bucket.uploadCount(b.ulid() + "/index")).isEqualTo(1);
    }
    assertThat(events).filteredOn(e -> e.startsWith("uploaded")).hasSize(4);
  }

  @Test
  void aProcessKilledMidUploadUploadsTheWholeBlockAfterRestart() throws IOException {
    BlockMeta b = block(1000, 10, 1, 3);
    // The Error stands for kill -9 after two objects: nothing after it runs, no state is written.
    bucket.failUploadsAfter(2, () -> new Error("killed"));
    assertThatThrownBy(shipper()::sync).isInstanceOf(Error.class).hasMessage("killed");
    assertThat(bucket.exists(b.ulid() + "/meta.json")).isFalse();
    assertThat(Files.exists(tenant.resolve("thanos.shipper.json"))).isFalse();

    bucket.heal();
    bucket.uploads.clear();
    Shipper restarted = shipper();
    assertThat(restarted.sync()).isEqualTo(1);

    String id = b.ulid().toString();
    assertThat(bucket.uploads)
        .containsExactly(
            id + "/chunks/000001",
            id + "/chunks/000002",
            id + "/chunks/000003",
            id + "/index",
            id + "/meta.json");
    for (String f : List.of("chunks/000001", "chunks/000002", "chunks/000003", "index")) {
      assertThat(object(id + "/" + f)).isEqualTo(Files.readAllBytes(tenant.resolve(id + "/" + f)));
    }
    assertThat(state()).containsExactly(b.ulid());
  }

  @Test
  void linksLeftInTheUploadDirectoryByAKilledPassAreRemoved() throws IOException {
    Path leftover =
        Files.createDirectories(tenant.resolve("thanos/upload/01M7YF9F2DBGH7TB74V9V0FB0Q"));
    Files.write(leftover.resolve("index"), bytes(10));

    shipper().sync();

    assertThat(tenant.resolve("thanos/upload")).doesNotExist();
  }

  @Test
  void theStateKeepsOnlyBlocksThatStillExistLocally() throws IOException {
    BlockMeta a = block(1000, 10, 1, 1);
    BlockMeta b = block(6000, 10, 1, 1);
    Shipper shipper = shipper();
    shipper.sync();

    io.sluice.tsdb.block.BlockDirs.delete(tenant, a.ulid());
    shipper.sync();

    assertThat(state()).containsExactly(b.ulid());
    assertThat(shipper.uploaded(a.ulid())).isFalse();
    assertThat(shipper.uploaded(b.ulid())).isTrue();
  }

  @Test
  void uploadedAnswersFromTheStateFileBeforeTheFirstPass() throws IOException {
    BlockMeta a = block(1000, 10, 1, 1);
    ShipperState.of(List.of(a.ulid())).write(tenant);

    Shipper shipper = shipper();

    assertThat(shipper.uploaded(a.ulid())).isTrue();
    shipper.sync();
    assertThat(bucket.uploads).isEmpty();
  }

  @Test
  void aCorruptMetaJsonFailsThePassUnlessCorruptBlocksAreSkipped() throws IOException {
    BlockMeta good = block(1000, 10, 1, 1);
    BlockMeta bad = block(2000, 10, 1, 1);
    Files.writeString(tenant.resolve(bad.ulid() + "/meta.json"), "{not json");

    assertThatThrownBy(shipper()::sync)
        .hasMessageContaining("read metadata for block " + bad.ulid());
    assertThat(bucket.uploads).isEmpty();
    assertThat(events).containsExactly("corrupted " + bad.ulid(), "sync-failed");

    Shipper skipping = new Shipper("t1", tenant, bucket, LABELS, clock, true, listener);
    assertThat(skipping.sync()).isEqualTo(1);
    assertThat(skipping.uploaded(good.ulid())).isTrue();
  }

  @Test
  void emptyExternalLabelsAreRefused() {
    assertThatThrownBy(
            () -> new Shipper("t1", tenant, bucket, Map.of(), clock, false, ShipperListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty external labels");
  }

  @Test
  void uploadTimeIsWrittenAsGoMarshalsATime() {
    assertThat(Shipper.goTime(Instant.parse("2026-11-21T08:00:01Z")))
        .isEqualTo("2026-11-21T08:00:01Z");
    assertThat(Shipper.goTime(Instant.parse("2026-11-21T08:00:01.120Z")))
        .isEqualTo("2026-11-21T08:00:01.12Z");
    assertThat(Shipper.goTime(Instant.parse("2026-11-21T08:00:01.000000007Z")))
        .isEqualTo("2026-11-21T08:00:01.000000007Z");
  }
}
