// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.HashmodHashring;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.HashringAlgorithm;
import io.sluice.hashring.HashringConfig;
import io.sluice.hashring.HashringException;
import io.sluice.hashring.InvalidHashringException;
import io.sluice.hashring.MultiHashring;
import io.sluice.hashring.SeriesHasher;
import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import java.util.List;
import java.util.Map;
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
 * Placement of the series of a decoded 1,000-series request, as the replication engine does it:
 * {@link SeriesHasher#hash} of each series in Thanos' layout, then its three replicas on a {@code
 * ketama} ring of four endpoints in three zones (through {@link MultiHashring}, as configured) or
 * its one endpoint on a two-endpoint {@code hashmod} ring. One operation is one series; placement
 * allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlacementBenchmark {
  private static final int SERIES = 1_000;
  private static final String TENANT = "default-tenant";

  /** The ring: {@code ketama} (RF 3, zone-aware) or {@code hashmod} (RF 1). */
  @Param({"ketama", "hashmod"})
  public String algorithm;

  private final SeriesHasher hasher = new SeriesHasher();
  private final byte[] tenant = SeriesHasher.tenantBytes(TENANT);
  private WriteBatch batch;
  private Hashring ring;
  private int replicas;

  /** Decodes the request and builds the ring. */
  @Setup(Level.Trial)
  public void setUp()
      throws RemoteWriteDecodeException, HashringException, InvalidHashringException {
    RemoteWriteVersion v = RemoteWriteVersion.V1;
    byte[] body =
        RemoteWriteBodies.snappy(
            RemoteWriteBodies.encode(v, BenchSeries.generate(SERIES), 0, SERIES, 0));
    batch = new RemoteWriteDecoder(64 << 20).decode(body, 0, body.length, v);
    if (algorithm.equals("ketama")) {
      List<Endpoint> eps =
          List.of(
              Endpoint.of("a:1", "x"),
              Endpoint.of("b:1", "y"),
              Endpoint.of("c:1", "z"),
              Endpoint.of("d:1", "x"));
      ring =
          MultiHashring.create(
                  HashringAlgorithm.KETAMA,
                  3,
                  List.of(new HashringConfig("r", List.of(), "", eps, "", Map.of(), null)))
              .forTenant(TENANT);
      replicas = 3;
    } else {
      ring = HashmodHashring.create(List.of(Endpoint.of("a"), Endpoint.of("b")));
      replicas = 1;
    }
  }

  /** Hashes every series and looks up its replicas. */
  @Benchmark
  @OperationsPerInvocation(SERIES)
  public long place() throws HashringException {
    long sink = 0;
    for (int s = 0; s < batch.seriesCount(); s++) {
      long h = hasher.hash(tenant, batch, s);
      for (int n = 0; n < replicas; n++) {
        sink += ring.getN(TENANT, h, n).address().length();
      }
    }
    return sink;
  }
}
