// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a small tenant costs, without JMH: creates {@code tenants} tenants in one {@link MultiTsdb}
 * (each its own TSDB: head, WAL, directory), writes {@code series} series of one sample each to
 * every tenant through {@link LocalWriter}, as a remote-write request would, and prints the live
 * heap per tenant after full collections (before: the default tenant alone). The load is
 * 500 tenants of 10 series.
 *
 * <p>Run: {@code java -cp sluice-bench.jar io.sluice.bench.jmh.TenantFootprint [tenants] [series]}.
 */
public final class TenantFootprint {
  private TenantFootprint() {}

  /**
   * Runs the measurement.
   *
   * @param args tenants (500), series per tenant (10), optionally a remote-write URL
   */
  public static void main(String[] args) throws Exception {
    int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int series = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    BenchSeries fixture = BenchSeries.generate(series);
    byte[] body =
        RemoteWriteBodies.snappy(
            RemoteWriteBodies.encode(RemoteWriteVersion.V1, fixture, 0, series, 0));
    if (args.length > 2) {
      byte[] now =
          RemoteWriteBodies.snappy(
              RemoteWriteBodies.encodeV1At(fixture, series, System.currentTimeMillis()));
      send(java.net.URI.create(args[2]), tenants, now);
      return;
    }
    Path dir = Files.createTempDirectory("tenant-footprint");
    InstantSource clock = InstantSource.system();
    try (MultiTsdb tsdbs =
        new MultiTsdb(
            dir,
            p -> TsdbOptions.defaults(HeadOptions.defaults(clock).withHashPrefix(p)),
            t -> {})) {
      tsdbs.open("default-tenant");
      LocalWriter writer = new LocalWriter(tsdbs);
      WriteOutcome outcome = new WriteOutcome();
      RemoteWriteDecoder decoder = new RemoteWriteDecoder(64 << 20);
      long before = liveHeap();
      for (int t = 0; t < tenants; t++) {
        WriteBatch batch = decoder.decode(body, 0, body.length, RemoteWriteVersion.V1);
        writer.write("tenant-" + t, batch, outcome);
        if (outcome.errorKind() != null) {
          throw new IllegalStateException("write failed: " + outcome.errorMessage());
        }
      }
      long after = liveHeap();
      System.out.printf(
          "%d tenants x %d series: %.1f KB of live heap per tenant (%.1f MB in all)%n",
          tenants, series, (after - before) / 1024.0 / tenants, (after - before) / 1048576.0);
    } finally {
      deleteTree(dir);
    }
  }

  private static void send(java.net.URI url, int tenants, byte[] body) throws Exception {
    try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
      for (int t = 0; t < tenants; t++) {
        java.net.http.HttpRequest request =
            java.net.http.HttpRequest.newBuilder(url)
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .header("THANOS-TENANT", "tenant-" + t)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        int status =
            client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 != 2) {
          throw new IllegalStateException("tenant-" + t + ": HTTP " + status);
        }
      }
    }
    System.out.printf("sent one request to each of %d tenants%n", tenants);
  }

  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
