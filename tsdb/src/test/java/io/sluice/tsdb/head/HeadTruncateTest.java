// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.samples;
import static io.sluice.tsdb.head.HeadFixtures.select;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.testing.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HeadTruncateTest {
  private static final long HOUR = 3_600_000;
  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  private MemSeries fill(long from, long to, long step, String... nameValues) {
    MemSeries s = series(head, nameValues);
    for (long t = from; t <= to; t += step) {
      assertThat(head.append(s, t, bits(t))).isEqualTo(AppendResult.OK);
    }
    return s;
  }

  @Test
  void dropsChunksBeforeTheCutAndKeepsTheRest() {
    MemSeries s = fill(0, 3 * HOUR, 15_000, "__name__", "up", "job", "a");

    assertThat(head.truncate(2 * HOUR)).isEmpty();

    List<long[]> left = samples(head, s);
    assertThat(left.get(0)[0]).isEqualTo(2 * HOUR);
    assertThat(left.get(left.size() - 1)[0]).isEqualTo(3 * HOUR);
    assertThat(left).hasSize((int) (HOUR / 15_000) + 1);
    assertThat(head.minTime()).isEqualTo(2 * HOUR);
    assertThat(head.numSeries()).isEqualTo(1);
  }

  @Test
  void removesSeriesLeftEmptyFromMapsAndPostings() {
    MemSeries old = fill(0, HOUR, 60_000, "__name__", "gone", "job", "a");
    fill(0, 3 * HOUR, 60_000, "__name__", "kept", "job", "a");

    assertThat(head.truncate(2 * HOUR)).containsExactly(old.ref());

    assertThat(head.numSeries()).isEqualTo(1);
    assertThat(head.getByRef(old.ref())).isNull();
    assertThat(old.removed()).isTrue();
    assertThat(head.querier().labelValues("__name__", Long.MIN_VALUE, Long.MAX_VALUE, List.of()))
        .containsExactly("kept");
    assertThat(select(head, 0, Long.MAX_VALUE, Matcher.eq("job", "a")))
        .extracting(Series::labels)
        .extracting(l -> l.get("__name__"))
        .containsExactly("kept");
    assertThat(head.postings().get("__name__", "gone")).isEmpty();
    assertThat(head.postings().all()).containsExactly(2L);
  }

  @Test
  void aSeriesRecreatedAfterRemovalGetsANewRefAndItsOwnSamples() {
    MemSeries old = fill(0, HOUR, 60_000, "__name__", "x");
    fill(0, 3 * HOUR, 60_000, "__name__", "keep");
    head.truncate(2 * HOUR);

    MemSeries again = fill(3 * HOUR, 3 * HOUR, 1, "__name__", "x");

    assertThat(again).isNotSameAs(old);
    assertThat(again.ref()).isGreaterThan(old.ref());
    assertThat(samples(head, again)).extracting(a -> a[0]).containsExactly(3 * HOUR);
  }

  @Test
  void samplesBeforeTheCutAreOutOfBoundsAfterwards() {
    MemSeries s = fill(0, 3 * HOUR, 60_000, "__name__", "up");
    head.truncate(2 * HOUR);
    MemSeries fresh = series(head, "__name__", "fresh");

    assertThat(head.append(fresh, 2 * HOUR - 1, bits(1))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
    assertThat(head.appendReplayed(s, 2 * HOUR - 1, bits(1))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
    assertThat(head.append(fresh, 3 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.minValidTime()).isEqualTo(2 * HOUR);
  }

  @Test
  void outOfOrderSamplesBeforeTheCutAreDroppedAndLaterOnesKept() {
    Head ooo =
        new Head(new HeadOptions(2 * HOUR, 120, 0, new MutableClock(0), new byte[0], 4 * HOUR, 32));
    byte[] key = io.sluice.tsdb.labels.Labels.of("__name__", "o").toKey();
    MemSeries s = ooo.getOrCreate(ooo.hash(key, 0, key.length), key, 0, key.length);
    assertThat(ooo.append(s, 3 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(ooo.append(s, HOUR, bits(2))).isEqualTo(AppendResult.OK);
    assertThat(ooo.append(s, 2 * HOUR + 5, bits(3))).isEqualTo(AppendResult.OK);
    assertThat(s.numOutOfOrderSamples()).isEqualTo(2);

    ooo.truncate(2 * HOUR);

    assertThat(s.numOutOfOrderSamples()).isEqualTo(1);
    assertThat(samples(ooo, s)).extracting(a -> a[0]).containsExactly(2 * HOUR + 5, 3 * HOUR);
    assertThat(ooo.append(s, HOUR, bits(2))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
  }

  @Test
  void appendingToARemovedSeriesFailsLoudlyInsteadOfLosingTheSample() {
    MemSeries old = fill(0, HOUR, 60_000, "__name__", "gone");
    head.truncate(2 * HOUR);

    assertThatThrownBy(() -> head.append(old, 3 * HOUR, bits(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("removed");
  }

  @Test
  void truncationWaitsForWritersSpansBeforeRemovingSeries() throws Exception {
    MemSeries s = fill(0, HOUR, 60_000, "__name__", "x");
    long stamp = head.beginAppend();
    AtomicReference<long[]> removed = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              started.countDown();
              removed.set(head.truncate(2 * HOUR));
            });
    t.start();
    started.await();
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TERMINATED) {
      Thread.onSpinWait();
    }
    // The writer found the series before truncation began; its span is still open, so the
    // truncation waits and the append lands in a live series.
    AppendResult r = head.append(s, 2 * HOUR + 1, bits(7));
    head.endAppend(stamp);
    t.join();

    assertThat(r).isEqualTo(AppendResult.OK);
    assertThat(removed.get()).isEmpty();
    assertThat(head.getByRef(s.ref())).isSameAs(s);
    assertThat(samples(head, s)).extracting(a -> a[0]).containsExactly(2 * HOUR + 1);
  }

  @Test
  void concurrentWritersNeverLoseASampleAcrossRepeatedTruncations() throws Exception {
    int writers = 4;
    int perWriter = 20_000;
    AtomicLong ok = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    long base = 10 * HOUR;
    for (int w = 0; w < writers; w++) {
      int id = w;
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < perWriter; i++) {
                  long stamp = head.beginAppend();
                  try {
                    MemSeries s = series(head, "__name__", "w" + id, "i", "" + (i % 50));
                    if (head.append(s, base + i, bits(i)) == AppendResult.OK) {
                      ok.incrementAndGet();
                    }
                  } finally {
                    head.endAppend(stamp);
                  }
                }
              }));
    }
    threads.forEach(Thread::start);
    for (int k = 0; k < 20; k++) {
      head.truncate(base); // nothing is older: nothing may disappear
    }
    for (Thread t : threads) {
      t.join();
    }
    long stored = 0;
    for (Series s : select(head, Long.MIN_VALUE, Long.MAX_VALUE)) {
      stored += samples(s).size();
    }
    assertThat(ok.get()).isEqualTo((long) writers * perWriter);
    assertThat(stored).isEqualTo(ok.get());
  }
}
