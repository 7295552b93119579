// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link HeadAppender#series} and {@link HeadAppender#append} of one out-of-order sample (older
 * than the series' newest, inside a window of 30 days, out-of-order cap 32) to one of 1,000 series
 * in turn, in one transaction per iteration, each 1 ms older than that series' previous one. What
 * it allocates is the storage of the out-of-order samples themselves (their growth per series),
 * nothing per append beyond it; each iteration starts on a new head.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class OutOfOrderAppendBenchmark {
  private static final int SERIES = 1_000;
  private static final long NEWEST = BenchSeries.T0 + 30L * 86_400_000;

  private Head head;
  private long[] hashes;
  private byte[][] keys;
  private HeadAppender app;
  private long[] next;
  private int turn;

  /** A new head whose series each hold one sample at the newest time. */
  @Setup(Level.Iteration)
  public void setUp() {
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(NEWEST));
    head =
        new Head(
            HeadOptions.defaults(clock)
                .withHashPrefix(HeadAppendBenchmark.HASH_PREFIX)
                .withOutOfOrder(30L * 86_400_000, 32));
    BenchSeries fixture = BenchSeries.generate(SERIES);
    hashes = HeadAppendBenchmark.createSeries(head, fixture);
    keys = new byte[SERIES][];
    next = new long[SERIES];
    try (HeadAppender a = head.appender()) {
      for (int i = 0; i < SERIES; i++) {
        keys[i] = fixture.key(i);
        a.series(hashes[i], keys[i], 0, keys[i].length);
        if (a.append(NEWEST, 0) != AppendResult.OK) {
          throw new IllegalStateException("setup append failed");
        }
        next[i] = NEWEST - 30L * 86_400_000 + 1;
      }
    }
    // One transaction for the iteration: its window is measured from NEWEST, as committed above.
    app = head.appender();
  }

  /** Ends the iteration's transaction. */
  @TearDown(Level.Iteration)
  public void tearDown() {
    app.close();
  }

  /** Appends the next out-of-order sample; fails if it is not accepted. */
  @Benchmark
  public AppendResult appendOutOfOrder() {
    int i = turn;
    turn = i + 1 == SERIES ? 0 : i + 1;
    app.series(hashes[i], keys[i], 0, keys[i].length);
    AppendResult r = app.append(next[i]++, Double.doubleToRawLongBits(i));
    if (r != AppendResult.OK) {
      throw new IllegalStateException("out-of-order append: " + r);
    }
    return r;
  }
}
