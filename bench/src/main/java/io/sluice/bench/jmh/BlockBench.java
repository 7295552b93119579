// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.tsdb.block.Block;
import io.sluice.tsdb.block.BlockDirs;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockWriter;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SeriesSet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Head compaction and query latency at scale, without JMH (one block write is the unit): fills a
 * head with the benchmark's node-exporter / kube-state-metrics shaped series, 15 s apart over one 2
 * h block range, writes the block and reports its time, size and the peak heap during the write
 * above the filled head; then times selects of one series and of a 10k-series selector on the head
 * and on the block (reading every chunk).
 *
 * <p>Run: {@code java -Xmx8g -cp sluice-bench.jar io.sluice.bench.jmh.BlockBench [series] [dir]}
 * (1,000,000 series in a temporary directory by default); prints one report.
 */
public final class BlockBench {
  private static final long RANGE = 7_200_000;
  private static final int SAMPLES = (int) (RANGE / BenchSeries.INTERVAL_MS);

  private BlockBench() {}

  /**
   * Runs the measurement.
   *
   * @param args series count (1000000), then a directory to write the block in (a new temporary
   *     one)
   */
  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("sluice-blockbench");
    BenchSeries fixture = BenchSeries.generate(n);
    Head head = HeadAppendBenchmark.newHead();
    long[] hashes = HeadAppendBenchmark.createSeries(head, fixture);
    long t0 = BenchSeries.T0;
    SplittableRandom rnd = new SplittableRandom(1);
    long fillStart = System.nanoTime();
    for (int k = 0; k < SAMPLES; k++) {
      long t = t0 + k * BenchSeries.INTERVAL_MS;
      try (HeadAppender app = head.appender()) {
        for (int i = 0; i < hashes.length; i++) {
          byte[] key = fixture.key(i);
          app.series(hashes[i], key, 0, key.length);
          app.append(t, Double.doubleToRawLongBits(k + rnd.nextInt(4)));
        }
      }
    }
    double fillSec = (System.nanoTime() - fillStart) / 1e9;

    System.gc();
    long baseline = heapUsed();
    resetPeaks();
    long start = System.nanoTime();
    BlockMeta meta =
        new BlockWriter(InstantSource.system(), new SplittableRandom(2))
            .write(dir, head.querier(), t0, t0 + RANGE)
            .orElseThrow();
    double writeSec = (System.nanoTime() - start) / 1e9;
    long peak = heapPeak();
    Path blockDir = BlockDirs.blockDir(dir, meta.ulid());
    long bytes = size(blockDir);

    System.out.printf(
        "series=%d samples=%d chunks=%d fill=%.1fs%n",
        meta.stats().numSeries(), meta.stats().numSamples(), meta.stats().numChunks(), fillSec);
    System.out.printf(
        "block write: %.2f s, %.0f series/s, %.1f MB on disk, heap peak %.0f MB above the"
            + " filled head (%.0f MB)%n",
        writeSec, n / writeSec, bytes / 1e6, Math.max(0, peak - baseline) / 1e6, baseline / 1e6);

    // One series by all its labels; a selector of 7,500 series per million (idle time of cpu 0 of
    // every node exporter target).
    List<Matcher> one = matchersOfFirstSeries(fixture);
    List<Matcher> many =
        List.of(
            Matcher.eq("__name__", "node_cpu_seconds_total"),
            Matcher.eq("cpu", "0"),
            Matcher.eq("mode", "idle"));
    try (Block block = Block.open(blockDir)) {
      for (String what : List.of("head", "block")) {
        Querier q = what.equals("head") ? head.querier() : block.querier();
        try (q) {
          report(what + " 1 series", q, one, t0);
          report(what + " selector", q, many, t0);
        }
      }
    }
  }

  private static List<Matcher> matchersOfFirstSeries(BenchSeries fixture) {
    byte[] key = fixture.key(0);
    var l = io.sluice.tsdb.labels.Labels.fromKey(key, 0, key.length);
    Matcher[] m = new Matcher[l.size()];
    for (int i = 0; i < l.size(); i++) {
      m[i] = Matcher.eq(l.name(i), l.value(i));
    }
    return List.of(m);
  }

  private static void report(String what, Querier q, List<Matcher> matchers, long t0) {
    int runs = 21;
    long[] nanos = new long[runs];
    long series = 0;
    long chunkBytes = 0;
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      SeriesSet set = q.select(t0, t0 + RANGE, matchers);
      series = 0;
      chunkBytes = 0;
      while (set.hasNext()) {
        for (ChunkMeta c : set.next().chunks()) {
          chunkBytes += c.data().length;
        }
        series++;
      }
      nanos[r] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "%-20s %6d series %8.1f MB chunks: median %8.2f ms, min %8.2f ms%n",
        what, series, chunkBytes / 1e6, nanos[runs / 2] / 1e6, nanos[0] / 1e6);
  }

  private static long heapUsed() {
    long used = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        used += p.getUsage().getUsed();
      }
    }
    return used;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  // Sum of the pools' peaks: an upper bound of the heap in use at any one moment.
  private static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static long size(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
