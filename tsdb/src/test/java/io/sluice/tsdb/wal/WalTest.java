// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static io.sluice.tsdb.wal.WalFiles.bytes;
import static io.sluice.tsdb.wal.WalFiles.compressible;
import static io.sluice.tsdb.wal.WalFiles.fragments;
import static io.sluice.tsdb.wal.WalFiles.random;
import static io.sluice.tsdb.wal.WalFiles.readAll;
import static io.sluice.tsdb.wal.WalFiles.segment;
import static io.sluice.tsdb.wal.WalFormat.PAGE_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.wal.WalFiles.Fragment;
import io.sluice.tsdb.wal.WalFiles.Read;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WalTest {
  private static final int P = PAGE_SIZE;
  private static final int D = WalFormat.MAX_FRAGMENT_DATA;
  private static final WalOptions PLAIN = new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, false);

  @TempDir Path dir;

  private static String layout(List<Fragment> fragments) {
    List<String> s = new ArrayList<>();
    for (Fragment f : fragments) {
      s.add(WalFormat.kindName(f.type() & 7) + "@" + f.offset() + ":" + f.length());
    }
    return String.join(" ", s);
  }

  static Stream<Arguments> boundarySizes() {
    return Stream.of(
        Arguments.of(0, "full@0:0", P),
        Arguments.of(1, "full@0:1", P),
        Arguments.of(D - 1, "full@0:" + (D - 1), P),
        Arguments.of(D, "full@0:" + D, P),
        Arguments.of(D + 1, "first@0:" + D + " last@" + P + ":1", 2 * P),
        Arguments.of(P, "first@0:" + D + " last@" + P + ":7", 2 * P),
        Arguments.of(
            3 * P,
            "first@0:"
                + D
                + " middle@"
                + P
                + ":"
                + D
                + " middle@"
                + 2 * P
                + ":"
                + D
                + " last@"
                + 3 * P
                + ":21",
            4 * P));
  }

  @ParameterizedTest(name = "{0} bytes")
  @MethodSource("boundarySizes")
  void cutsARecordIntoTheFragmentsTheFormatPrescribes(int size, String expected, long fileSize)
      throws IOException {
    byte[] rec = random(size, size);
    try (Wal wal = Wal.open(dir, PLAIN)) {
      wal.log(rec);
    }
    assertThat(layout(fragments(segment(dir, 0)))).isEqualTo(expected);
    assertThat(Files.size(segment(dir, 0))).isEqualTo(fileSize);
    List<Read> read = readAll(dir);
    assertThat(read).hasSize(1);
    assertThat(read.get(0).bytes()).isEqualTo(rec);
    assertThat(read.get(0).offset()).isZero();
  }

  @Test
  void padsThePageWhenARecordLeavesLessThanAHeader() throws IOException {
    try (Wal wal = Wal.open(dir, PLAIN)) {
      wal.log(random(D - 6, 1), random(5, 2));
    }
    assertThat(layout(fragments(segment(dir, 0))))
        .isEqualTo("full@0:" + (D - 6) + " full@" + P + ":5");
    byte[] seg = Files.readAllBytes(segment(dir, 0));
    for (int i = P - 6; i < P; i++) {
      assertThat(seg[i]).isZero();
    }
  }

  @Test
  void writesAnEmptyFirstFragmentWhenExactlyAHeaderIsLeft() throws IOException {
    byte[] a = random(P - 14, 1);
    byte[] b = random(10, 2);
    try (Wal wal = Wal.open(dir, PLAIN)) {
      wal.log(a);
      wal.log(b);
    }
    assertThat(layout(fragments(segment(dir, 0))))
        .isEqualTo("full@0:" + (P - 14) + " first@" + (P - 7) + ":0 last@" + P + ":10");
    assertThat(bytes(readAll(dir))).containsExactly(a, b);
  }

  @Test
  void fillsSegmentsExactlyAndThenStartsTheNext() throws IOException {
    List<byte[]> recs = new ArrayList<>();
    try (Wal wal = Wal.open(dir, new WalOptions(2 * P, false))) {
      for (int i = 0; i < 6; i++) {
        recs.add(random(D, i));
        wal.log(recs.get(i));
      }
      assertThat(wal.lastSegment()).isEqualTo(2);
    }
    for (int s = 0; s < 3; s++) {
      assertThat(Files.size(segment(dir, s))).isEqualTo(2 * P);
      assertThat(layout(fragments(segment(dir, s))))
          .isEqualTo("full@0:" + D + " full@" + P + ":" + D);
    }
    List<Read> read = readAll(dir);
    assertThat(bytes(read)).containsExactlyElementsOf(recs);
    assertThat(read).extracting(Read::segment).containsExactly(0, 0, 1, 1, 2, 2);
  }

  @Test
  void startsANewSegmentWhenARecordDoesNotFitTheRestOfTheSegment() throws IOException {
    byte[] two = random(2 * D, 1);
    byte[] small = random(100, 2);
    byte[] tooBig = random(2 * D - 100, 3);
    try (Wal wal = Wal.open(dir, new WalOptions(2 * P, false))) {
      wal.log(two); // exactly fills segment 0
      wal.log(small); // segment 1
      wal.log(tooBig); // 7 bytes too many for the rest of segment 1
    }
    assertThat(layout(fragments(segment(dir, 0))))
        .isEqualTo("first@0:" + D + " last@" + P + ":" + D);
    assertThat(layout(fragments(segment(dir, 1)))).isEqualTo("full@0:100");
    assertThat(Files.size(segment(dir, 1))).isEqualTo(P);
    assertThat(layout(fragments(segment(dir, 2))))
        .isEqualTo("first@0:" + D + " last@" + P + ":" + (D - 100));
    assertThat(bytes(readAll(dir))).containsExactly(two, small, tooBig);
  }

  @Test
  void givesARecordLargerThanASegmentASegmentOfItsOwn() throws IOException {
    byte[] huge = random(3 * P, 1);
    byte[] after = random(10, 2);
    try (Wal wal = Wal.open(dir, new WalOptions(2 * P, false))) {
      wal.log(huge);
      wal.log(after);
      assertThat(wal.lastSegment()).isEqualTo(1);
    }
    assertThat(Files.size(segment(dir, 0))).isEqualTo(4 * P);
    List<Read> read = readAll(dir);
    assertThat(bytes(read)).containsExactly(huge, after);
    assertThat(read).extracting(Read::segment).containsExactly(0, 1);
  }

  @ParameterizedTest(name = "compress={0}")
  @ValueSource(booleans = {false, true})
  void readsBackManyRecordsCrossingPagesAndSegmentsInOrder(boolean compress) throws IOException {
    SplittableRandom rnd = new SplittableRandom(42);
    List<byte[]> recs = new ArrayList<>();
    try (Wal wal = Wal.open(dir, new WalOptions(8 * P, compress))) {
      for (int i = 0; i < 400; i++) {
        int size = rnd.nextInt(10) == 0 ? rnd.nextInt(4 * P) : rnd.nextInt(3000);
        byte[] r = rnd.nextBoolean() ? random(size, i) : compressible(size, i);
        recs.add(r);
        if (rnd.nextInt(4) == 0) {
          wal.log(r, random(0, 0));
          recs.add(new byte[0]);
        } else {
          wal.log(r);
        }
      }
    }
    List<Read> read = readAll(dir);
    assertThat(bytes(read)).containsExactlyElementsOf(recs);
    assertThat(read.get(read.size() - 1).segment()).isGreaterThan(3);
    for (int i = 1; i < read.size(); i++) {
      Read a = read.get(i - 1);
      Read b = read.get(i);
      assertThat(b.segment() > a.segment() || b.offset() > a.offset()).isTrue();
    }
  }

  @Test
  void compressesOnlyRecordsThatGetSmaller() throws IOException {
    byte[] noise = random(1000, 1);
    byte[] text = compressible(1000, 2);
    try (Wal wal = Wal.open(dir, new WalOptions(P * 4, true))) {
      wal.log(noise, text, new byte[0]);
    }
    List<Fragment> f = fragments(segment(dir, 0));
    assertThat(f).extracting(Fragment::type).containsExactly(0x01, 0x09, 0x01);
    assertThat(f.get(0).length()).isEqualTo(1000);
    assertThat(f.get(1).length()).isLessThan(1000);
    assertThat(f.get(2).length()).isZero();
    assertThat(bytes(readAll(dir))).containsExactly(noise, text, new byte[0]);
  }

  @Test
  void writesTheSameBytesWhicheverLogVariantIsUsed() throws IOException {
    List<byte[]> recs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      recs.add(random(i * 977, i));
    }
    byte[] buf = new byte[recs.stream().mapToInt(r -> r.length).sum() + 3];
    int[] bounds = new int[recs.size() + 1];
    bounds[0] = 3;
    for (int i = 0; i < recs.size(); i++) {
      System.arraycopy(recs.get(i), 0, buf, bounds[i], recs.get(i).length);
      bounds[i + 1] = bounds[i] + recs.get(i).length;
    }
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Path c = dir.resolve("c");
    try (Wal wa = Wal.open(a, PLAIN);
        Wal wb = Wal.open(b, PLAIN);
        Wal wc = Wal.open(c, PLAIN)) {
      wa.log(recs.toArray(byte[][]::new));
      for (int i = 0; i < recs.size(); i++) {
        wb.log(buf, bounds[i], bounds[i + 1] - bounds[i]);
      }
      wc.log(buf, bounds, recs.size());
    }
    byte[] expected = Files.readAllBytes(segment(a, 0));
    assertThat(Files.readAllBytes(segment(b, 0))).isEqualTo(expected);
    assertThat(Files.readAllBytes(segment(c, 0))).isEqualTo(expected);
    assertThat(bytes(readAll(c))).containsExactlyElementsOf(recs);
  }

  @Test
  void rejectsBoundsOutsideTheBufferBeforeWritingAnything() throws IOException {
    try (Wal wal = Wal.open(dir, PLAIN)) {
      assertThatThrownBy(() -> wal.log(new byte[10], new int[] {0, 11}, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> wal.log(new byte[10], new int[] {5, 4}, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> wal.log(new byte[10], new int[] {0}, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> wal.log(new byte[10], 5, 6))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
    assertThat(Files.size(segment(dir, 0))).isZero();
  }

  @Test
  void reopeningStartsANewSegmentAndLeavesTheOldOneAlone() throws IOException {
    byte[] a = random(100, 1);
    try (Wal wal = Wal.open(dir, PLAIN)) {
      assertThat(wal.lastSegment()).isZero();
      wal.log(a);
    }
    byte[] before = Files.readAllBytes(segment(dir, 0));
    byte[] b = random(100, 2);
    try (Wal wal = Wal.open(dir, PLAIN)) {
      assertThat(wal.lastSegment()).isEqualTo(1);
      wal.log(b);
    }
    assertThat(Files.readAllBytes(segment(dir, 0))).isEqualTo(before);
    List<Read> read = readAll(dir);
    assertThat(bytes(read)).containsExactly(a, b);
    assertThat(read).extracting(Read::segment).containsExactly(0, 1);
  }

  @Test
  void afterAProcessCrashTheTornSegmentIsReadToItsLastRecordAndNotAppendedTo() throws IOException {
    Path crashed = dir.resolve("crashed");
    Files.createDirectories(crashed);
    List<byte[]> recs = new ArrayList<>();
    try (Wal wal = Wal.open(dir.resolve("live"), PLAIN)) {
      for (int i = 0; i < 5; i++) {
        recs.add(random(10_000, i));
        wal.log(recs.get(i));
      }
      // What survives a process crash: everything log() wrote, without close()'s padding.
      Files.copy(segment(dir.resolve("live"), 0), segment(crashed, 0));
    }
    long tornSize = Files.size(segment(crashed, 0));
    assertThat(tornSize % P).isNotZero();
    byte[] more = random(50, 9);
    try (Wal wal = Wal.open(crashed, PLAIN)) {
      assertThat(wal.lastSegment()).isEqualTo(1);
      wal.log(more);
    }
    assertThat(Files.size(segment(crashed, 0))).isEqualTo(tornSize);
    recs.add(more);
    assertThat(bytes(readAll(crashed))).containsExactlyElementsOf(recs);
  }

  @Test
  void nextSegmentPadsThePageAndSwitches() throws IOException {
    try (Wal wal = Wal.open(dir, PLAIN)) {
      wal.log(random(10, 1));
      assertThat(wal.nextSegment()).isEqualTo(1);
      assertThat(wal.nextSegment()).isEqualTo(2);
      wal.log(random(10, 2));
      wal.sync();
      assertThat(Files.size(segment(dir, 0))).isEqualTo(P);
      assertThat(Files.size(segment(dir, 1))).isZero();
      assertThat(Files.size(segment(dir, 2))).isEqualTo(17);
    }
    assertThat(readAll(dir)).extracting(Read::segment).containsExactly(0, 2);
  }

  @Test
  void truncateBeforeDeletesOlderSegmentsOnly() throws IOException {
    try (Wal wal = Wal.open(dir, PLAIN)) {
      for (int i = 0; i < 4; i++) {
        wal.log(random(10, i));
        wal.nextSegment();
      }
      wal.truncateBefore(2);
      assertThat(SegmentRange.existing(dir)).contains(new SegmentRange(dir, 2, 4));
      assertThatThrownBy(() -> wal.truncateBefore(5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("segment 4 is being written");
      wal.truncateBefore(4);
      assertThat(SegmentRange.existing(dir)).contains(new SegmentRange(dir, 4, 4));
    }
  }

  @Test
  void keepsTheRecordsOfEachCallContiguousUnderConcurrentWriters() throws Exception {
    int threads = 8;
    int calls = 300;
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    try (Wal wal = Wal.open(dir, new WalOptions(2 * P, false))) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  byte[] buf = new byte[4096];
                  int[] bounds = new int[3];
                  for (int i = 0; i < calls; i++) {
                    byte[] a =
                        (thread + ":" + i + ":a:" + "x".repeat(i)).getBytes(StandardCharsets.UTF_8);
                    byte[] b = (thread + ":" + i + ":b").getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(a, 0, buf, 0, a.length);
                    System.arraycopy(b, 0, buf, a.length, b.length);
                    bounds[1] = a.length;
                    bounds[2] = a.length + b.length;
                    wal.log(buf, bounds, 2);
                  }
                  return null;
                }));
      }
      Future<?> syncer =
          pool.submit(
              () -> {
                start.await();
                while (!stop.get()) {
                  wal.sync();
                }
                return null;
              });
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      stop.set(true);
      syncer.get(60, TimeUnit.SECONDS);
      assertThat(wal.lastSegment()).isGreaterThan(0);
    } finally {
      pool.shutdownNow();
    }
    List<String> read = new ArrayList<>();
    for (byte[] r : bytes(readAll(dir))) {
      read.add(new String(r, StandardCharsets.UTF_8));
    }
    assertThat(read).hasSize(threads * calls * 2);
    int[] next = new int[threads];
    for (int k = 0; k < read.size(); k += 2) {
      String[] a = read.get(k).split(":");
      int thread = Integer.parseInt(a[0]);
      assertThat(Integer.parseInt(a[1])).isEqualTo(next[thread]++);
      assertThat(a[2]).isEqualTo("a");
      assertThat(read.get(k + 1)).isEqualTo(a[0] + ":" + a[1] + ":b");
    }
  }

  @Test
  void undoesAFailedWriteSoThatLaterWritesSucceedAndNoTornRecordRemains() throws IOException {
    FaultySegments faults = new FaultySegments();
    byte[] a = random(5000, 1);
    byte[] b = random(40_000, 2);
    byte[] c = random(10, 3);
    byte[] d = random(70_000, 4);
    try (Wal wal = Wal.open(dir, PLAIN, faults)) {
      wal.log(a);
      long before = Files.size(segment(dir, 0));
      faults.failNextAppendAfter = 30_000;
      assertThatThrownBy(() -> wal.log(b, c))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("No space left on device");
      assertThat(Files.size(segment(dir, 0))).isEqualTo(before);
      wal.log(c);
      wal.log(d);
    }
    assertThat(bytes(readAll(dir))).containsExactly(a, c, d);
  }

  @Test
  void undoesACallThatFailsAfterAnEarlierPartOfItReachedTheFile() throws IOException {
    FaultySegments faults = new FaultySegments();
    byte[] a = random(100, 1);
    byte[] big = random(3 << 20, 2); // more than the 1 MiB staging buffer: several writes
    try (Wal wal = Wal.open(dir, PLAIN, faults)) {
      wal.log(a);
      long before = Files.size(segment(dir, 0));
      faults.appendsBeforeFailure = 1;
      faults.failNextAppendAfter = 1000;
      assertThatThrownBy(() -> wal.log(big)).isInstanceOf(IOException.class);
      assertThat(Files.size(segment(dir, 0))).isEqualTo(before);
      wal.log(a);
    }
    assertThat(bytes(readAll(dir))).containsExactly(a, a);
  }

  @Test
  void undoesACallWhoseSegmentSwitchFailed() throws IOException {
    FaultySegments faults = new FaultySegments();
    byte[] a = random(D, 1);
    try (Wal wal = Wal.open(dir, new WalOptions(2 * P, false), faults)) {
      wal.log(a);
      faults.failCreate = true;
      assertThatThrownBy(() -> wal.log(a, a))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Too many open files");
      assertThat(Files.size(segment(dir, 0))).isEqualTo(P);
      assertThat(wal.lastSegment()).isZero();
      faults.failCreate = false;
      wal.log(a, a);
      assertThat(wal.lastSegment()).isEqualTo(1);
    }
    assertThat(readAll(dir)).extracting(Read::segment).containsExactly(0, 0, 1);
  }

  @Test
  void refusesWritesWhenAFailedWriteCannotBeUndone() throws IOException {
    FaultySegments faults = new FaultySegments();
    Wal wal = Wal.open(dir, PLAIN, faults);
    wal.log(random(10, 1));
    faults.failTruncate = true;
    faults.failNextAppendAfter = 3;
    assertThatThrownBy(() -> wal.log(random(100, 2))).isInstanceOf(IOException.class);
    faults.failTruncate = false;
    assertThatThrownBy(() -> wal.log(random(100, 3)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("refuses writes");
    assertThatThrownBy(wal::sync).isInstanceOf(IOException.class);
    wal.close();
    // The torn bytes stay; replay stops there and repair cuts them.
    assertThatThrownBy(() -> readAll(dir)).isInstanceOf(CorruptSegmentException.class);
  }

  @Test
  void refusesWritesWhenAFinishedSegmentCannotBeFsynced() throws IOException {
    FaultySegments faults = new FaultySegments();
    Wal wal = Wal.open(dir, PLAIN, faults);
    wal.log(random(10, 1));
    faults.failSync = true;
    wal.nextSegment();
    assertThatThrownBy(wal::sync).isInstanceOf(IOException.class).hasMessageContaining("fsync");
    faults.failSync = false;
    assertThatThrownBy(() -> wal.log(random(10, 2)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("refuses writes");
    assertThatThrownBy(wal::close).isInstanceOf(IOException.class);
    assertThat(readAll(dir)).hasSize(1);
  }

  @Test
  void closeIsIdempotentAndLaterCallsFail() throws IOException {
    Wal wal = Wal.open(dir, PLAIN);
    wal.log(random(10, 1));
    wal.close();
    wal.close();
    assertThatThrownBy(() -> wal.log(new byte[1])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(wal::sync).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(wal::nextSegment).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesADirectoryWithAGapInItsSegments() throws IOException {
    Files.createFile(segment(dir, 3));
    Files.createFile(segment(dir, 5));
    Files.createFile(dir.resolve("not-a-segment"));
    assertThatThrownBy(() -> Wal.open(dir, PLAIN))
        .isInstanceOf(NonSequentialSegmentsException.class)
        .hasMessageContaining("00000004 is missing");
  }

  @Test
  void validatesItsOptions() {
    assertThatThrownBy(() -> new WalOptions(P + 1, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WalOptions(0, false)).isInstanceOf(IllegalArgumentException.class);
    assertThat(WalOptions.defaults()).isEqualTo(new WalOptions(128 << 20, true));
  }

  @Test
  void namesSegmentsAndCheckpointsWithEightDigits() {
    assertThat(WalFormat.segmentName(0)).isEqualTo("00000000");
    assertThat(WalFormat.segmentName(123)).isEqualTo("00000123");
    assertThat(WalFormat.segmentName(123_456_789)).isEqualTo("123456789");
    assertThat(WalFormat.checkpointName(42)).isEqualTo("checkpoint.00000042");
    assertThat(WalFormat.parseSegmentName("00000042")).isEqualTo(42);
    assertThat(WalFormat.parseSegmentName("42")).isEqualTo(42);
    assertThat(WalFormat.parseSegmentName("0000004a")).isEqualTo(-1);
    assertThat(WalFormat.parseSegmentName("")).isEqualTo(-1);
    assertThat(WalFormat.parseSegmentName("99999999999")).isEqualTo(-1);
    assertThat(WalFormat.parseCheckpointName("checkpoint.00000042")).isEqualTo(42);
    assertThat(WalFormat.parseCheckpointName("checkpoint.00000042.tmp")).isEqualTo(-1);
    assertThat(WalFormat.parseCheckpointName("00000042")).isEqualTo(-1);
  }
}
