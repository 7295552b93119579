// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.block.BlockMeta.BlockDesc;
import io.sluice.tsdb.block.BlockMeta.Compaction;
import io.sluice.tsdb.block.BlockMeta.IndexStats;
import io.sluice.tsdb.block.BlockMeta.ObjectHash;
import io.sluice.tsdb.block.BlockMeta.Stats;
import io.sluice.tsdb.block.BlockMeta.Thanos;
import io.sluice.tsdb.block.BlockMeta.ThanosFile;
import io.sluice.tsdb.testing.PromtoolBlocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockMetaFormatTest {
  private static final Ulid A = Ulid.parse("01M7YF9F2DBGH7TB74V9V0FB0Q");
  private static final Ulid B = Ulid.parse("01M7YF9F3AB775E6CS8KK1M3RT");

  @TempDir Path tmp;

  private static Path goldenBlock(String ulid) {
    return PromtoolBlocks.blockDir(ulid);
  }

  private static String json(BlockMeta m) {
    return new String(BlockMetaFormat.toJson(m), StandardCharsets.UTF_8);
  }

  private static BlockMeta parse(String json) throws InvalidBlockMetaException {
    return BlockMetaFormat.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"01M7YF9F2DBGH7TB74V9V0FB0Q", "01M7YF9F3AB775E6CS8KK1M3RT"})
  void writesPromtoolsMetaJsonBackByteForByte(String ulid) throws Exception {
    Path dir = goldenBlock(ulid);
    BlockMeta m = BlockMetaFormat.read(dir);
    assertThat(m.ulid()).isEqualTo(Ulid.parse(ulid));
    assertThat(m.compaction().level()).isEqualTo(1);
    assertThat(m.compaction().sources()).containsExactly(Ulid.parse(ulid));
    assertThat(m.stats().numSeries()).isEqualTo(25);
    assertThat(m.thanos()).isNull();
    assertThat(BlockMetaFormat.toJson(m)).isEqualTo(Files.readAllBytes(dir.resolve("meta.json")));
  }

  @Test
  void readsTheGoldenTimesAndCounts() throws Exception {
    BlockMeta m = BlockMetaFormat.read(goldenBlock(B.toString()));
    assertThat(m)
        .isEqualTo(BlockMeta.level1(B, 1700006400000L, 1700009385005L, Stats.of(5000, 25, 50)));
  }

  @Test
  void writesEveryCompactionFieldInGoDeclarationOrderAndAnEmptyStatsObject() throws Exception {
    BlockMeta m =
        new BlockMeta(
            B,
            -5,
            7200000,
            Stats.EMPTY,
            new Compaction(
                2,
                List.of(A, B),
                List.of(new BlockDesc(A, -5, 10), new BlockDesc(B, 10, 7200000)),
                true,
                true,
                List.of("from-out-of-order")),
            null);
    String expected =
        """
        {
        \t"ulid": "01M7YF9F3AB775E6CS8KK1M3RT",
        \t"minTime": -5,
        \t"maxTime": 7200000,
        \t"stats": {},
        \t"compaction": {
        \t\t"level": 2,
        \t\t"sources": [
        \t\t\t"01M7YF9F2DBGH7TB74V9V0FB0Q",
        \t\t\t"01M7YF9F3AB775E6CS8KK1M3RT"
        \t\t],
        \t\t"deletable": true,
        \t\t"parents": [
        \t\t\t{
        \t\t\t\t"ulid": "01M7YF9F2DBGH7TB74V9V0FB0Q",
        \t\t\t\t"minTime": -5,
        \t\t\t\t"maxTime": 10
        \t\t\t},
        \t\t\t{
        \t\t\t\t"ulid": "01M7YF9F3AB775E6CS8KK1M3RT",
        \t\t\t\t"minTime": 10,
        \t\t\t\t"maxTime": 7200000
        \t\t\t}
        \t\t],
        \t\t"failed": true,
        \t\t"hints": [
        \t\t\t"from-out-of-order"
        \t\t]
        \t},
        \t"version": 1
        }""";
    assertThat(json(m)).isEqualTo(expected);
    assertThat(parse(expected)).isEqualTo(m);
  }

  @Test
  void writesTheThanosSectionAsThanosDoesWithATrailingNewline() throws Exception {
    Map<String, String> labels = new TreeMap<>(Map.of("tenant_id", "t1", "replica", "r-0"));
    labels.put("\ue000", "x");
    labels.put("\uD83D\uDE00", "y");
    BlockMeta m =
        BlockMeta.level1(A, 1000, 2000, Stats.of(10, 1, 1))
            .withThanos(
                new Thanos(
                    0,
                    new TreeMap<>(labels),
                    0,
                    Thanos.RECEIVE_SOURCE,
                    List.of("000001"),
                    List.of(
                        new ThanosFile("chunks/000001", 123, null),
                        new ThanosFile("index", 456, new ObjectHash("SHA256", "ab01")),
                        new ThanosFile("meta.json", 0, null)),
                    IndexStats.EMPTY));
    // Labels in UTF-8 byte order, as Go sorts map keys: U+E000 (EE 80 80) before U+1F600 (F0 ..).
    String expected =
        """
        {
        \t"ulid": "01M7YF9F2DBGH7TB74V9V0FB0Q",
        \t"minTime": 1000,
        \t"maxTime": 2000,
        \t"stats": {
        \t\t"numSamples": 10,
        \t\t"numSeries": 1,
        \t\t"numChunks": 1
        \t},
        \t"compaction": {
        \t\t"level": 1,
        \t\t"sources": [
        \t\t\t"01M7YF9F2DBGH7TB74V9V0FB0Q"
        \t\t]
        \t},
        \t"version": 1,
        \t"thanos": {
        \t\t"labels": {
        \t\t\t"replica": "r-0",
        \t\t\t"tenant_id": "t1",
        \t\t\t"\ue000": "x",
        \t\t\t"\uD83D\uDE00": "y"
        \t\t},
        \t\t"downsample": {
        \t\t\t"resolution": 0
        \t\t},
        \t\t"source": "receive",
        \t\t"segment_files": [
        \t\t\t"000001"
        \t\t],
        \t\t"files": [
        \t\t\t{
        \t\t\t\t"rel_path": "chunks/000001",
        \t\t\t\t"size_bytes": 123
        \t\t\t},
        \t\t\t{
        \t\t\t\t"rel_path": "index",
        \t\t\t\t"size_bytes": 456,
        \t\t\t\t"hash": {
        \t\t\t\t\t"hashFunc": "SHA256",
        \t\t\t\t\t"value": "ab01"
        \t\t\t\t}
        \t\t\t},
        \t\t\t{
        \t\t\t\t"rel_path": "meta.json"
        \t\t\t}
        \t\t],
        \t\t"index_stats": {}
        \t}
        }
        """;
    assertThat(json(m)).isEqualTo(expected);
    BlockMeta back = parse(expected);
    assertThat(back).isEqualTo(m);
    assertThat(back.thanos().labels().keySet())
        .containsExactly("replica", "tenant_id", "\ue000", "\uD83D\uDE00");
  }

  @Test
  void leavesOutAnAbsentIndexStatsAndReadsAThanosVersionAndNullLabels() throws Exception {
    BlockMeta m =
        parse(
            """
            {"ulid":"01M7YF9F2DBGH7TB74V9V0FB0Q","minTime":1,"maxTime":2,
             "compaction":{"level":1},"version":1,
             "thanos":{"version":1,"labels":null,"downsample":{"resolution":300000},
                       "source":"compactor"}}""");
    assertThat(m.thanos().version()).isEqualTo(1);
    assertThat(m.thanos().labels()).isEmpty();
    assertThat(m.thanos().downsampleResolution()).isEqualTo(300000);
    assertThat(m.thanos().indexStats()).isNull();
    assertThat(json(m))
        .endsWith(
            """
            \t"thanos": {
            \t\t"version": 1,
            \t\t"labels": {},
            \t\t"downsample": {
            \t\t\t"resolution": 300000
            \t\t},
            \t\t"source": "compactor"
            \t}
            }
            """);
  }

  @Test
  void escapesStringsAsGoDoes() throws Exception {
    BlockMeta m =
        new BlockMeta(
            A,
            0,
            0,
            Stats.EMPTY,
            new Compaction(
                1, List.of(), List.of(), false, false, List.of("a<b>&\"\\\n\t\r\u0001\u2028é")),
            null);
    assertThat(json(m)).contains("\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\t\\r\\u0001\\u2028é\"");
    assertThat(parse(json(m))).isEqualTo(m);
  }

  @Test
  void writesAndReadsTheUploadTimeLastInTheThanosSection() throws Exception {
    BlockMeta m =
        BlockMeta.level1(A, 1000, 2000, Stats.of(10, 1, 1))
            .withThanos(
                new Thanos(
                        0,
                        new TreeMap<>(Map.of("tenant_id", "t1")),
                        0,
                        Thanos.RECEIVE_SOURCE,
                        List.of(),
                        List.of(),
                        IndexStats.EMPTY)
                    .withUploadTime("2026-11-21T08:00:01.25Z"));
    String json = json(m);
    assertThat(json)
        .endsWith(
            "\t\t\"index_stats\": {},\n\t\t\"upload_time\": \"2026-11-21T08:00:01.25Z\"\n\t}\n}\n");
    assertThat(parse(json)).isEqualTo(m);
    assertThat(parse(json).thanos().uploadTime()).isEqualTo("2026-11-21T08:00:01.25Z");
  }

  @Test
  void toleratesUnknownFieldsOnRead() throws Exception {
    BlockMeta m =
        parse(
            """
            {"ulid":"01M7YF9F2DBGH7TB74V9V0FB0Q","minTime":1,"maxTime":2,"future":[1,{"x":2}],
             "stats":{"numSamples":3,"numNewThings":4},"compaction":{"level":1,"extra":true},
             "version":1,"thanos":{"labels":{},"source":"receive","upload_time":"2026-01-01T00:00:00Z",
             "rewrites":[{"sources":[]}]}}""");
    assertThat(m.stats().numSamples()).isEqualTo(3);
    assertThat(m.thanos().source()).isEqualTo("receive");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":1,\"maxTime\":2,\"version\":2}",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":1,\"maxTime\":2}"
      })
  void rejectsAMetaVersionOtherThanOne(String json) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(InvalidBlockMetaException.class)
        .hasMessageContaining("unexpected meta file version");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":1,\"maxTime\":2,\"version\":1",
        "{\"minTime\":1,\"maxTime\":2,\"version\":1}",
        "{\"ulid\":\"not-a-ulid\",\"minTime\":1,\"maxTime\":2,\"version\":1}",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":\"1\",\"maxTime\":2,\"version\":1}",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":1.5,\"maxTime\":2,\"version\":1}",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":3,\"maxTime\":2,\"version\":1}",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":1,\"maxTime\":2,\"version\":1,"
            + "\"stats\":{\"numSamples\":-1}}",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":1,\"maxTime\":2,\"version\":1,"
            + "\"compaction\":{\"level\":1,\"sources\":\"x\"}}",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":1,\"maxTime\":2,\"version\":1,"
            + "\"thanos\":{\"version\":2,\"labels\":{},\"source\":\"receive\"}}",
        "{\"ulid\":\"01M7YF9F2DBGH7TB74V9V0FB0Q\",\"minTime\":1,\"maxTime\":2,\"version\":1,"
            + "\"thanos\":{\"labels\":{\"a\":1},\"source\":\"receive\"}}"
      })
  void rejectsMalformedOrMistypedMetas(String json) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(InvalidBlockMetaException.class);
  }

  @Test
  void writesAtomicallyReplacingTheOldFileAndLeavingNoTemporaryFile() throws IOException {
    BlockMeta first = BlockMeta.level1(A, 1, 2, Stats.of(1, 1, 1));
    BlockMeta second = BlockMeta.level1(A, 1, 3, Stats.of(2, 1, 1));
    long size = BlockMetaFormat.write(tmp, first);
    assertThat(Files.size(tmp.resolve("meta.json"))).isEqualTo(size);
    Files.writeString(tmp.resolve("meta.json.tmp"), "leftover garbage of a crash");
    BlockMetaFormat.write(tmp, second);
    assertThat(BlockMetaFormat.read(tmp)).isEqualTo(second);
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("meta.json");
    }
  }

  @Test
  void namesTheFileWhenItsContentIsInvalid() throws IOException {
    Files.writeString(tmp.resolve("meta.json"), "{\"version\":7}");
    assertThatThrownBy(() -> BlockMetaFormat.read(tmp))
        .isInstanceOf(InvalidBlockMetaException.class)
        .hasMessageContaining(tmp.resolve("meta.json").toString())
        .hasMessageContaining("version 7");
  }
}
