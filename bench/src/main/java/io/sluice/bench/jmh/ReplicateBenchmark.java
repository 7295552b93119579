// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.HashringAlgorithm;
import io.sluice.hashring.HashringConfig;
import io.sluice.hashring.InvalidHashringException;
import io.sluice.hashring.MultiHashring;
import io.sluice.hashring.replication.PeerBackoff;
import io.sluice.hashring.replication.PeerFailure;
import io.sluice.hashring.replication.Peers;
import io.sluice.hashring.replication.ReceiveMode;
import io.sluice.hashring.replication.ReplicationListener;
import io.sluice.hashring.replication.Replicator;
import io.sluice.hashring.replication.SnappyCodec;
import io.sluice.hashring.replication.ThanosWriteRequestEncoder;
import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.Writer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The split-and-forward path of a router-ingestor in a ring of three with replication factor 3:
 * {@link Replicator#write} of a decoded request of 5,000 Prometheus-shaped series with one sample
 * each — each series hashed and placed for its three replica indexes, batched per (endpoint,
 * replica index), the two peers' batches encoded as {@code thanos.WriteRequest} and
 * snappy-compressed as the gRPC framer does (into a discarding stream, on the forward pools'
 * threads), the local share handed to a writer that accepts it without storing, and the quorum
 * decided.
 *
 * <p>One operation is one sample of the incoming request: the score is ns per sample and {@code
 * gc.alloc.rate.norm} is bytes per sample on all threads (the forward workers' included); the head
 * and the network are not part of it ({@link LocalWriteBenchmark} measures the local write).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ReplicateBenchmark {
  /** Series (and samples) per request. */
  public static final int SERIES = 5_000;

  private static final String TENANT = "default-tenant";
  private static final List<String> NODES = List.of("n1:10901", "n2:10901", "n3:10901");

  /** The remote-write protocol version the request was decoded from. */
  @Param({"V1", "V2"})
  public RemoteWriteVersion version;

  private final WriteRequest request = new WriteRequest();
  private final WriteOutcome outcome = new WriteOutcome();
  private Replicator replicator;

  /**
   * A peer that encodes and compresses what it is sent, as {@code GrpcPeers} does, then drops it.
   */
  static final class EncodingPeers implements Peers {
    private static final OutputStream SINK =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) {}
        };
    private final ThreadLocal<ThanosWriteRequestEncoder> encoders =
        ThreadLocal.withInitial(ThanosWriteRequestEncoder::new);

    @Override
    public PeerFailure forward(String address, WriteRequest request, long deadlineNanos) {
      ThanosWriteRequestEncoder encoder = encoders.get();
      int n = encoder.encode(request);
      try (OutputStream os = SnappyCodec.instance().compress(SINK)) {
        os.write(encoder.buffer(), 0, n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    }

    @Override
    public void retainOnly(Collection<String> addresses) {}

    @Override
    public void close() {}
  }

  /** A local writer that accepts every series without storing it. */
  static final class AcceptingWriter implements Writer {
    @Override
    public void write(WriteRequest request, WriteOutcome outcome) {}
  }

  /** Decodes the request once and builds the ring; every invocation replicates all of it. */
  @Setup(Level.Trial)
  public void setUp() throws RemoteWriteDecodeException, InvalidHashringException {
    byte[] body =
        RemoteWriteBodies.snappy(
            RemoteWriteBodies.encode(version, BenchSeries.generate(SERIES), 0, SERIES, 0));
    WriteBatch batch = new RemoteWriteDecoder(64 << 20).decode(body, 0, body.length, version);
    request.resetAll(TENANT, 0, batch);
    if (request.sampleCount() != SERIES) {
      throw new IllegalStateException("decoded " + request.sampleCount() + " samples");
    }
    List<Endpoint> endpoints = NODES.stream().map(Endpoint::of).toList();
    Hashring ring =
        MultiHashring.create(
            HashringAlgorithm.KETAMA,
            3,
            List.of(new HashringConfig("default", List.of(), "", endpoints, "", Map.of(), null)));
    replicator =
        new Replicator(
            ReceiveMode.ROUTER_INGESTOR,
            () -> ring,
            3,
            NODES.get(0),
            new AcceptingWriter(),
            new EncodingPeers(),
            new PeerBackoff(TimeUnit.SECONDS.toNanos(5), System::nanoTime, new Random(1)),
            TimeUnit.SECONDS.toNanos(5),
            5,
            ReplicationListener.NONE);
  }

  /** Stops the forward pools. */
  @TearDown(Level.Trial)
  public void tearDown() {
    replicator.close();
  }

  /** Replicates the request; fails unless every series reached quorum. */
  @Benchmark
  @OperationsPerInvocation(SERIES)
  public WriteOutcome replicate() {
    outcome.reset(request.seriesCount());
    replicator.write(request, outcome);
    if (outcome.errorKind() != null) {
      throw new IllegalStateException("replication failed: " + outcome.errorMessage());
    }
    return outcome;
  }
}
