// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.receiver.proto.thanos.StoreRpc.SeriesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesResponse;
import io.sluice.receiver.proto.thanos.StoreTypes.LabelMatcher;
import io.sluice.receiver.store.MultiTenantStore;
import io.sluice.receiver.store.SeriesStream;
import io.sluice.receiver.store.TenantStore;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;

/**
 * StoreAPI {@code Series} throughput without the socket: the responses the gRPC service would send
 * for a selector of {@code n} series over one 2 h block range, built by {@link MultiTenantStore}
 * from the head and then, after the head was cut into a block, from the block. Reports series/s,
 * MB/s of serialized responses, and the bytes the calling thread allocated per call (an upper bound
 * of the garbage; the live set is one response plus the tenant's sorted series list).
 *
 * <p>Run: {@code java -Xmx4g -cp sluice-bench.jar io.sluice.bench.jmh.StoreSeriesBench [series]}
 * (10,000 by default).
 */
public final class StoreSeriesBench {
  private static final long RANGE = 7_200_000;

  private StoreSeriesBench() {}

  /**
   * Runs the measurement.
   *
   * @param args series count (10000)
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path dir = Files.createTempDirectory("sluice-storebench");
    long t0 = BenchSeries.T0;
    InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(t0 + RANGE));
    BenchSeries fixture = BenchSeries.generate(n);
    try (Tsdb db = Tsdb.open(dir.resolve("t"), TsdbOptions.defaults(HeadOptions.defaults(clock)))) {
      Head head = db.head();
      long[] hashes = HeadAppendBenchmark.createSeries(head, fixture);
      for (int k = 0; k < RANGE / BenchSeries.INTERVAL_MS; k++) {
        try (HeadAppender app = head.appender()) {
          for (int i = 0; i < n; i++) {
            byte[] key = fixture.key(i);
            app.series(hashes[i], key, 0, key.length);
            app.append(fixture.timestamp(i, k), fixture.valueBits(i, k));
          }
        }
      }
      MultiTenantStore store =
          new MultiTenantStore(
              () ->
                  List.of(
                      new TenantStore(
                          "bench", db, Labels.of("replica", "0", "tenant_id", "bench"))),
              SeriesStream.FRAME_BYTES);
      SeriesRequest request =
          SeriesRequest.newBuilder()
              .setMinTime(t0)
              .setMaxTime(t0 + RANGE)
              .addMatchers(
                  LabelMatcher.newBuilder()
                      .setType(LabelMatcher.Type.RE)
                      .setName("__name__")
                      .setValue(".+"))
              .build();
      run("head", store, request);
      db.flush();
      System.out.printf("blocks after flush: %d%n", db.blocks().size());
      run("block", store, request);
    }
  }

  private static void run(String what, MultiTenantStore store, SeriesRequest request)
      throws Exception {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int runs = 15;
    long[] nanos = new long[runs];
    long series = 0;
    long bytes = 0;
    long allocated = 0;
    for (int r = 0; r < runs; r++) {
      long alloc = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      series = 0;
      bytes = 0;
      try (SeriesStream s = store.series(request, () -> false)) {
        for (SeriesResponse resp = s.next(); resp != null; resp = s.next()) {
          bytes += resp.getSerializedSize();
          series += resp.hasSeries() ? 1 : resp.getBatch().getSeriesCount();
        }
      }
      nanos[r] = System.nanoTime() - start;
      allocated = threads.getCurrentThreadAllocatedBytes() - alloc;
    }
    Arrays.sort(nanos);
    double sec = nanos[runs / 2] / 1e9;
    System.out.printf(
        "%-6s %d series, %.1f MB: median %.1f ms -> %.0f series/s, %.0f MB/s; %.0f MB allocated"
            + " per call%n",
        what, series, bytes / 1e6, sec * 1e3, series / sec, bytes / 1e6 / sec, allocated / 1e6);
  }
}
