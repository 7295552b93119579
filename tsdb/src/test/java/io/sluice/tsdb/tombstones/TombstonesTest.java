// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.tombstones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.testing.PromtoolBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TombstonesTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  private static Path goldenBlock(String ulid) {
    return PromtoolBlocks.blockDir(ulid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"01M7YF9F2DBGH7TB74V9V0FB0Q", "01M7YF9F3AB775E6CS8KK1M3RT"})
  void writesTheEmptyFileByteForByteAsPromtool(String ulid) throws Exception {
    byte[] golden = Files.readAllBytes(goldenBlock(ulid).resolve("tombstones"));
    assertThat(HEX.formatHex(golden)).isEqualTo("0130ba300100000000");
    assertThat(TombstonesWriter.encode(List.of())).isEqualTo(golden);
    assertThat(TombstonesReader.read(goldenBlock(ulid))).isEmpty();
  }

  @Test
  void encodesEntriesAsUvarintRefAndZigzagTimesWithACrcOverTheEntriesOnly() {
    byte[] b = TombstonesWriter.encode(List.of(new Tombstone(3, -1, 1), new Tombstone(300, 0, 64)));
    // 03 | zigzag(-1)=01 | zigzag(1)=02 ; ac 02 (300) | 00 | zigzag(64)=128 = 80 01
    String entries = "030102" + "ac02" + "00" + "8001";
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(HEX.parseHex(entries));
    assertThat(HEX.formatHex(b))
        .isEqualTo("0130ba3001" + entries + String.format("%08x", crc.getValue()));
  }

  @Test
  void roundTripsEntriesInFileOrderThroughAnAtomicWrite() throws IOException {
    List<Tombstone> ts =
        List.of(
            new Tombstone(16, Long.MIN_VALUE, Long.MAX_VALUE),
            new Tombstone(1, 1700000000000L, 1700000000000L),
            new Tombstone(16, -5, 5));
    long size = TombstonesWriter.write(dir, ts);
    assertThat(Files.size(dir.resolve("tombstones"))).isEqualTo(size);
    assertThat(Files.exists(dir.resolve("tombstones.tmp"))).isFalse();
    assertThat(TombstonesReader.read(dir)).containsExactlyElementsOf(ts);
    TombstonesWriter.write(dir, List.of());
    assertThat(Files.size(dir.resolve("tombstones"))).isEqualTo(9);
  }

  @Test
  void readsAMissingFileAsNoTombstones() throws IOException {
    assertThat(TombstonesReader.read(dir)).isEmpty();
  }

  private void assertCorrupt(String hex, String message) throws IOException {
    Files.write(dir.resolve("tombstones"), HEX.parseHex(hex));
    assertThatThrownBy(() -> TombstonesReader.read(dir))
        .isInstanceOf(CorruptTombstonesException.class)
        .hasMessageContaining(dir.resolve("tombstones").toString())
        .hasMessageContaining(message);
  }

  @Test
  void rejectsBadMagicVersionChecksumAndTruncation() throws IOException {
    assertCorrupt("0130ba3101" + "00000000", "magic");
    assertCorrupt("0130ba3002" + "00000000", "format 2");
    assertCorrupt("0130ba30", "too short");
    byte[] good = TombstonesWriter.encode(List.of(new Tombstone(3, -1, 1)));
    good[6] ^= 1;
    assertCorrupt(HEX.formatHex(good), "checksum did not match");
    // A valid CRC over a truncated entry: ref 03, mint 01, maxt missing.
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(new byte[] {3, 1});
    assertCorrupt("0130ba30010301" + String.format("%08x", crc.getValue()), "truncated");
  }

  @Test
  void refusesEntriesWithMintAfterMaxt() {
    assertThatThrownBy(() -> new Tombstone(1, 5, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mint 5 > maxt 4");
  }
}
