// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.query.ChunkMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkSegmentTest {
  @TempDir Path tmp;

  private static byte[] bytes(int len, int seed) {
    byte[] b = new byte[len];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static ChunkMeta chunk(int len, int seed) {
    return new ChunkMeta(seed * 10L, seed * 10L + 5, (byte) 1, bytes(len, seed));
  }

  private Path chunksDir() {
    return tmp.resolve("chunks");
  }

  private List<String> files() throws IOException {
    try (var s = Files.list(chunksDir())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesTheHeaderLengthEncodingDataAndCastagnoliCrcOfEachChunk() throws IOException {
    long ref;
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir())) {
      ref = w.write((byte) 1, new byte[] {0x00, 0x01, 0x02});
    }
    assertThat(ref).isEqualTo(8);
    // CRC32C("01 00 01 02") computed independently of the writer.
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(new byte[] {1, 0, 1, 2});
    String expected =
        "85bd40dd01000000" + "03" + "01" + "000102" + String.format("%08x", crc.getValue());
    assertThat(HexFormat.of().formatHex(Files.readAllBytes(chunksDir().resolve("000001"))))
        .isEqualTo(expected);
  }

  @Test
  void writesNoFileWithoutChunksAndStillClosesCleanly() throws IOException {
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir())) {
      assertThat(w.segmentCount()).isZero();
    }
    assertThat(files()).isEmpty();
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      assertThat(r.segmentCount()).isZero();
      assertThatThrownBy(() -> r.read(8)).isInstanceOf(CorruptChunkException.class);
    }
  }

  @Test
  void startsANewFileBeforeAChunkThatWouldOverflowTheSegment() throws IOException {
    // Each 90-byte chunk is planned as 5 + 1 + 90 + 4 = 100 bytes and takes 96: 200 + 100 > 210.
    List<Long> refs = new ArrayList<>();
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir(), 210)) {
      for (int i = 0; i < 3; i++) {
        refs.add(w.write((byte) 1, bytes(90, i)));
      }
      assertThat(w.segmentCount()).isEqualTo(2);
    }
    assertThat(refs).containsExactly(8L, 8L + 1 + 1 + 90 + 4, (1L << 32) | 8);
    assertThat(files()).containsExactly("000001", "000002");
    assertThat(Files.size(chunksDir().resolve("000001"))).isEqualTo(8 + 2 * 96);
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      for (int i = 0; i < 3; i++) {
        assertThat(r.read(refs.get(i)))
            .isEqualTo(new ChunkSegmentReader.Chunk((byte) 1, bytes(90, i)));
      }
    }
  }

  @Test
  void fillsTheCurrentFileWithASeriesAndCutsAtItsFirstChunkThatWouldOverflowAsPrometheusDoes()
      throws IOException {
    long[] a;
    long[] b;
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir(), 300)) {
      a = w.writeSeries(List.of(chunk(90, 1)));
      // 104 written + 100 planned fit in 300; 104 + 200 planned do not.
      b = w.writeSeries(List.of(chunk(90, 2), chunk(90, 3)));
    }
    assertThat(a).containsExactly(8);
    assertThat(b).containsExactly(8 + 96, (1L << 32) | 8);
  }

  @Test
  void splitsASeriesThatDoesNotFitInAnEmptyFile() throws IOException {
    long[] refs;
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir(), 210)) {
      refs = w.writeSeries(List.of(chunk(90, 1), chunk(90, 2), chunk(90, 3), chunk(90, 4)));
    }
    assertThat(refs).containsExactly(8, 8 + 96, (1L << 32) | 8, (1L << 32) | (8 + 96));
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      assertThat(r.read(refs[3]).data()).isEqualTo(bytes(90, 4));
    }
  }

  @Test
  void writesAChunkLargerThanTheSegmentSizeAloneInItsFile() throws IOException {
    long[] refs;
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir(), 100)) {
      refs =
          new long[] {
            w.write((byte) 1, bytes(10, 1)),
            w.write((byte) 1, bytes(500, 2)),
            w.write((byte) 1, bytes(10, 3))
          };
    }
    assertThat(refs).containsExactly(8, (1L << 32) | 8, (2L << 32) | 8);
    assertThat(files()).containsExactly("000001", "000002", "000003");
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      assertThat(r.read(refs[1]).data()).isEqualTo(bytes(500, 2));
    }
  }

  @Test
  void refusesToOverwriteExistingSegmentFiles() throws IOException {
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir())) {
      w.write((byte) 1, bytes(3, 1));
    }
    ChunkSegmentWriter again = new ChunkSegmentWriter(chunksDir());
    assertThatThrownBy(() -> again.write((byte) 1, bytes(3, 1))).isInstanceOf(IOException.class);
  }

  @Test
  void readsEveryNumericFileInNumericOrderAndIgnoresOtherNames() throws IOException {
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir(), 50)) {
      for (int i = 0; i < 10; i++) {
        w.write((byte) 1, bytes(30, i));
      }
    }
    Files.writeString(chunksDir().resolve("000003.tmp"), "junk");
    Files.writeString(chunksDir().resolve("README"), "junk");
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      assertThat(r.segmentCount()).isEqualTo(10);
      assertThat(r.segmentFiles().get(9).getFileName().toString()).isEqualTo("000010");
      assertThat(r.read((9L << 32) | 8).data()).isEqualTo(bytes(30, 9));
      List<Long> seen = new ArrayList<>();
      r.forEach((ref, enc, data) -> seen.add(ref));
      assertThat(seen).hasSize(10).last().isEqualTo((9L << 32) | 8);
    }
  }

  private Path writeOne() throws IOException {
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir())) {
      w.write((byte) 1, bytes(40, 7));
      w.write((byte) 1, bytes(40, 8));
    }
    return chunksDir().resolve("000001");
  }

  private static void patch(Path p, long pos, byte... b) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(b), pos);
    }
  }

  @Test
  void rejectsAFileWithABadMagicNumberAtOpenNamingIt() throws IOException {
    Path f = writeOne();
    patch(f, 0, (byte) 0x85, (byte) 0xBD, (byte) 0x40, (byte) 0xDE);
    assertThatThrownBy(() -> ChunkSegmentReader.open(chunksDir()))
        .isInstanceOf(CorruptChunkException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("magic");
  }

  @Test
  void rejectsAnUnknownVersionAndATruncatedHeaderAtOpen() throws IOException {
    Path f = writeOne();
    patch(f, 4, (byte) 2);
    assertThatThrownBy(() -> ChunkSegmentReader.open(chunksDir()))
        .isInstanceOf(CorruptChunkException.class)
        .hasMessageContaining("version 2");
    Files.write(f, new byte[] {(byte) 0x85, (byte) 0xBD, 0x40});
    assertThatThrownBy(() -> ChunkSegmentReader.open(chunksDir()))
        .isInstanceOf(CorruptChunkException.class)
        .hasMessageContaining("header");
  }

  @Test
  void detectsAFlippedDataBitOnReadNamingFileOffsetAndBothChecksums() throws IOException {
    Path f = writeOne();
    long second = 8 + 1 + 1 + 40 + 4;
    byte[] all = Files.readAllBytes(f);
    patch(f, second + 10, (byte) (all[(int) second + 10] ^ 0x10));
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      assertThat(r.read(8).data()).isEqualTo(bytes(40, 7));
      assertThatThrownBy(() -> r.read(second))
          .isInstanceOf(CorruptChunkException.class)
          .hasMessageContaining(f.toString())
          .hasMessageContaining("offset " + second)
          .hasMessageContaining(
              "expected " + HexFormat.of().formatHex(all, all.length - 4, all.length))
          .hasMessageContaining("actual ");
      assertThatThrownBy(() -> r.forEach((ref, enc, data) -> {}))
          .isInstanceOf(CorruptChunkException.class);
    }
  }

  @Test
  void rejectsRefsOutsideTheFiles() throws IOException {
    Path f = writeOne();
    long size = Files.size(f);
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      assertThatThrownBy(() -> r.read(1L << 32)).hasMessageContaining("segment position 1");
      assertThatThrownBy(() -> r.read(4)).hasMessageContaining("offset 4");
      assertThatThrownBy(() -> r.read(size - 2)).hasMessageContaining("outside");
    }
  }

  @Test
  void rejectsAChunkWhoseLengthRunsPastTheEndOfTheFile() throws IOException {
    Path f = writeOne();
    patch(f, 8, (byte) 0x7F);
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      assertThatThrownBy(() -> r.read(8))
          .isInstanceOf(CorruptChunkException.class)
          .hasMessageContaining("past the end");
    }
  }

  @Test
  void refusesReadsAfterClose() throws IOException {
    writeOne();
    ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir());
    r.close();
    assertThatThrownBy(() -> r.read(8)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void servesConcurrentReadersTheSameBytes() throws Exception {
    List<Long> refs = new ArrayList<>();
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(chunksDir(), 4096)) {
      for (int i = 0; i < 200; i++) {
        refs.add(w.write((byte) 1, bytes(50 + i, i)));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunksDir())) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < refs.size(); i++) {
                      if (!java.util.Arrays.equals(r.read(refs.get(i)).data(), bytes(50 + i, i))) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdown();
    }
  }
}
