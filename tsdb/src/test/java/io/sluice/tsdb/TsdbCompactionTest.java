// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import static io.sluice.tsdb.TsdbFixtures.bits;
import static io.sluice.tsdb.TsdbFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.block.Block;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.testing.MutableClock;
import io.sluice.tsdb.wal.WalOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdbCompactionTest {
  private static final long HOUR = 3_600_000;
  private static final long T0 = 1_700_006_400_000L; // a 2 h boundary

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(0);

  private TsdbOptions options(long retentionMs) {
    HeadOptions head = HeadOptions.defaults(clock);
    return new TsdbOptions(
        head, new WalOptions(4 * 32 * 1024, true), false, 2, head.chunkRangeMs(), retentionMs);
  }

  private Path dir() {
    return tmp.resolve("tenant");
  }

  /** 20 series, one sample a minute from {@code from} (inclusive) to {@code to} (exclusive). */
  private static List<String> fill(Tsdb db, long from, long to) throws IOException {
    List<String> written = new ArrayList<>();
    for (long t = from; t < to; t += 60_000) {
      for (int i = 0; i < 20; i++) {
        Labels l = Labels.of("__name__", "m", "i", Integer.toString(i));
        write(db, l, t, bits(t / 1000.0 + i));
        written.add(l + " " + t + " " + Long.toHexString(bits(t / 1000.0 + i)));
      }
    }
    return written;
  }

  private static List<String> everything(Tsdb db) {
    List<String> out = new ArrayList<>();
    try (Querier q = db.querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        SampleIterator it = s.samples();
        while (it.next()) {
          out.add(s.labels() + " " + it.timestamp() + " " + Long.toHexString(it.valueBits()));
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static List<String> sorted(List<String> l) {
    List<String> c = new ArrayList<>(l);
    c.sort(null);
    return c;
  }

  private List<String> dirs() throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theHeadIsCutIntoAlignedBlocksOnceItSpansOneAndAHalfRanges() throws IOException {
    List<String> written;
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      written = fill(db, T0 - 30 * 60_000, T0 + HOUR);
      assertThat(db.compactHead()).isEmpty();

      written.addAll(fill(db, T0 + HOUR, T0 + 4 * HOUR));
      List<BlockMeta> cut = db.compactHead();

      assertThat(cut).extracting(BlockMeta::minTime).containsExactly(T0 - 30 * 60_000, T0);
      assertThat(cut).extracting(BlockMeta::maxTime).containsExactly(T0, T0 + 2 * HOUR);
      assertThat(cut.get(1).stats().numSamples()).isEqualTo(20 * 120);
      assertThat(db.head().minTime()).isEqualTo(T0 + 2 * HOUR);
      assertThat(db.head().minValidTime()).isEqualTo(T0 + 2 * HOUR);
      assertThat(db.blocks()).hasSize(2);
      assertThat(everything(db)).containsExactlyElementsOf(sorted(written));
    }
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      assertThat(db.blocks()).hasSize(2);
      assertThat(everything(db)).containsExactlyElementsOf(sorted(written));
      assertThat(db.replayStats().failedSamples()).isZero();
    }
  }

  @Test
  void aCrashBeforeTheBlockIsRenamedLeavesNoBlockAndLosesNothing() throws IOException {
    List<String> written;
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      written = fill(db, T0, T0 + 4 * HOUR);
      db.compactionHooks(
          () -> {
            throw new SimulatedCrash();
          },
          () -> {});
      assertThatThrownBy(db::compactHead).isInstanceOf(SimulatedCrash.class);
      assertThat(dirs()).anyMatch(n -> n.endsWith(".tmp-for-creation"));
    }
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      assertThat(dirs()).containsExactlyInAnyOrder("lock", "wal");
      assertThat(db.blocks()).isEmpty();
      assertThat(everything(db)).containsExactlyElementsOf(sorted(written));
      assertThat(db.compactHead()).hasSize(1);
      assertThat(everything(db)).containsExactlyElementsOf(sorted(written));
    }
  }

  @Test
  void aCrashAfterTheRenameButBeforeWalTruncationNeitherLosesNorDuplicates() throws IOException {
    List<String> written;
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      written = fill(db, T0, T0 + 4 * HOUR);
      db.compactionHooks(
          () -> {},
          () -> {
            throw new SimulatedCrash();
          });
      assertThatThrownBy(db::compactHead).isInstanceOf(SimulatedCrash.class);
    }
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      assertThat(db.blocks()).hasSize(1);
      assertThat(db.head().minValidTime()).isEqualTo(T0 + 2 * HOUR);
      assertThat(everything(db)).containsExactlyElementsOf(sorted(written));
      // The block's samples are still in the WAL; replay skipped them without failing.
      assertThat(db.replayStats().failedSamples()).isZero();
      assertThat(db.head().minTime()).isGreaterThanOrEqualTo(T0 + 2 * HOUR);
    }
  }

  @Test
  void flushWritesEverythingButTheNewestTimestamp() throws IOException {
    List<String> written;
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      written = fill(db, T0 + HOUR, T0 + 2 * HOUR + 30 * 60_000 + 1);
      long newest = db.head().maxTime();

      List<BlockMeta> flushed = db.flush();

      assertThat(flushed).extracting(BlockMeta::maxTime).containsExactly(T0 + 2 * HOUR, newest);
      long inHead = 0;
      try (Querier q = db.head().querier()) {
        SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
        while (set.hasNext()) {
          SampleIterator it = set.next().samples();
          while (it.next()) {
            assertThat(it.timestamp()).isEqualTo(newest);
            inHead++;
          }
        }
      }
      assertThat(inHead).isEqualTo(20);
      assertThat(everything(db)).containsExactlyElementsOf(sorted(written));
    }
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      assertThat(everything(db)).containsExactlyElementsOf(sorted(written));
    }
  }

  @Test
  void aHeadWhoseOldestSampleIsOlderThanOneAndAHalfRangesByTheClockIsCut() throws IOException {
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      fill(db, T0, T0 + HOUR);
      clock.set(T0 + HOUR);
      assertThat(db.compactHead()).isEmpty();
      clock.set(T0 + 4 * HOUR);
      assertThat(db.compactHead()).extracting(BlockMeta::maxTime).containsExactly(T0 + 2 * HOUR);
      assertThat(db.head().numSeries()).isZero();
    }
  }

  @Test
  void retentionDeletesOldBlocksOnlyWhenAllowedAndNeverTheNewest() throws IOException {
    try (Tsdb db = Tsdb.open(dir(), options(3 * HOUR))) {
      fill(db, T0, T0 + 10 * HOUR);
      assertThat(db.compactHead()).hasSize(4);
      assertThat(db.applyRetention(m -> false)).isEmpty();

      List<BlockMeta> deleted = db.applyRetention(m -> true);

      // Blocks end at +2, +4, +6, +8 h: those ending more than 3 h before the newest go.
      assertThat(deleted)
          .extracting(BlockMeta::maxTime)
          .containsExactly(T0 + 2 * HOUR, T0 + 4 * HOUR);
      assertThat(db.blocks())
          .extracting(Block::maxTime)
          .containsExactly(T0 + 6 * HOUR, T0 + 8 * HOUR);
      assertThat(dirs()).doesNotContain(deleted.get(0).ulid().toString());
    }
  }

  @Test
  void aCorruptBlockIsReportedByNameAndSkippedWhileTheOthersAreServed() throws IOException {
    String bad;
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      fill(db, T0, T0 + 6 * HOUR + 60_000);
      List<BlockMeta> cut = db.compactHead();
      assertThat(cut).hasSize(2);
      bad = cut.get(0).ulid().toString();
    }
    Path index = dir().resolve(bad).resolve("index");
    try (RandomAccessFile f = new RandomAccessFile(index.toFile(), "rw")) {
      f.seek(f.length() - 10); // inside the TOC
      f.write(f.read() ^ 0x40);
    }
    try (Tsdb db = Tsdb.open(dir(), options(0))) {
      assertThat(db.corruptBlocks()).containsExactly(bad);
      assertThat(db.blocks()).hasSize(1);
      assertThat(everything(db)).isNotEmpty().noneMatch(l -> l.contains(" " + T0 + " "));
    }
  }

  // An Error, as a kill would be: the writer's clean-up of its temporary directory does not run.
  private static final class SimulatedCrash extends Error {
    SimulatedCrash() {
      super("simulated crash", null, false, false);
    }
  }
}
