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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.tsdb.wal.WalFiles.Read;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WalRepairTest {
  private static final WalOptions OPTIONS = new WalOptions(4 * PAGE_SIZE, false);

  @TempDir Path dir;

  private final List<byte[]> records = new ArrayList<>();
  private List<Read> written;
  private int last;

  @BeforeEach
  void writeThreeSegments() throws IOException {
    try (Wal wal = Wal.open(dir, OPTIONS)) {
      for (int i = 0; i < 100; i++) {
        records.add(random(2000 + i * 37, i));
        wal.log(records.get(i));
      }
    }
    written = readAll(dir);
    last = written.get(written.size() - 1).segment();
    assertThat(last).isGreaterThanOrEqualTo(2);
  }

  /** Index of the {@code n}-th record of segment {@code s}. */
  private int recordIn(int s, int n) {
    for (int i = 0; i < written.size(); i++) {
      if (written.get(i).segment() == s) {
        return i + n;
      }
    }
    throw new AssertionError("no segment " + s);
  }

  enum Damage {
    TORN_LAST_RECORD,
    CUT_MID_RECORD,
    FLIPPED_BYTE_IN_A_MIDDLE_SEGMENT,
    GARBAGE_APPENDED,
    PARTIAL_PAGE_WITH_GARBAGE
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void repairKeepsExactlyTheRecordsBeforeTheDamageAndTheWalKeepsAcceptingRecords(Damage damage)
      throws IOException {
    int keep; // records that survive
    int badSegment;
    long badOffset;
    List<Integer> deleted = new ArrayList<>();
    switch (damage) {
      case TORN_LAST_RECORD -> {
        keep = written.size() - 1;
        Read lastRecord = written.get(keep);
        truncate(segment(dir, last), lastRecord.offset() + 10);
        badSegment = last;
        badOffset = lastRecord.offset();
      }
      case CUT_MID_RECORD -> {
        keep = recordIn(last, 3);
        Read r = written.get(keep);
        truncate(segment(dir, last), r.offset() + 7 + 1000);
        badSegment = last;
        badOffset = r.offset();
      }
      case FLIPPED_BYTE_IN_A_MIDDLE_SEGMENT -> {
        keep = recordIn(1, 5);
        Read r = written.get(keep);
        flipByte(segment(dir, 1), r.offset() + 7 + 500);
        badSegment = 1;
        badOffset = r.offset();
        deleted = new ArrayList<>();
        for (int s = 2; s <= last; s++) {
          deleted.add(s);
        }
      }
      case GARBAGE_APPENDED -> {
        keep = written.size();
        badSegment = last;
        badOffset = Files.size(segment(dir, last));
        append(segment(dir, last), new byte[] {0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9});
      }
      case PARTIAL_PAGE_WITH_GARBAGE -> {
        keep = written.size();
        Read lastRecord = written.get(keep - 1);
        badOffset = lastRecord.offset() + 7 + lastRecord.bytes().length;
        truncate(segment(dir, last), badOffset);
        append(segment(dir, last), random(3000, 77));
        flipByte(segment(dir, last), badOffset); // make sure the garbage does not start with 0
        badSegment = last;
      }
      default -> throw new AssertionError(damage);
    }
    long sizeBefore = Files.size(segment(dir, badSegment));

    CorruptSegmentException e =
        catchThrowableOfType(CorruptSegmentException.class, () -> readAll(dir));
    assertThat(e).isNotNull();
    assertThat(e.segment()).isEqualTo(badSegment);
    assertThat(e.offset()).isEqualTo(badOffset);

    RepairResult result = WalRepair.repair(dir, e);
    assertThat(result.segment()).isEqualTo(badSegment);
    assertThat(result.truncatedAt()).isEqualTo(badOffset);
    assertThat(result.droppedBytes()).isEqualTo(sizeBefore - badOffset);
    assertThat(result.deletedSegments()).isEqualTo(deleted);
    assertThat(Files.size(segment(dir, badSegment)) % PAGE_SIZE).isZero();

    assertThat(bytes(readAll(dir))).containsExactlyElementsOf(records.subList(0, keep));

    byte[] more = random(5000, 1234);
    try (Wal wal = Wal.open(dir, OPTIONS)) {
      assertThat(wal.lastSegment()).isEqualTo(badSegment + 1);
      wal.log(more);
    }
    List<byte[]> expected = new ArrayList<>(records.subList(0, keep));
    expected.add(more);
    assertThat(bytes(readAll(dir))).containsExactlyElementsOf(expected);
  }

  @Test
  void repairsARecordWhosePayloadDoesNotDecode() throws IOException {
    int bad = recordIn(1, 2);
    CorruptSegmentException e;
    try (WalReader r = WalReader.open(dir)) {
      for (int i = 0; i <= bad; i++) {
        assertThat(r.next()).isTrue();
      }
      // What the head does when a record's payload fails to decode.
      e =
          new CorruptSegmentException(
              r.segmentDir(), r.segment(), r.offset(), "samples record: truncated", null);
    }
    RepairResult result = WalRepair.repair(dir, e);
    assertThat(result.deletedSegments()).first().isEqualTo(2);
    assertThat(result.deletedSegments()).last().isEqualTo(last);
    assertThat(bytes(readAll(dir))).containsExactlyElementsOf(records.subList(0, bad));
  }

  @Test
  void refusesToRepairCorruptionOutsideTheWalDirectory() {
    Path checkpoint = dir.resolve("checkpoint.00000001");
    CorruptSegmentException e = new CorruptSegmentException(checkpoint, 0, 0, "bad", null);
    assertThatThrownBy(() -> WalRepair.repair(dir, e))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not in the WAL directory");
  }

  @Test
  void refusesACutBeyondTheEndOfTheSegment() throws IOException {
    long size = Files.size(segment(dir, 1));
    CorruptSegmentException e = new CorruptSegmentException(dir, 1, size + 1, "bad", null);
    assertThatThrownBy(() -> WalRepair.repair(dir, e))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beyond the end");
    CorruptSegmentException missing = new CorruptSegmentException(dir, 7, 0, "bad", null);
    assertThatThrownBy(() -> WalRepair.repair(dir, missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void refusesToCutInsideARecord() throws IOException {
    Read r = written.get(recordIn(1, 1));
    CorruptSegmentException e = new CorruptSegmentException(dir, 1, r.offset() + 3, "bad", null);
    assertThatThrownBy(() -> WalRepair.repair(dir, e))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("still corrupt");
  }
}
