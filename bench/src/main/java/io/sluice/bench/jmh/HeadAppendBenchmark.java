// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link HeadAppender#series} and {@link HeadAppender#append} of one sample to a known series: the
 * lookup by (precomputed) hash and key bytes, then the append. The series are created in setup, and
 * each operation appends the next scrape of the next series, round robin, 15 s later per pass over
 * all series, in one transaction that lasts the trial. Every append is OK (checked at tear-down),
 * chunks are cut at 120 samples as in production, and closed chunks stay in the head for the whole
 * trial.
 *
 * <p>One operation is one sample. The bytes per operation are chunk storage (the closed chunks'
 * arrays and the per-series arrays that index them, amortised); see {@code JMH.md} and {@link
 * HeadChunkFootprint}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class HeadAppendBenchmark {
  /** Hash prefix of the head: the tenant {@code bench} as {@link io.sluice.receiver.MultiTsdb}. */
  static final byte[] HASH_PREFIX = "bench\u00ff".getBytes(StandardCharsets.ISO_8859_1);

  /**
   * Number of known series appended to in turn: 100,000 do not fit in the CPU caches, as in a
   * receiver; 1,000 do, which leaves the compute cost of an append.
   */
  @Param({"100000", "1000"})
  public int seriesCount;

  private BenchSeries fixture;
  private Head head;
  private long[] hashes;
  private byte[][] keys;
  private HeadAppender app;
  private int next;
  private long pass;
  private long rejected;

  /** Creates the head and its series. */
  @Setup(Level.Trial)
  public void setUp() {
    fixture = BenchSeries.generate(seriesCount);
    head = newHead();
    hashes = createSeries(head, fixture);
    keys = new byte[hashes.length][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = fixture.key(i);
    }
    app = head.appender();
  }

  static Head newHead() {
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(BenchSeries.T0));
    return new Head(HeadOptions.defaults(clock).withHashPrefix(HASH_PREFIX));
  }

  /** Creates the series of {@code fixture} in {@code head}; returns their hashes, by index. */
  static long[] createSeries(Head head, BenchSeries fixture) {
    long[] hashes = new long[fixture.size()];
    try (HeadAppender a = head.appender()) {
      for (int i = 0; i < hashes.length; i++) {
        byte[] key = fixture.key(i);
        hashes[i] = head.hash(key, 0, key.length);
        a.series(hashes[i], key, 0, key.length);
      }
    }
    if (head.numSeries() != hashes.length) {
      throw new IllegalStateException(head.numSeries() + " series for " + hashes.length + " keys");
    }
    return hashes;
  }

  /** Appends the next sample. */
  @Benchmark
  public AppendResult append() {
    int i = next;
    long p = pass;
    byte[] key = keys[i];
    app.series(hashes[i], key, 0, key.length);
    AppendResult r = app.append(fixture.timestamp(i, p), fixture.valueBits(i, p));
    if (r != AppendResult.OK) {
      rejected++;
    }
    if (++i == hashes.length) {
      i = 0;
      pass = p + 1;
    }
    next = i;
    return r;
  }

  /** Fails the run if any append was rejected: the score would not be that of an OK append. */
  @TearDown(Level.Trial)
  public void checkAllAppended() {
    app.close();
    if (rejected != 0) {
      throw new IllegalStateException(rejected + " appends were rejected");
    }
  }
}
