// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.hashring.replication.SnappyCodec;
import io.sluice.hashring.replication.ThanosWriteRequestEncoder;
import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.write.WriteRequest;
import java.io.IOException;
import java.io.OutputStream;
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

/**
 * Building the message a receiver forwards to a peer ({@code thanos.WriteRequest}, legacy form)
 * from a decoded request of 1,000 Prometheus-shaped series with one sample each ({@link
 * BenchSeries}): V1 series are copied as raw bytes, V2 series re-encoded from their labels and
 * samples. {@code snappy} adds the gRPC {@code snappy} compression (framing format, {@link
 * SnappyCodec}) of the message into a discarding stream, as the gRPC framer does.
 *
 * <p>One operation is one sample: the score is ns per sample and {@code gc.alloc.rate.norm} is
 * bytes per sample; multiply by {@value #SERIES} for the message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ForwardEncodeBenchmark {
  /** Series (and samples) per forwarded request. */
  public static final int SERIES = 1_000;

  /** The remote-write protocol version the request was decoded from. */
  @Param({"V1", "V2"})
  public RemoteWriteVersion version;

  private final ThanosWriteRequestEncoder encoder = new ThanosWriteRequestEncoder();
  private final WriteRequest request = new WriteRequest();
  // Discards, and survives the close of each compressing stream (gRPC's framer closes them too).
  private final OutputStream sink =
      new OutputStream() {
        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
      };

  /** Decodes the request once; every invocation forwards all of its series. */
  @Setup(Level.Trial)
  public void setUp() throws RemoteWriteDecodeException {
    byte[] body =
        RemoteWriteBodies.snappy(
            RemoteWriteBodies.encode(version, BenchSeries.generate(SERIES), 0, SERIES, 0));
    WriteBatch batch = new RemoteWriteDecoder(64 << 20).decode(body, 0, body.length, version);
    request.reset("default-tenant", 1, batch);
    for (int s = 0; s < batch.seriesCount(); s++) {
      request.add(s, s);
    }
    if (request.sampleCount() != SERIES) {
      throw new IllegalStateException("decoded " + request.sampleCount() + " samples");
    }
    encoder.encode(request);
  }

  /** Builds the forward message. */
  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int encode() {
    return encoder.encode(request);
  }

  /** Builds the forward message and snappy-compresses it as gRPC would. */
  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int snappy() throws IOException {
    int n = encoder.encode(request);
    try (OutputStream os = SnappyCodec.instance().compress(sink)) {
      os.write(encoder.buffer(), 0, n);
    }
    return n;
  }
}
