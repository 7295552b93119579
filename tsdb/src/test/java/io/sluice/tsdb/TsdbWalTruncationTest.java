// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import static io.sluice.tsdb.TsdbFixtures.bits;
import static io.sluice.tsdb.TsdbFixtures.dump;
import static io.sluice.tsdb.TsdbFixtures.options;
import static io.sluice.tsdb.TsdbFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.wal.CheckpointStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdbWalTruncationTest {
  private static final long HOUR = 3_600_000;
  @TempDir Path tmp;

  private static List<String> walEntries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve(Tsdb.WAL_DIR))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Writes series "old" i (samples before the cut only) and "live" i (samples on both sides). */
  private static void fill(Tsdb db) throws IOException {
    for (int round = 0; round < 120; round++) {
      long t = round * 60_000L;
      for (int i = 0; i < 100; i++) {
        write(db, Labels.of("__name__", "old", "i", "" + i), t, bits(round));
        write(db, Labels.of("__name__", "live", "i", "" + i), t, bits(round));
      }
    }
    for (int round = 0; round < 60; round++) {
      long t = 2 * HOUR + round * 60_000L;
      for (int i = 0; i < 100; i++) {
        write(db, Labels.of("__name__", "live", "i", "" + i), t, bits(-round));
      }
    }
  }

  @Test
  void checkpointKeepsLiveSeriesAndNewSamplesAndTheRestIsDeleted() throws IOException {
    Path dir = tmp.resolve("t");
    Map<String, List<String>> kept;
    Optional<CheckpointStats> stats;
    try (Tsdb db = Tsdb.open(dir, options(false, false))) {
      fill(db);
      int segmentsBefore = (int) walEntries(dir).stream().filter(n -> n.matches("\\d{8}")).count();
      assertThat(segmentsBefore).isGreaterThan(6);

      Optional<CheckpointStats> first = db.truncateHead(2 * HOUR);
      // The "old" series were removed while the newest segment was written, which may hold their
      // samples: their records survive this checkpoint.
      assertThat(first).isPresent();
      assertThat(first.get().droppedSeries()).isZero();
      assertThat(first.get().droppedSamples()).isPositive();

      for (int round = 60; round < 120; round++) {
        for (int i = 0; i < 100; i++) {
          write(db, Labels.of("__name__", "live", "i", "" + i), 2 * HOUR + round * 60_000L, 0);
        }
      }
      stats = db.truncateHead(2 * HOUR);
      kept = dump(db.head());

      assertThat(stats).isPresent();
      assertThat(stats.get().droppedSeries()).isEqualTo(100);
      List<String> after = walEntries(dir);
      assertThat(after).contains(stats.get().checkpoint().dir().getFileName().toString());
      assertThat(after).filteredOn(n -> n.startsWith("checkpoint")).hasSize(1);
      assertThat(after.stream().filter(n -> n.matches("\\d{8}")).count())
          .isLessThan(segmentsBefore);
    }
    assertThat(kept).hasSize(100).allSatisfy((k, v) -> assertThat(v).hasSize(120));

    try (Tsdb db = Tsdb.open(dir, options(false, false))) {
      Map<String, List<String>> replayed = dump(db.head());
      // Samples of live series from segments after the checkpoint may be older than the cut (no
      // block sets a floor here); every kept sample must be back, and no "old" series whose
      // records were all folded away.
      for (Map.Entry<String, List<String>> e : kept.entrySet()) {
        assertThat(replayed.get(e.getKey())).containsAll(e.getValue());
      }
      assertThat(replayed.keySet()).allMatch(k -> k.contains("live") || k.contains("old"));
      assertThat(db.replayStats().failedSamples()).isZero();
    }
  }

  @Test
  void tooFewSegmentsWriteNoCheckpoint() throws IOException {
    Path dir = tmp.resolve("t");
    try (Tsdb db = Tsdb.open(dir, options(false, false))) {
      write(db, Labels.of("__name__", "x"), 0, bits(1));
      assertThat(db.truncateWal(0)).isEmpty();
      assertThat(walEntries(dir)).noneMatch(n -> n.startsWith("checkpoint"));
    }
  }
}
