// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.CorruptRecordException;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RecordEncoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The WAL record of one request, as the write path logs it and replay reads it: {@link
 * #encodeSamples} builds a series record of one series and a samples record of {@value #SAMPLES}
 * samples (refs of 100,000 series, 15 s apart) into a warm encoder; {@link #decodeSamples} streams
 * that samples record through a visitor, as WAL replay does. One operation is one sample; both
 * allocate nothing ({@code gc.alloc.rate.norm} ≈ 0 beyond JMH's own per-iteration bytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WalRecordBenchmark {
  /** Samples per record. */
  public static final int SAMPLES = 5_000;

  private final RecordEncoder encoder = new RecordEncoder(16);
  private final RecordDecoder decoder = new RecordDecoder();
  private final long[] refs = new long[SAMPLES];
  private final long[] ts = new long[SAMPLES];
  private final long[] vs = new long[SAMPLES];
  private final byte[] key = Labels.of("__name__", "up", "job", "node").toKey();
  private byte[] record;
  private long sink;
  private final RecordDecoder.SampleVisitor visitor = (ref, t, v) -> sink += ref ^ t ^ v;

  /** Builds the samples and the record decoded. */
  @Setup(Level.Trial)
  public void setUp() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int i = 0; i < SAMPLES; i++) {
      refs[i] = 1 + r.nextInt(100_000);
      ts[i] = BenchSeries.T0 + i * 3L;
      vs[i] = Double.doubleToRawLongBits(r.nextInt(1000) / 100.0);
    }
    encodeSamples();
    record = encoder.toByteArray(1);
  }

  /** Encodes a series record and the samples record. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int encodeSamples() {
    RecordEncoder enc = encoder;
    enc.reset();
    enc.beginSeries();
    enc.series(7, key, 0, key.length);
    enc.beginSamples();
    for (int i = 0; i < SAMPLES; i++) {
      enc.sample(refs[i], ts[i], vs[i]);
    }
    return enc.bounds()[enc.recordCount()];
  }

  /** Decodes the samples record. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public long decodeSamples() throws CorruptRecordException {
    decoder.samples(record, 0, record.length, visitor);
    return sink;
  }
}
