// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xerial.snappy.Snappy;

/**
 * Snappy and protobuf decoding of a Prometheus-shaped 5,000-sample remote-write request (one sample
 * per series, 9.5 labels per series on average, see {@link BenchSeries}) into a {@link WriteBatch}.
 *
 * <p>One operation is one sample: the score is ns per sample and {@code gc.alloc.rate.norm} is
 * bytes per sample; multiply by {@value #SAMPLES} for the request. Twenty different requests
 * (100,000 distinct series) are decoded in turn so that the branch predictor cannot learn one body.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DecodeBenchmark {
  /** Samples (and series) per request. */
  public static final int SAMPLES = 5_000;

  private static final int REQUESTS = 20;

  /** The remote-write protocol version of the requests. */
  @Param({"V1", "V2"})
  public RemoteWriteVersion version;

  private byte[][] bodies;
  private int next;
  private RemoteWriteDecoder decoder;
  private byte[] uncompressed;

  /** Builds and compresses the requests and decodes each once to size the decoder's buffers. */
  @Setup(Level.Trial)
  public void setUp() throws RemoteWriteDecodeException {
    BenchSeries series = BenchSeries.generate(REQUESTS * SAMPLES);
    bodies = new byte[REQUESTS][];
    decoder = new RemoteWriteDecoder(64 << 20);
    for (int r = 0; r < REQUESTS; r++) {
      byte[] protobuf = RemoteWriteBodies.encode(version, series, r * SAMPLES, SAMPLES, 0);
      bodies[r] = RemoteWriteBodies.snappy(protobuf);
      uncompressed =
          new byte[Math.max(protobuf.length, uncompressed == null ? 0 : uncompressed.length)];
      WriteBatch batch = decoder.decode(bodies[r], 0, bodies[r].length, version);
      if (batch.totalSamples() != SAMPLES || batch.seriesCount() != SAMPLES) {
        throw new IllegalStateException("decoded " + batch.totalSamples() + " samples");
      }
    }
  }

  /** Decodes the next request. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public WriteBatch decode() throws RemoteWriteDecodeException {
    byte[] body = bodies[next];
    next = next + 1 == REQUESTS ? 0 : next + 1;
    return decoder.decode(body, 0, body.length, version);
  }

  /**
   * Only the snappy block decompression of the next request into a reused buffer, the first step of
   * {@link #decode}; the rest of {@link #decode} is the protobuf walk.
   */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int snappy() throws IOException {
    byte[] body = bodies[next];
    next = next + 1 == REQUESTS ? 0 : next + 1;
    return Snappy.uncompress(body, 0, body.length, uncompressed, 0);
  }
}
