// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.tsdb.labels.XxHash64;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link XxHash64#hash} of one series key as the receiver hashes it ({@code tenant 0xFF name 0xFF
 * value 0xFF …}), cut to {@code keyLength} bytes: 120 bytes is a short Prometheus series, 263 the
 * average of the benchmark series ({@link BenchSeries} keys of 248 bytes and the 15 bytes of {@code
 * default-tenant 0xFF}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class XxHash64Benchmark {
  /** Bytes hashed. */
  @Param({"120", "263"})
  public int keyLength;

  private byte[] key;

  /** Builds the key from real series keys with a tenant prefix. */
  @Setup(Level.Trial)
  public void setUp() {
    BenchSeries series = BenchSeries.generate(100);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(HeadAppendBenchmark.HASH_PREFIX);
    for (int i = 0; out.size() < keyLength; i++) {
      out.writeBytes(series.key(i));
    }
    key = Arrays.copyOf(out.toByteArray(), keyLength);
  }

  /** Hashes the key. */
  @Benchmark
  public long hash() {
    return XxHash64.hash(key, 0, key.length);
  }
}
