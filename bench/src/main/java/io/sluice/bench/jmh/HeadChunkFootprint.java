// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Splits the bytes {@link HeadAppendBenchmark} allocates per sample into chunk storage and
 * everything else, without JMH: it appends the benchmark's samples for a number of passes, counts
 * the bytes the appending thread allocated, and compares them with what the chunks closed in that
 * window must have cost.
 *
 * <p>Chunk storage is the trimmed copy of every closed chunk ({@code byte[]}: 16-byte header plus
 * the chunk bytes, 8-byte aligned), plus the growth of each series' {@code byte[][]} of closed
 * chunks and {@code long[]} of their min/max times (doubling from 4 chunks). The open chunk's
 * buffer is reused after a cut and has reached its size after the warm-up passes.
 *
 * <p>Run: {@code java -cp sluice-bench.jar io.sluice.bench.jmh.HeadChunkFootprint [series]
 * [warmupPasses] [passes]}; prints one report to standard output. The measured appends run under
 * {@code measured(...)}, a frame that an allocation profiler (JFR) can select on.
 */
public final class HeadChunkFootprint {
  private HeadChunkFootprint() {}

  /**
   * Runs the measurement.
   *
   * @param args series count (100000), warm-up passes (360), measured passes (960)
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int warmupPasses = args.length > 1 ? Integer.parseInt(args[1]) : 360;
    int passes = args.length > 2 ? Integer.parseInt(args[2]) : 960;
    BenchSeries fixture = BenchSeries.generate(n);
    Head head = HeadAppendBenchmark.newHead();
    long[] series = HeadAppendBenchmark.createSeries(head, fixture);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    long rejected = append(head, series, fixture, 0, warmupPasses);
    Census before = census(head);
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    rejected += measured(head, series, fixture, warmupPasses, warmupPasses + passes);
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
    Census after = census(head);
    if (rejected != 0) {
      throw new IllegalStateException(rejected + " appends were rejected");
    }

    long samples = (long) n * passes;
    long chunks = after.closedChunks - before.closedChunks;
    long chunkArrays = after.closedArrayBytes - before.closedArrayBytes;
    long indexArrays = after.indexArrayBytes - before.indexArrayBytes;
    long other = allocated - chunkArrays - indexArrays;
    System.out.printf(
        "series=%d warmupPasses=%d passes=%d samples=%d%n", n, warmupPasses, passes, samples);
    System.out.printf(
        "chunks closed: %d, %.1f samples/chunk, %.1f chunk bytes/chunk, %.3f chunk bytes/sample%n",
        chunks,
        (double) samples / chunks,
        (double) (after.closedPayloadBytes - before.closedPayloadBytes) / chunks,
        (double) (after.closedPayloadBytes - before.closedPayloadBytes) / samples);
    System.out.printf(
        "allocated by the appending thread: %d B = %.3f B/sample%n",
        allocated, (double) allocated / samples);
    System.out.printf(
        "  closed chunk byte[] (header + bytes, aligned): %d B = %.3f B/sample%n",
        chunkArrays, (double) chunkArrays / samples);
    System.out.printf(
        "  closed chunk index arrays growth: %d B = %.3f B/sample%n",
        indexArrays, (double) indexArrays / samples);
    System.out.printf("  everything else: %d B = %.4f B/sample%n", other, (double) other / samples);
  }

  // A frame of its own, so that an allocation profile can tell measured appends from warm-up ones.
  private static long measured(Head head, long[] series, BenchSeries f, long from, long to) {
    return append(head, series, f, from, to);
  }

  // One transaction per pass; series[i] is the hash of series i.
  private static long append(Head head, long[] series, BenchSeries f, long from, long to) {
    long rejected = 0;
    for (long p = from; p < to; p++) {
      try (HeadAppender app = head.appender()) {
        for (int i = 0; i < series.length; i++) {
          byte[] key = f.key(i);
          app.series(series[i], key, 0, key.length);
          if (app.append(f.timestamp(i, p), f.valueBits(i, p)) != AppendResult.OK) {
            rejected++;
          }
        }
      }
    }
    return rejected;
  }

  private record Census(
      long closedChunks, long closedPayloadBytes, long closedArrayBytes, long indexArrayBytes) {}

  private static Census census(Head head) {
    long chunks = 0;
    long payload = 0;
    long arrays = 0;
    long index = 0;
    try (Querier q = head.querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        List<ChunkMeta> cs = s.chunks();
        // The last chunk is the open one (every series has samples in it after any append).
        int closed = cs.size() - 1;
        for (int c = 0; c < closed; c++) {
          int len = cs.get(c).data().length;
          chunks++;
          payload += len;
          arrays += align8(16 + len);
        }
        index += indexArrayBytes(closed);
      }
    }
    return new Census(chunks, payload, arrays, index);
  }

  /** Bytes of every closed-chunk index array a series with {@code closed} chunks has allocated. */
  private static long indexArrayBytes(int closed) {
    long bytes = 0;
    // MemSeries: byte[4][] and long[8] at the first cut, both doubled each time they are full.
    for (int capacity = 4; closed > 0; capacity *= 2) {
      bytes += align8(16 + 4L * capacity) + align8(16 + 8L * 2 * capacity);
      if (closed <= capacity) {
        break;
      }
    }
    return bytes;
  }

  private static long align8(long n) {
    return (n + 7) & ~7L;
  }
}
