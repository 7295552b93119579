// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import static io.sluice.tsdb.TsdbFixtures.bits;
import static io.sluice.tsdb.TsdbFixtures.dump;
import static io.sluice.tsdb.TsdbFixtures.options;
import static io.sluice.tsdb.TsdbFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RecordEncoder;
import io.sluice.tsdb.record.RecordType;
import io.sluice.tsdb.record.RefSeries;
import io.sluice.tsdb.wal.WalFormat;
import io.sluice.tsdb.wal.WalReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TsdbTest {
  private static final long STALE = 0x7ff0000000000002L;
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path tmp;

  private Path db() {
    return tmp.resolve("tenant");
  }

  @Test
  void aNewOrEmptyWalOpensWithoutReplayThreadsAndStillReplaysOnceItHasRecords() throws Exception {
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      assertThat(db.replayStats().series()).isZero();
    }
    // Reopened with only empty segments: still nothing to replay, and no replay worker started.
    TsdbOptions options = options(false, false);
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long started = threads.getTotalStartedThreadCount();
    try (Tsdb db = Tsdb.open(db(), options)) {
      assertThat(threads.getTotalStartedThreadCount() - started)
          .isLessThan(options.replayWorkers());
      write(db, Labels.of("__name__", "m"), T0, bits(1));
    }
    try (Tsdb db = Tsdb.open(db(), options)) {
      assertThat(db.replayStats().series()).isEqualTo(1);
      assertThat(db.replayStats().samples()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "compression {0}")
  @ValueSource(booleans = {false, true})
  void reopeningRestoresSeriesRefsLabelsAndSamplesBitExactly(boolean compress) throws IOException {
    Map<String, List<String>> before;
    try (Tsdb db = Tsdb.open(db(), options(compress, false))) {
      for (int i = 0; i < 50; i++) {
        Labels l = Labels.of("__name__", "m", "i", Integer.toString(i));
        write(db, l, T0, bits(i), T0 + 15_000, bits(-i * 0.5), T0 + 30_000, STALE);
      }
      write(db, Labels.of("__name__", "nan"), T0, 0x7ff8000000000001L, T0 + 1, bits(-0.0));
      before = dump(db.head());
    }
    assertThat(before).hasSize(51);
    try (Tsdb db = Tsdb.open(db(), options(compress, false))) {
      assertThat(dump(db.head())).isEqualTo(before);
      assertThat(db.replayStats().samples()).isEqualTo(50 * 3 + 2);
      assertThat(db.replayStats().series()).isEqualTo(51);
      assertThat(db.replayStats().failedSamples()).isZero();
      assertThat(db.corruptions()).isZero();
      assertThat(dump(db.head()).get("1 {__name__=\"m\", i=\"0\"}"))
          .containsExactly(T0 + ":0", (T0 + 15_000) + ":0", (T0 + 30_000) + ":7ff0000000000002");
    }
  }

  @Test
  void theNextNewSeriesAfterReplayGetsTheHighestReplayedRefPlusOne() throws IOException {
    try (Tsdb db = Tsdb.open(db(), options(true, false))) {
      for (int i = 0; i < 7; i++) {
        write(db, Labels.of("i", Integer.toString(i)), T0, bits(i));
      }
    }
    try (Tsdb db = Tsdb.open(db(), options(true, false))) {
      long known = write(db, Labels.of("i", "3"), T0 + 1, bits(1));
      long fresh = write(db, Labels.of("i", "new"), T0, bits(1));
      assertThat(known).isEqualTo(4);
      assertThat(fresh).isEqualTo(8);
    }
    // Replay marked the known series logged: the write after it logged no series record again.
    assertThat(seriesRecordEntries(db().resolve("wal"), 4)).isOne();
    assertThat(seriesRecordEntries(db().resolve("wal"), 8)).isOne();
    try (Tsdb db = Tsdb.open(db(), options(true, false))) {
      assertThat(dump(db.head()))
          .containsEntry(
              "4 {i=\"3\"}", List.of(T0 + ":4008000000000000", (T0 + 1) + ":3ff0000000000000"))
          .containsEntry("8 {i=\"new\"}", List.of(T0 + ":3ff0000000000000"));
    }
  }

  @Test
  void aSeriesRecordRepeatedWithTheSameRefReplaysAsOneSeries() throws IOException {
    byte[] key = Labels.of("__name__", "dup").toKey();
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      RecordEncoder enc = new RecordEncoder();
      for (int i = 0; i < 3; i++) {
        enc.reset();
        enc.beginSeries();
        enc.series(1, key, 0, key.length);
        enc.beginSamples();
        enc.sample(1, T0 + i, bits(i));
        db.log(enc.buffer(), enc.bounds(), enc.recordCount());
      }
    }
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      assertThat(db.head().numSeries()).isEqualTo(1);
      assertThat(dump(db.head()))
          .containsExactly(
              Map.entry(
                  "1 {__name__=\"dup\"}",
                  List.of(
                      T0 + ":0", (T0 + 1) + ":3ff0000000000000", (T0 + 2) + ":4000000000000000")));
      assertThat(db.replayStats().series()).isEqualTo(1);
    }
  }

  @Test
  void aSeriesRecordWithAnotherRefForAKnownSeriesSendsItsSamplesToTheKnownSeriesInOrder()
      throws IOException {
    byte[] key = Labels.of("__name__", "alias").toKey();
    List<String> expected = new ArrayList<>();
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      RecordEncoder enc = new RecordEncoder();
      enc.beginSeries();
      enc.series(1, key, 0, key.length);
      enc.series(5, key, 0, key.length);
      enc.beginSamples();
      // Alternating refs of one series: sharding by the WAL's ref would race the two workers.
      for (int i = 0; i < 3000; i++) {
        enc.sample(i % 2 == 0 ? 1 : 5, T0 + i, bits(i));
        expected.add((T0 + i) + ":" + Long.toHexString(bits(i)));
      }
      db.log(enc.buffer(), enc.bounds(), enc.recordCount());
    }
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      assertThat(dump(db.head())).containsExactly(Map.entry("1 {__name__=\"alias\"}", expected));
      assertThat(db.replayStats().failedSamples()).isZero();
    }
  }

  @Test
  void reopeningRestoresOutOfOrderSamplesAcceptedInsideTheWindow() throws IOException {
    TsdbOptions o = options(false, false);
    TsdbOptions ooo =
        new TsdbOptions(
            o.head().withOutOfOrder(600_000, 32), o.wal(), o.walFsync(), o.replayWorkers());
    Labels l = Labels.of("__name__", "late");
    Map<String, List<String>> before;
    try (Tsdb db = Tsdb.open(db(), ooo)) {
      write(db, l, T0 + 60_000, bits(3));
      write(db, l, T0 + 30_000, bits(2), T0, STALE);
      before = dump(db.head());
    }
    assertThat(before.values().iterator().next())
        .containsExactly(
            T0 + ":7ff0000000000002", (T0 + 30_000) + ":" + hex(2), (T0 + 60_000) + ":" + hex(3));
    for (TsdbOptions reopen : List.of(ooo, o)) {
      try (Tsdb db = Tsdb.open(db(), reopen)) {
        assertThat(dump(db.head())).isEqualTo(before);
        assertThat(db.replayStats().samples()).isEqualTo(3);
        assertThat(db.replayStats().failedSamples()).isZero();
      }
    }
  }

  @Test
  void replayKeepsSamplesOfOneSeriesThatReachedTheWalOutOfOrderEvenWithoutAWindow()
      throws IOException {
    // Two requests appended T0 then T0 + 1 in memory but logged in the other order.
    byte[] key = Labels.of("__name__", "raced").toKey();
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      RecordEncoder enc = new RecordEncoder();
      enc.beginSeries();
      enc.series(1, key, 0, key.length);
      enc.beginSamples();
      enc.sample(1, T0 + 1, bits(2));
      db.log(enc.buffer(), enc.bounds(), enc.recordCount());
      enc = new RecordEncoder();
      enc.beginSamples();
      enc.sample(1, T0, bits(1));
      db.log(enc.buffer(), enc.bounds(), enc.recordCount());
    }
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      assertThat(dump(db.head()))
          .containsExactly(
              Map.entry(
                  "1 {__name__=\"raced\"}", List.of(T0 + ":" + hex(1), (T0 + 1) + ":" + hex(2))));
      assertThat(db.replayStats().failedSamples()).isZero();
    }
  }

  private static String hex(double v) {
    return Long.toHexString(bits(v));
  }

  enum Damage {
    TRUNCATE_MID_RECORD,
    FLIP_A_BYTE,
    APPEND_GARBAGE
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Damage.class)
  void aDamagedTailIsRepairedCountedOnceAndEverythingBeforeItIsKept(Damage damage)
      throws IOException {
    Labels a = Labels.of("__name__", "a");
    Labels b = Labels.of("__name__", "b");
    Map<String, List<String>> beforeLast;
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      for (int i = 0; i < 20; i++) {
        write(db, a, T0 + i, bits(i));
      }
      write(db, b, T0, bits(7));
      beforeLast = dump(db.head());
      write(db, a, T0 + 100, bits(100)); // the last request: a samples record only
    }
    Path seg = db().resolve("wal").resolve(WalFormat.segmentName(0));
    long lastOffset = lastRecordOffset(db().resolve("wal"));
    switch (damage) {
      case TRUNCATE_MID_RECORD -> truncate(seg, lastOffset + 9);
      case FLIP_A_BYTE -> flip(seg, lastOffset + 9);
      case APPEND_GARBAGE -> appendBytes(seg, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    }
    Map<String, List<String>> expected = beforeLast;
    if (damage == Damage.APPEND_GARBAGE) {
      expected = new java.util.TreeMap<>(beforeLast);
      List<String> as = new ArrayList<>(expected.get("1 {__name__=\"a\"}"));
      as.add((T0 + 100) + ":4059000000000000");
      expected.put("1 {__name__=\"a\"}", as);
    }
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      assertThat(db.corruptions()).isOne();
      assertThat(db.replayStats().repair()).isPresent();
      assertThat(db.replayStats().repair().get().segment()).isZero();
      assertThat(dump(db.head())).isEqualTo(expected);
      write(db, b, T0 + 1, bits(8));
    }
    try (Tsdb db = Tsdb.open(db(), options(false, false))) {
      assertThat(db.corruptions()).isZero();
      assertThat(dump(db.head()).get("2 {__name__=\"b\"}"))
          .containsExactly(T0 + ":401c000000000000", (T0 + 1) + ":4020000000000000");
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsWhileTheFirstHoldsTheLock() throws IOException {
    try (Tsdb db = Tsdb.open(db(), options(true, false))) {
      assertThat(db.dir().resolve(Tsdb.LOCK_FILE)).exists();
      assertThatThrownBy(() -> Tsdb.open(db(), options(true, false)))
          .isInstanceOf(DatabaseLockedException.class);
    }
    assertThat(db().resolve(Tsdb.LOCK_FILE)).doesNotExist();
    try (Tsdb db = Tsdb.open(db(), options(true, false))) {
      assertThat(db.head().numSeries()).isZero();
    }
  }

  @Test
  void withFsyncEachLoneWriteReturnsOnlyAfterItsOwnFsync() throws IOException {
    try (Tsdb db = Tsdb.open(db(), options(true, true))) {
      for (int i = 0; i < 5; i++) {
        write(db, Labels.of("i", "x"), T0 + i, bits(i));
        assertThat(db.syncCount()).isEqualTo(i + 1);
      }
    }
  }

  @Test
  void withoutFsyncWritesDoNotSync() throws IOException {
    try (Tsdb db = Tsdb.open(db(), options(true, false))) {
      write(db, Labels.of("i", "x"), T0, bits(1));
      assertThat(db.syncCount()).isZero();
    }
  }

  @Test
  void concurrentWritersShareOneFsyncAndEachReturnsOnlyAfterIt() throws Exception {
    int writers = 8;
    AtomicReference<Tsdb> ref = new AtomicReference<>();
    CountDownLatch firstSync = new CountDownLatch(1);
    Runnable hook =
        () -> {
          if (firstSync.getCount() == 0) {
            return;
          }
          // Hold the first fsync until every writer has written, so that it must cover all.
          for (int spins = 0; ref.get().completedWrites() < writers; spins++) {
            if (spins > 200_000) {
              throw new IllegalStateException("writers did not arrive");
            }
            LockSupport.parkNanos(50_000);
          }
          firstSync.countDown();
        };
    try (Tsdb db = Tsdb.open(db(), options(true, true), hook)) {
      ref.set(db);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<Long>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          Labels l = Labels.of("w", Integer.toString(w));
          done.add(
              pool.submit(
                  () -> {
                    write(db, l, T0, bits(1));
                    return db.syncCount();
                  }));
        }
        for (Future<Long> f : done) {
          assertThat(f.get()).as("syncs seen when the write returned").isOne();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(db.syncCount()).isOne().isLessThan(writers);
    }
  }

  private static long lastRecordOffset(Path wal) throws IOException {
    long last = -1;
    try (WalReader r = WalReader.open(wal)) {
      while (r.next()) {
        assertThat(r.segment()).isZero();
        last = r.offset();
      }
    }
    return last;
  }

  // How many entries of the WAL's series records carry this ref.
  private static int seriesRecordEntries(Path wal, long ref) throws IOException {
    int n = 0;
    RecordDecoder dec = new RecordDecoder();
    try (WalReader r = WalReader.open(wal)) {
      while (r.next()) {
        byte[] rec = r.recordBuffer();
        if (RecordDecoder.type(rec, 0, r.recordLength()) == RecordType.SERIES) {
          for (RefSeries e : dec.series(rec, 0, r.recordLength())) {
            n += e.ref() == ref ? 1 : 0;
          }
        }
      }
    }
    return n;
  }

  private static void truncate(Path f, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private static void flip(Path f, long at) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x5a));
      b.rewind();
      ch.write(b, at);
    }
  }

  private static void appendBytes(Path f, byte[] bytes) throws IOException {
    Files.write(f, bytes, StandardOpenOption.APPEND);
  }
}
