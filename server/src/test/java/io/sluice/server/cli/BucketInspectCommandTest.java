// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.objstore.FilesystemBucket;
import io.sluice.receiver.shipper.Shipper;
import io.sluice.receiver.shipper.ShipperListener;
import io.sluice.server.Main;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockMeta.Compaction;
import io.sluice.tsdb.block.BlockMeta.Stats;
import io.sluice.tsdb.block.BlockMetaFormat;
import io.sluice.tsdb.block.Ulid;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice tools bucket inspect} on a filesystem bucket the shipper uploaded two blocks to,
 * against the text Thanos prints for them.
 */
class BucketInspectCommandTest {
  private static final long T06 = Instant.parse("2024-05-01T06:00:00Z").toEpochMilli();
  private static final long T08 = Instant.parse("2024-05-01T08:00:00Z").toEpochMilli();
  private static final long T10 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
  private static final String EARLY = "01HWY00000000000000000000B";
  private static final String LATE = "01HWZ00000000000000000000A";

  @TempDir Path tmp;
  private Path bucketDir;
  private TimeZone zone;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void shipTwoBlocks() throws Exception {
    // Go prints block times in the local zone; fix it for the expected text.
    zone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    bucketDir = Files.createDirectories(tmp.resolve("bucket"));
    Path tenant = Files.createDirectories(tmp.resolve("data/team-a"));
    block(tenant, LATE, T08, T10, Stats.of(1_234_567, 1_000, 12_000));
    block(tenant, EARLY, T06, T08, Stats.of(600, 5, 5));
    try (FilesystemBucket bucket = new FilesystemBucket(bucketDir)) {
      Shipper shipper =
          new Shipper(
              "team-a",
              tenant,
              bucket,
              Map.of("replica", "r-0", "tenant_id", "team-a"),
              InstantSource.fixed(Instant.parse("2024-05-01T10:30:00Z")),
              false,
              new ShipperListener() {});
      assertThat(shipper.sync()).isEqualTo(2);
    }
    // A partial upload (no meta.json yet) and a directory that is no block are not listed.
    Files.createDirectories(bucketDir.resolve("01HX000000000000000000000C/chunks"));
    Files.createDirectories(bucketDir.resolve("debug/metas"));
    Files.writeString(bucketDir.resolve("debug/metas/x.json"), "{}");
  }

  @AfterEach
  void restoreZone() {
    TimeZone.setDefault(zone);
  }

  private static void block(Path tenant, String ulid, long from, long until, Stats stats)
      throws Exception {
    Ulid id = Ulid.parse(ulid);
    Path dir = Files.createDirectories(tenant.resolve(ulid).resolve("chunks"));
    Files.write(dir.resolve("000001"), new byte[] {1, 2, 3});
    Files.write(tenant.resolve(ulid).resolve("index"), new byte[] {4, 5});
    BlockMetaFormat.write(
        tenant.resolve(ulid),
        new BlockMeta(
            id,
            from,
            until,
            stats,
            new Compaction(1, List.of(id), List.of(), false, false, List.of()),
            null));
  }

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("tools", "bucket", "inspect"));
    all.add("--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + bucketDir);
    all.addAll(List.of(args));
    return cl.execute(all.toArray(new String[0]));
  }

  @Test
  void printsTheBlocksAsThanosTable() {
    assertThat(run()).isZero();
    assertThat(out.toString())
        .isEqualTo(
            """
            |            ULID            |         FROM         |        UNTIL         | RANGE  \
            | UNTIL-DOWN | #SERIES | #SAMPLES  | #CHUNKS | COMP-LEVEL | COMP-FAILED \
            |            LABELS            | RESOLUTION | SOURCE  |
            |----------------------------|----------------------|----------------------|--------\
            |------------|---------|-----------|---------|------------|-------------\
            |------------------------------|------------|---------|
            | 01HWY00000000000000000000B | 2024-05-01T06:00:00Z | 2024-05-01T08:00:00Z | 2h0m0s \
            | 38h0m0s    | 5       | 600       | 5       | 1          | false       \
            | replica=r-0,tenant_id=team-a | 0s         | receive |
            | 01HWZ00000000000000000000A | 2024-05-01T08:00:00Z | 2024-05-01T10:00:00Z | 2h0m0s \
            | 38h0m0s    | 1,000   | 1,234,567 | 12,000  | 1          | false       \
            | replica=r-0,tenant_id=team-a | 0s         | receive |
            """);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void printsTsvSortedByTheGivenColumns() {
    assertThat(run("--output=tsv", "--sort-by", "#SERIES")).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "ULID\tFROM\tUNTIL\tRANGE\tUNTIL-DOWN\t#SERIES\t#SAMPLES\t#CHUNKS\tCOMP-LEVEL"
                + "\tCOMP-FAILED\tLABELS\tRESOLUTION\tSOURCE\n"
                + EARLY
                + "\t2024-05-01T06:00:00Z\t2024-05-01T08:00:00Z\t2h0m0s\t38h0m0s\t5\t600\t5\t1"
                + "\tfalse\treplica=r-0,tenant_id=team-a\t0s\treceive\n"
                + LATE
                + "\t2024-05-01T08:00:00Z\t2024-05-01T10:00:00Z\t2h0m0s\t38h0m0s\t1,000"
                + "\t1,234,567\t12,000\t1\tfalse\treplica=r-0,tenant_id=team-a\t0s\treceive\n");
    out.getBuffer().setLength(0);
    assertThat(run("--output", "csv", "--sort-by", "UNTIL")).isZero();
    assertThat(out.toString().lines().toList().get(2))
        .isEqualTo(
            LATE
                + ",2024-05-01T08:00:00Z,2024-05-01T10:00:00Z,2h0m0s,38h0m0s,\"1,000\","
                + "\"1,234,567\",\"12,000\",1,false,\"replica=r-0,tenant_id=team-a\",0s,receive");
  }

  @Test
  void printsTheStoredMetaJsonDocumentsAsJsonAndFiltersBySelector() throws Exception {
    assertThat(run("--output=json", "-l", "tenant_id=\"team-a\"")).isZero();
    JsonNode blocks = new ObjectMapper().readTree(out.toString());
    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0).get("ulid").asText()).isEqualTo(EARLY);
    assertThat(blocks.get(1).get("stats").get("numSamples").asLong()).isEqualTo(1_234_567);
    assertThat(blocks.get(1).get("thanos").get("labels").get("tenant_id").asText())
        .isEqualTo("team-a");
    assertThat(blocks.get(1).get("thanos").get("source").asText()).isEqualTo("receive");
    assertThat(blocks.get(1).get("thanos").get("upload_time").asText()).startsWith("2024-05-01");

    out.getBuffer().setLength(0);
    assertThat(run("--output=json", "--selector=tenant_id=\"team-b\"")).isZero();
    assertThat(new ObjectMapper().readTree(out.toString())).isEmpty();
  }

  @Test
  void skipsACorruptedMetaAndRefusesBadFlags() throws Exception {
    Files.writeString(bucketDir.resolve(LATE).resolve("meta.json"), "{not json");
    assertThat(run("--output=tsv")).isZero();
    assertThat(out.toString().lines()).hasSize(2).anyMatch(l -> l.startsWith(EARLY));
    assertThat(err.toString()).contains("skipping block " + LATE + ": corrupted meta.json");

    assertThat(run("--output=yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("--output");
    assertThat(run("--sort-by=NOPE")).isEqualTo(2);
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("tools", "bucket", "inspect")).isEqualTo(2);
    assertThat(err.toString()).contains("--objstore.config or --objstore.config-file is required");
  }
}
