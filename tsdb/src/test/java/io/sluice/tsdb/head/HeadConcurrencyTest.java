// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.samples;
import static io.sluice.tsdb.head.HeadFixtures.select;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.testing.MutableClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeadConcurrencyTest {
  private static final int THREADS = 8;

  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(pool.submit(task));
    }
    List<T> out = new ArrayList<>();
    for (Future<T> f : futures) {
      out.add(f.get(60, TimeUnit.SECONDS));
    }
    return out;
  }

  private MemSeries lookup(String... nameValues) {
    byte[] k = Labels.of(nameValues).toKey();
    return head.getOrCreate(head.hash(k, 0, k.length), k, 0, k.length);
  }

  @Test
  void eightThreadsAppendingToOwnAndSharedSeriesLoseNothing() throws Exception {
    int ownSeries = 50;
    int samplesEach = 400;
    int sharedSeries = 5;
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Callable<int[]>> tasks = new ArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      String worker = Integer.toString(w);
      tasks.add(
          () -> {
            int[] outcomes = new int[AppendResult.values().length];
            start.await();
            for (int i = 0; i < samplesEach; i++) {
              long t = 1_000L * i;
              for (int s = 0; s < ownSeries; s++) {
                MemSeries own = lookup("__name__", "own", "worker", worker, "s", "" + s);
                outcomes[head.append(own, t, bits(i * 1000 + s)).ordinal()]++;
              }
              for (int s = 0; s < sharedSeries; s++) {
                // Every worker appends the same samples in the same order.
                MemSeries shared = lookup("__name__", "shared", "s", "" + s);
                AppendResult r = head.append(shared, t, bits(i + 0.5 * s));
                assertThat(r).isIn(AppendResult.OK, AppendResult.OUT_OF_ORDER);
              }
            }
            return outcomes;
          });
    }
    for (int[] outcomes : runAll(tasks)) {
      assertThat(outcomes[AppendResult.OK.ordinal()]).isEqualTo(ownSeries * samplesEach);
    }

    assertThat(head.numSeries()).isEqualTo(THREADS * ownSeries + sharedSeries);
    List<Series> own = select(head, 0, Long.MAX_VALUE, Matcher.eq("__name__", "own"));
    assertThat(own).hasSize(THREADS * ownSeries);
    for (Series series : own) {
      int s = Integer.parseInt(series.labels().get("s"));
      List<long[]> got = HeadFixtures.samples(series);
      assertThat(got).hasSize(samplesEach);
      for (int i = 0; i < samplesEach; i++) {
        assertThat(got.get(i)).containsExactly(1_000L * i, bits(i * 1000 + s));
      }
    }
    // The first worker to pass sample i had seen nothing newer, so every sample is there once.
    for (int s = 0; s < sharedSeries; s++) {
      List<long[]> got = samples(head, lookup("__name__", "shared", "s", "" + s));
      assertThat(got).hasSize(samplesEach);
      for (int i = 0; i < samplesEach; i++) {
        assertThat(got.get(i)).containsExactly(1_000L * i, bits(i + 0.5 * s));
      }
    }
    assertThat(head.minTime()).isZero();
    assertThat(head.maxTime()).isEqualTo(1_000L * (samplesEach - 1));
  }

  @Test
  void manyThreadsCreatingTheSameNewSeriesCreateExactlyOne() throws Exception {
    int keys = 2000;
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Callable<MemSeries[]>> tasks = new ArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      tasks.add(
          () -> {
            MemSeries[] seen = new MemSeries[keys];
            start.await();
            for (int i = 0; i < keys; i++) {
              seen[i] = lookup("__name__", "race", "i", Integer.toString(i));
            }
            return seen;
          });
    }
    List<MemSeries[]> results = runAll(tasks);
    IdentityHashMap<MemSeries, Boolean> distinct = new IdentityHashMap<>();
    for (int i = 0; i < keys; i++) {
      for (MemSeries[] seen : results) {
        assertThat(seen[i]).isSameAs(results.get(0)[i]);
      }
      distinct.put(results.get(0)[i], true);
    }
    assertThat(distinct).hasSize(keys);
    assertThat(head.numSeries()).isEqualTo(keys);
    assertThat(select(head, Long.MIN_VALUE, Long.MAX_VALUE)).isEmpty(); // no samples yet
    long[] refs = new long[keys];
    for (int i = 0; i < keys; i++) {
      refs[i] = results.get(0)[i].ref();
      assertThat(head.getByRef(refs[i])).isSameAs(results.get(0)[i]);
    }
    Arrays.sort(refs);
    assertThat(refs[0]).isEqualTo(1);
    assertThat(refs[keys - 1]).isEqualTo(keys);
    assertThat(refs).doesNotHaveDuplicates();
  }

  @Test
  void queriesRunSafelyWhileSeriesAreCreatedAndAppended() throws Exception {
    int writers = THREADS - 2;
    int perWriter = 3000;
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String worker = Integer.toString(w);
      tasks.add(
          () -> {
            start.await();
            for (int i = 0; i < perWriter; i++) {
              MemSeries s = lookup("__name__", "live", "w", worker, "i", Integer.toString(i));
              head.append(s, 1_000, bits(i));
            }
            return perWriter;
          });
    }
    for (int r = 0; r < 2; r++) {
      tasks.add(
          () -> {
            start.await();
            int checks = 0;
            long seen = 0;
            while (seen < (long) writers * perWriter) {
              List<Series> got = select(head, 0, 2_000, Matcher.eq("__name__", "live"));
              for (Series s : got) {
                assertThat(HeadFixtures.samples(s)).hasSize(1);
              }
              assertThat((long) got.size()).isGreaterThanOrEqualTo(seen);
              seen = got.size();
              checks++;
            }
            return checks;
          });
    }
    runAll(tasks);
    assertThat(head.querier().labelValues("w", 0, 2_000, List.of())).hasSize(writers);
  }
}
