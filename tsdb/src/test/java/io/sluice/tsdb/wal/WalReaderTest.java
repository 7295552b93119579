// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static io.sluice.tsdb.wal.WalFiles.append;
import static io.sluice.tsdb.wal.WalFiles.bytes;
import static io.sluice.tsdb.wal.WalFiles.flipByte;
import static io.sluice.tsdb.wal.WalFiles.random;
import static io.sluice.tsdb.wal.WalFiles.readAll;
import static io.sluice.tsdb.wal.WalFiles.segment;
import static io.sluice.tsdb.wal.WalFiles.truncate;
import static io.sluice.tsdb.wal.WalFormat.PAGE_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.tsdb.wal.WalFiles.Read;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalReaderTest {
  private static final int P = PAGE_SIZE;
  private static final int D = WalFormat.MAX_FRAGMENT_DATA;
  private static final WalOptions PLAIN = new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, false);

  @TempDir Path dir;

  // a: full@0 (100 bytes); b: first@107 + last@32768 (117 bytes); c: full@32892 (5 bytes).
  private final byte[] a = random(100, 1);
  private final byte[] b = random(D + 10, 2);
  private final byte[] c = random(5, 3);
  private static final long B_AT = 107;
  private static final long C_AT = P + 7 + 117;

  private Path seg0;

  @BeforeEach
  void writeThreeRecords() throws IOException {
    try (Wal wal = Wal.open(dir, PLAIN)) {
      wal.log(a, b, c);
    }
    seg0 = segment(dir, 0);
  }

  /** Reads until the reader fails; returns the records read before and the failure. */
  private static Failure readUntilCorrupt(Path dir) throws IOException {
    List<byte[]> before = new ArrayList<>();
    try (WalReader r = WalReader.open(dir)) {
      CorruptSegmentException e =
          catchThrowableOfType(
              CorruptSegmentException.class,
              () -> {
                while (r.next()) {
                  before.add(r.record());
                }
              });
      assertThat(e).as("reader must fail").isNotNull();
      CorruptSegmentException again = catchThrowableOfType(CorruptSegmentException.class, r::next);
      assertThat(again).as("later calls fail the same way").isSameAs(e);
      return new Failure(before, e);
    }
  }

  private record Failure(List<byte[]> before, CorruptSegmentException e) {}

  private static byte[] fragment(int type, byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    int c = (int) crc.getValue();
    byte[] f = new byte[7 + data.length];
    f[0] = (byte) type;
    f[1] = (byte) (data.length >>> 8);
    f[2] = (byte) data.length;
    f[3] = (byte) (c >>> 24);
    f[4] = (byte) (c >>> 16);
    f[5] = (byte) (c >>> 8);
    f[6] = (byte) c;
    System.arraycopy(data, 0, f, 7, data.length);
    return f;
  }

  private Failure readHandMade(byte[]... fragments) throws IOException {
    Path d = dir.resolve("hand");
    Files.createDirectories(d);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : fragments) {
      out.write(f);
    }
    Files.write(segment(d, 0), out.toByteArray());
    return readUntilCorrupt(d);
  }

  @Test
  void reportsEachRecordsSegmentAndOffset() throws IOException {
    List<Read> read = readAll(dir);
    assertThat(bytes(read)).containsExactly(a, b, c);
    assertThat(read).extracting(Read::offset).containsExactly(0L, B_AT, C_AT);
    assertThat(read).extracting(Read::segment).containsExactly(0, 0, 0);
  }

  @Test
  void aSegmentCutInsideARecordIsTornAtTheRecordsStart() throws IOException {
    for (long cut : new long[] {P + 50, P + 3, B_AT + 3, B_AT + 7 + 10}) {
      Path d = dir.resolve("cut" + cut);
      Files.createDirectories(d);
      Files.write(segment(d, 0), Arrays.copyOf(Files.readAllBytes(seg0), (int) cut));
      Failure f = readUntilCorrupt(d);
      assertThat(f.before()).as("cut at %d", cut).containsExactly(a);
      assertThat(f.e().segment()).isZero();
      assertThat(f.e().offset()).as("cut at %d", cut).isEqualTo(B_AT);
      assertThat(f.e().reason()).contains("the segment ends inside a");
      assertThat(f.e().dir()).isEqualTo(d);
    }
  }

  @Test
  void aSegmentEndingAfterAFirstFragmentHasATornLastRecord() throws IOException {
    truncate(seg0, P);
    Failure f = readUntilCorrupt(dir);
    assertThat(f.before()).containsExactly(a);
    assertThat(f.e().offset()).isEqualTo(B_AT);
    assertThat(f.e().reason()).isEqualTo("last record is torn: the segment ends inside it");
    assertThat(f.e()).hasMessageContaining("00000000 at offset 107");
  }

  @Test
  void aFlippedByteIsAChecksumMismatchAtTheStartOfItsRecord() throws IOException {
    flipByte(seg0, P + 20); // in b's last fragment, on the second page
    Failure f = readUntilCorrupt(dir);
    assertThat(f.before()).containsExactly(a);
    assertThat(f.e().offset()).isEqualTo(B_AT);
    assertThat(f.e().reason()).startsWith("checksum mismatch in last fragment at offset 32768");
  }

  @Test
  void aFlippedHeaderByteIsCorruptionAtItsRecord() throws IOException {
    flipByte(seg0, C_AT); // type 0x01 becomes 0x41
    Failure f = readUntilCorrupt(dir);
    assertThat(f.before()).containsExactly(a, b);
    assertThat(f.e().offset()).isEqualTo(C_AT);
    assertThat(f.e().reason()).contains("0x41 has unknown flag bits");

    flipByte(seg0, C_AT);
    byte[] seg = Files.readAllBytes(seg0);
    seg[(int) C_AT + 1] = 0x7f; // length 5 becomes 0x7ff0: past the page end
    seg[(int) C_AT + 2] = (byte) 0xf0;
    Files.write(seg0, seg);
    f = readUntilCorrupt(dir);
    assertThat(f.before()).containsExactly(a, b);
    assertThat(f.e().offset()).isEqualTo(C_AT);
    assertThat(f.e().reason()).contains("crosses the page boundary");
  }

  @Test
  void garbageAppendedAfterTheLastPageIsCorruptionWhereItStarts() throws IOException {
    long size = Files.size(seg0);
    byte[] garbage = random(100, 9);
    garbage[0] = (byte) 0x99;
    append(seg0, garbage);
    Failure f = readUntilCorrupt(dir);
    assertThat(f.before()).containsExactly(a, b, c);
    assertThat(f.e().offset()).isEqualTo(size);
  }

  @Test
  void aPartiallyWrittenPageReadsUpToItsLastCompleteRecord() throws IOException {
    // What a process crash leaves: the records written, no padding.
    truncate(seg0, C_AT + 7 + 5);
    assertThat(bytes(readAll(dir))).containsExactly(a, b, c);

    // Garbage after the torn page's last record starts right there.
    append(seg0, new byte[] {(byte) 0xFF, 1, 2});
    Failure f = readUntilCorrupt(dir);
    assertThat(f.before()).containsExactly(a, b, c);
    assertThat(f.e().offset()).isEqualTo(C_AT + 12);
  }

  @Test
  void nonZeroBytesInPagePaddingAreCorruption() throws IOException {
    byte[] seg = Files.readAllBytes(seg0);
    seg[P + 5000] = 1;
    Files.write(seg0, seg);
    Failure f = readUntilCorrupt(dir);
    assertThat(f.before()).containsExactly(a, b, c);
    assertThat(f.e().offset()).isEqualTo(C_AT + 12);
    assertThat(f.e().reason()).isEqualTo("non-zero byte in page padding at offset " + (P + 5000));

    Path d = dir.resolve("tail");
    try (Wal wal = Wal.open(d, PLAIN)) {
      wal.log(random(D - 3, 4)); // leaves 3 bytes, padded
    }
    seg = Files.readAllBytes(segment(d, 0));
    seg[P - 1] = 7;
    Files.write(segment(d, 0), seg);
    f = readUntilCorrupt(d);
    assertThat(f.before()).hasSize(1);
    assertThat(f.e().offset()).isEqualTo(P - 3);
    assertThat(f.e().reason()).isEqualTo("non-zero byte in the last 3 bytes of a page");
  }

  @Test
  void rejectsBrokenFragmentSequences() throws IOException {
    byte[] x = {1, 2, 3};
    Failure f = readHandMade(fragment(3, x));
    assertThat(f.e().offset()).isZero();
    assertThat(f.e().reason()).isEqualTo("unexpected middle fragment");

    f = readHandMade(fragment(1, x), fragment(4, x));
    assertThat(f.before()).hasSize(1);
    assertThat(f.e().offset()).isEqualTo(10);
    assertThat(f.e().reason()).isEqualTo("unexpected last fragment");

    f = readHandMade(fragment(2, x), fragment(1, x));
    assertThat(f.e().offset()).isZero();
    assertThat(f.e().reason()).isEqualTo("unexpected full fragment at offset 10");

    f = readHandMade(fragment(2, x), fragment(3, x), fragment(2, x));
    assertThat(f.e().offset()).isZero();
    assertThat(f.e().reason()).isEqualTo("unexpected first fragment at offset 20");

    f = readHandMade(fragment(5, x));
    assertThat(f.e().reason()).isEqualTo("invalid fragment type 5");

    f = readHandMade(fragment(0x11, x));
    assertThat(f.e().reason()).contains("zstd compression is not supported");

    f = readHandMade(fragment(0x0a, x), fragment(0x04, x));
    assertThat(f.e().reason()).isEqualTo("compression flag changes within a record");
  }

  @Test
  void anUndecodableSnappyRecordIsCorruption() throws IOException {
    Failure f = readHandMade(fragment(0x09, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}));
    assertThat(f.e().offset()).isZero();
    assertThat(f.e().reason()).containsAnyOf("undecodable snappy", "claims");

    f = readHandMade(fragment(0x09, new byte[] {0x0a, 0x00, 0x61}));
    assertThat(f.e().reason()).contains("snappy");
  }

  @Test
  void readsAnEmptySnappyRecordAsEmpty() throws IOException {
    Path d = dir.resolve("empty-snappy");
    Files.createDirectories(d);
    Files.write(segment(d, 0), fragment(0x09, new byte[0]));
    assertThat(bytes(readAll(d))).containsExactly(new byte[0]);
  }

  @Test
  void neverContinuesARecordIntoTheNextSegment() throws IOException {
    Path d = dir.resolve("split");
    Files.createDirectories(d);
    Files.write(segment(d, 0), fragment(2, new byte[] {1}));
    Files.write(segment(d, 1), fragment(4, new byte[] {2}));
    Failure f = readUntilCorrupt(d);
    assertThat(f.e().segment()).isZero();
    assertThat(f.e().offset()).isZero();
    assertThat(f.e().reason()).startsWith("last record is torn");
  }

  @Test
  void readsRangesAcrossDirectoriesInOrder() throws IOException {
    Path other = dir.resolve("other");
    try (Wal wal = Wal.open(other, PLAIN)) {
      for (int i = 0; i < 4; i++) {
        wal.log(new byte[] {(byte) i});
        wal.nextSegment();
      }
    }
    List<Read> read = readAll(WalReader.open(SegmentRange.all(dir), new SegmentRange(other, 1, 2)));
    assertThat(bytes(read)).containsExactly(a, b, c, new byte[] {1}, new byte[] {2});
    assertThat(read).extracting(Read::segment).containsExactly(0, 0, 0, 1, 2);
    assertThat(readAll(WalReader.open(new SegmentRange(other, 3, -1)))).hasSize(1);
    assertThat(new SegmentRange(other, 2, -1).contains(1)).isFalse();
  }

  @Test
  void readsEmptySegmentsAndEmptyDirectoriesAsNoRecords() throws IOException {
    Path d = dir.resolve("empty");
    Files.createDirectories(d);
    assertThat(readAll(d)).isEmpty();
    assertThat(SegmentRange.existing(d)).isEmpty();
    Files.createFile(segment(d, 0));
    Files.createFile(segment(d, 1));
    assertThat(readAll(d)).isEmpty();
    try (WalReader r = WalReader.open(d)) {
      assertThat(r.next()).isFalse();
      assertThat(r.next()).isFalse();
      assertThat(r.segment()).isEqualTo(-1);
    }
  }
}
