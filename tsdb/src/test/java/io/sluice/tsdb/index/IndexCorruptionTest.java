// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One flipped bit in a copy of a promtool index: the reader rejects it at open when it is in a
 * section that Prometheus verifies at open, and when the bytes are read otherwise (reference §4.6).
 */
class IndexCorruptionTest {
  @TempDir Path tmp;

  private byte[] golden;
  private long[] toc;

  @BeforeEach
  void readGolden() throws IOException {
    golden =
        Files.readAllBytes(
            IndexFixtures.goldenBlock("01M7YF9F2DBGH7TB74V9V0FB0Q").resolve("index"));
    ByteBuffer b = ByteBuffer.wrap(golden);
    toc = new long[6];
    for (int i = 0; i < 6; i++) {
      toc[i] = b.getLong(golden.length - IndexFormat.TOC_SIZE + 8 * i);
    }
  }

  private Path write(byte[] bytes) throws IOException {
    Path p = Files.createTempFile(tmp, "index", "");
    Files.write(p, bytes);
    return p;
  }

  private Path flipped(long offset) throws IOException {
    byte[] copy = golden.clone();
    copy[(int) offset] ^= 0x04;
    return write(copy);
  }

  private static void assertCorruptAtOpen(Path p, String reason) {
    assertThatThrownBy(() -> IndexReader.open(p).close())
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining(p.toString())
        .hasMessageContaining(reason);
  }

  @Test
  void anUntouchedCopyOpensAndEverySeriesReads() throws IOException {
    try (IndexReader r = IndexReader.open(write(golden))) {
      for (long ref : r.allPostings()) {
        assertThat(r.series(ref).chunks()).isNotEmpty();
      }
    }
  }

  @Test
  void aSeriesLengthVarintOfMoreThan64BitsIsCorruptAsInGo() throws IOException {
    // The first series entry: the series section's start, padded to the series alignment.
    long align = IndexFormat.SERIES_ALIGNMENT;
    long first = (toc[1] + align - 1) / align * align;
    byte[] copy = golden.clone();
    byte[] overflow = java.util.HexFormat.of().parseHex("ffffffffffffffffff02");
    System.arraycopy(overflow, 0, copy, (int) first, overflow.length);
    try (IndexReader r = IndexReader.open(write(copy))) {
      assertThatThrownBy(() -> r.series(first / align))
          .isInstanceOf(CorruptIndexException.class)
          .hasMessageContaining("varint overflows 64 bits at " + (first + 10));
    }
  }

  @Test
  void aFlippedBitInTheTocFailsTheOpen() throws IOException {
    assertCorruptAtOpen(
        flipped(golden.length - IndexFormat.TOC_SIZE + 15), "TOC: invalid checksum");
    assertCorruptAtOpen(flipped(golden.length - 1), "TOC: invalid checksum");
  }

  @Test
  void aFlippedBitInTheSymbolTableFailsTheOpen() throws IOException {
    assertCorruptAtOpen(flipped(toc[0] + 20), "symbol table: invalid checksum");
    assertCorruptAtOpen(flipped(toc[0]), "symbol table: length");
  }

  @Test
  void aFlippedBitInThePostingsOffsetTableFailsTheOpen() throws IOException {
    assertCorruptAtOpen(flipped(toc[5] + 12), "postings offset table: invalid checksum");
  }

  @Test
  void aWrongMagicNumberOrVersionOrATooShortFileFailsTheOpen() throws IOException {
    assertCorruptAtOpen(flipped(1), "invalid magic number baaed700");
    byte[] v1 = golden.clone();
    v1[4] = 1;
    assertCorruptAtOpen(write(v1), "unsupported version 1");
    assertCorruptAtOpen(write(Arrays.copyOf(golden, 40)), "file is too short (40 bytes)");
    assertCorruptAtOpen(write(Arrays.copyOf(golden, golden.length - 1)), "TOC");
  }

  @Test
  void aFlippedBitInASeriesEntryFailsOnlyTheReadOfThatSeries() throws IOException {
    long first = (toc[1] + 15) / 16;
    try (IndexReader r = IndexReader.open(flipped(first * 16 + 5))) {
      long[] refs = r.allPostings();
      assertThat(refs[0]).isEqualTo(first);
      assertThatThrownBy(() -> r.series(first))
          .isInstanceOf(CorruptIndexException.class)
          .hasMessageContaining("series " + first + ": invalid checksum");
      assertThat(r.series(refs[1]).labels().size()).isEqualTo(3);
    }
  }

  @Test
  void aSeriesRefOutsideTheFileIsReportedAsCorrupt() throws IOException {
    try (IndexReader r = IndexReader.open(write(golden))) {
      assertThatThrownBy(() -> r.series(golden.length / 16 + 1))
          .isInstanceOf(CorruptIndexException.class)
          .hasMessageContaining("outside the file");
    }
  }

  @Test
  void aFlippedBitInAPostingsListFailsOnlyTheReadOfThatList() throws IOException {
    // The first list is the all-postings list; its first ref is 8 bytes after the padding.
    long all = (toc[4] + 3) / 4 * 4;
    try (IndexReader r = IndexReader.open(flipped(all + 9))) {
      assertThatThrownBy(r::allPostings)
          .isInstanceOf(CorruptIndexException.class)
          .hasMessageContaining("postings list at " + all + ": invalid checksum");
      assertThat(r.postings("room", "a")).hasSize(1);
    }
  }

  @Test
  void aFlippedBitInTheLegacyLabelIndicesIsNotNoticedAsPrometheusNeverReadsThem()
      throws IOException {
    try (IndexReader r = IndexReader.open(flipped(toc[2] + 12))) {
      assertThat(r.labelValues("room")).hasSize(7);
    }
  }
}
