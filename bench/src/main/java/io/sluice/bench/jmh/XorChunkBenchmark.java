// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.tsdb.chunkenc.XorChunk;
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
 * {@link XorChunk#append} of one sample, 15 s after the previous one, into a chunk that is reset
 * every 120 samples (the head's chunk size; a reset chunk keeps its array, as the head's open chunk
 * does). The values are those of one {@link BenchSeries} series of the chosen kind.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class XorChunkBenchmark {
  private static final int SAMPLES_PER_CHUNK = 120;

  /**
   * The series whose values are appended: {@code cpu} a two-decimal float counter, {@code bytes} a
   * whole-number counter, {@code memory} a gauge moving in pages, {@code constant} a constant.
   */
  @Param({"cpu", "bytes", "memory", "constant"})
  public String values;

  private final XorChunk chunk = new XorChunk();
  private final long[] timestamps = new long[SAMPLES_PER_CHUNK];
  private final long[] valueBits = new long[SAMPLES_PER_CHUNK];
  private int next;

  /** Computes 120 scrapes of the chosen series. */
  @Setup(Level.Trial)
  public void setUp() {
    BenchSeries series = BenchSeries.generate(BenchSeries.SERIES_PER_TARGET);
    // Indexes into a node-exporter target: see BenchSeries.nodeExporter.
    int i =
        switch (values) {
          case "cpu" -> 7; // node_cpu_seconds_total{cpu="0",mode="user"}
          case "bytes" -> 40; // node_network_receive_bytes_total{device="eth0"}
          case "memory" -> 66; // node_memory_MemAvailable_bytes
          case "constant" -> 64; // node_memory_MemTotal_bytes
          default -> throw new IllegalArgumentException("values: " + values);
        };
    if (series.isConstant(i) != values.equals("constant")) {
      throw new IllegalStateException("series " + i + " is not a " + values + " series");
    }
    for (int p = 0; p < SAMPLES_PER_CHUNK; p++) {
      timestamps[p] = series.timestamp(i, p);
      valueBits[p] = series.valueBits(i, p);
    }
  }

  /** Appends the next sample, resetting the chunk after 120. */
  @Benchmark
  public int append() {
    int p = next;
    chunk.append(timestamps[p], valueBits[p]);
    if (++p == SAMPLES_PER_CHUNK) {
      p = 0;
      chunk.reset();
    }
    next = p;
    return p;
  }
}
