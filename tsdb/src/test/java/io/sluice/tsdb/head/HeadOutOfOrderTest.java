// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.samples;
import static io.sluice.tsdb.head.HeadFixtures.select;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.testing.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class HeadOutOfOrderTest {
  private static final long HOUR = 3_600_000L;
  private static final long MINUTE = 60_000L;
  private static final long STALE = 0x7ff0000000000002L;

  private final MutableClock clock = new MutableClock(100 * HOUR);

  private Head head(long windowMs, int capMax) {
    return new Head(HeadOptions.defaults(clock).withOutOfOrder(windowMs, capMax));
  }

  @Test
  void withoutAWindowOlderSamplesAreStillOutOfOrderOrOutOfBounds() {
    Head head = head(0, 32);
    MemSeries a = series(head, "__name__", "a");
    MemSeries b = series(head, "__name__", "b");
    assertThat(head.append(a, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.append(a, 10 * HOUR - 1, bits(1))).isEqualTo(AppendResult.OUT_OF_ORDER);
    assertThat(head.append(b, 9 * HOUR - 1, bits(1))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
    assertThat(a.numOutOfOrderSamples()).isZero();
  }

  @Test
  void aSampleOlderThanTheSeriesNewestButInsideTheWindowIsAcceptedAndQueriedInOrder() {
    Head head = head(30 * MINUTE, 32);
    MemSeries s = series(head, "__name__", "up");
    assertThat(head.append(s, 10 * HOUR, bits(3))).isEqualTo(AppendResult.OK);
    assertThat(head.append(s, 10 * HOUR - 10 * MINUTE, bits(2))).isEqualTo(AppendResult.OK);
    assertThat(head.append(s, 10 * HOUR - 30 * MINUTE, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(s.numOutOfOrderSamples()).isEqualTo(2);
    assertThat(head.minTime()).isEqualTo(10 * HOUR - 30 * MINUTE);
    List<Series> out = select(head, 0, Long.MAX_VALUE, Matcher.eq("__name__", "up"));
    assertThat(samples(out.get(0)))
        .containsExactly(
            new long[] {10 * HOUR - 30 * MINUTE, bits(1)},
            new long[] {10 * HOUR - 10 * MINUTE, bits(2)},
            new long[] {10 * HOUR, bits(3)});
  }

  @Test
  void aSampleOlderThanHeadMaxTimeMinusTheWindowIsTooOld() {
    Head head = head(30 * MINUTE, 32);
    MemSeries a = series(head, "__name__", "a");
    MemSeries b = series(head, "__name__", "b");
    assertThat(head.append(a, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.append(b, 9 * HOUR + 50 * MINUTE, bits(1))).isEqualTo(AppendResult.OK);
    // The window counts from the head's max time, not from the series' newest sample.
    assertThat(head.append(b, 9 * HOUR + 30 * MINUTE, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.append(b, 9 * HOUR + 30 * MINUTE - 1, bits(1))).isEqualTo(AppendResult.TOO_OLD);
    assertThat(head.append(a, 9 * HOUR, bits(1))).isEqualTo(AppendResult.TOO_OLD);
    assertThat(samples(head, b)).hasSize(2);
  }

  @Test
  void aWindowWiderThanHalfTheChunkRangeAcceptsSamplesOlderThanTheInOrderBounds() {
    Head head = head(3 * HOUR, 32);
    MemSeries a = series(head, "__name__", "a");
    MemSeries fresh = series(head, "__name__", "fresh");
    assertThat(head.append(a, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.append(fresh, 8 * HOUR, bits(2))).isEqualTo(AppendResult.OK);
    assertThat(head.append(fresh, 7 * HOUR - 1, bits(2))).isEqualTo(AppendResult.TOO_OLD);
    assertThat(fresh.numOutOfOrderSamples()).isOne();
    assertThat(samples(head, fresh)).containsExactly(new long[] {8 * HOUR, bits(2)});
    assertThat(select(head, 0, Long.MAX_VALUE, Matcher.eq("__name__", "fresh"))).hasSize(1);
  }

  @Test
  void anOutOfOrderSampleRepeatedWithTheSameValueIsAcceptedOnceAndWithAnotherValueIsADuplicate() {
    Head head = head(HOUR, 32);
    MemSeries s = series(head, "__name__", "up");
    assertThat(head.append(s, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.append(s, 10 * HOUR - 5, bits(2))).isEqualTo(AppendResult.OK);
    assertThat(head.append(s, 10 * HOUR - 5, bits(2))).isEqualTo(AppendResult.OK);
    assertThat(head.append(s, 10 * HOUR - 5, bits(3))).isEqualTo(AppendResult.DUPLICATE_SAMPLE);
    assertThat(s.numOutOfOrderSamples()).isOne();
  }

  @Test
  void theNewestSampleKeepsItsDuplicateRulesWithAWindow() {
    Head head = head(HOUR, 32);
    MemSeries s = series(head, "__name__", "up");
    assertThat(head.append(s, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.append(s, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.append(s, 10 * HOUR, bits(2))).isEqualTo(AppendResult.DUPLICATE_SAMPLE);
    assertThat(s.numOutOfOrderSamples()).isZero();
  }

  @Test
  void interleavedSamplesMergeIntoNonOverlappingTimeOrderedXorChunksKeepingStaleMarkers() {
    Head head = head(HOUR, 4);
    MemSeries s = series(head, "__name__", "up");
    long base = 10 * HOUR;
    for (int i = 0; i <= 10; i += 2) {
      assertThat(head.append(s, base + i * 1000L, bits(i))).isEqualTo(AppendResult.OK);
    }
    for (int i = 1; i < 10; i += 2) {
      long v = i == 5 ? STALE : bits(i);
      assertThat(head.append(s, base + i * 1000L, v)).isEqualTo(AppendResult.OK);
    }
    Series out = select(head, base, base + 10_000, Matcher.eq("__name__", "up")).get(0);
    List<long[]> expected = new ArrayList<>();
    for (int i = 0; i <= 10; i++) {
      expected.add(new long[] {base + i * 1000L, i == 5 ? STALE : bits(i)});
    }
    assertThat(samples(out)).containsExactlyElementsOf(expected);

    List<ChunkMeta> chunks = out.chunks();
    assertThat(chunks).extracting(ChunkMeta::encoding).containsOnly(XorChunkFormat.ENCODING);
    List<long[]> decoded = new ArrayList<>();
    long previousMax = Long.MIN_VALUE;
    for (ChunkMeta c : chunks) {
      assertThat(c.minTime()).isGreaterThan(previousMax);
      XorIterator it = XorChunk.iterator(c.data(), 0, c.data().length);
      assertThat(it.numSamples()).isLessThanOrEqualTo(4);
      while (it.next()) {
        assertThat(it.timestamp()).isBetween(c.minTime(), c.maxTime());
        decoded.add(new long[] {it.timestamp(), it.valueBits()});
      }
      previousMax = c.maxTime();
    }
    assertThat(decoded).containsExactlyElementsOf(expected);
    assertThat(chunks).hasSize(3);
  }

  @Test
  void aRangeWithoutOutOfOrderSamplesReturnsTheStoredChunks() {
    Head head = head(HOUR, 4);
    MemSeries s = series(head, "__name__", "up");
    long base = 10 * HOUR;
    for (int i = 0; i < 20; i++) {
      head.append(s, base + i * 1000L, bits(i));
    }
    assertThat(head.append(s, base - 1000, bits(-1))).isEqualTo(AppendResult.OK);
    Series out = select(head, base, base + 19_000, Matcher.eq("__name__", "up")).get(0);
    assertThat(out.chunks()).hasSize(s.numChunks());
    assertThat(samples(out)).hasSize(20);
    Series all = select(head, base - 1000, base + 19_000, Matcher.eq("__name__", "up")).get(0);
    assertThat(samples(all)).hasSize(21);
    assertThat(all.chunks()).hasSize(6);
  }

  @Test
  void anInOrderSampleWinsATimestampAlsoHeldOutOfOrder() {
    Head head = head(HOUR, 32);
    MemSeries s = series(head, "__name__", "up");
    long base = 10 * HOUR;
    head.appendReplayed(s, base + 2, bits(2));
    head.appendReplayed(s, base + 1, bits(9));
    head.appendReplayed(s, base + 3, bits(3));
    head.appendReplayed(s, base + 2, bits(7));
    assertThat(s.numOutOfOrderSamples()).isEqualTo(2);
    assertThat(samples(head, s))
        .containsExactly(
            new long[] {base + 1, bits(9)},
            new long[] {base + 2, bits(2)},
            new long[] {base + 3, bits(3)});
  }

  @Test
  void concurrentOutOfOrderAppendsToOneSeriesAreAllKeptInTimeOrder() throws Exception {
    Head head = head(HOUR, 32);
    MemSeries s = series(head, "__name__", "up");
    long newest = 10 * HOUR;
    assertThat(head.append(s, newest, bits(0))).isEqualTo(AppendResult.OK);
    int threads = 4;
    int each = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int worker = w;
        done.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  for (int i = 0; i < each; i++) {
                    long t = newest - 1 - (long) i * threads - worker;
                    if (head.append(s, t, bits(t)) == AppendResult.OK) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      for (Future<Integer> f : done) {
        assertThat(f.get()).isEqualTo(each);
      }
    } finally {
      pool.shutdown();
    }
    List<long[]> all = samples(head, s);
    assertThat(all).hasSize(threads * each + 1);
    for (int i = 0; i < all.size(); i++) {
      long t = newest - threads * each + i;
      assertThat(all.get(i)).containsExactly(t, t == newest ? bits(0) : bits(t));
    }
  }

  @Test
  void keepsEveryOutOfOrderSampleAppendedNewestFirst() {
    Head head = head(HOUR, 32);
    MemSeries s = series(head, "__name__", "up");
    long newest = 10 * HOUR;
    head.append(s, newest, bits(0));
    for (int i = 1; i <= 1000; i++) {
      assertThat(head.append(s, newest - i, bits(i))).isEqualTo(AppendResult.OK);
    }
    assertThat(s.numOutOfOrderSamples()).isEqualTo(1000);
    List<long[]> all = samples(head, s);
    assertThat(all).hasSize(1001);
    assertThat(all.get(0)).containsExactly(newest - 1000, bits(1000));
    assertThat(all.get(1000)).containsExactly(newest, bits(0));
  }
}
