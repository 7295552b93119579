// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Encodes all request bodies of a run before anything is sent.
 *
 * <p>Series {@code s} belongs to shard {@code s % shards} (as a Prometheus queue keeps a series in
 * one shard); the series of a shard, in index order, are cut into chunks of {@code
 * samplesPerRequest}, and every chunk becomes one body per round. Chunks are encoded in parallel;
 * the result does not depend on the number of threads.
 */
public final class LoadEncoder {

  private LoadEncoder() {}

  /**
   * Encodes {@code config.rounds()} rounds of every series of {@code catalog}.
   *
   * @param config series count, shards, rounds, protocol and seed
   * @param catalog the series; must have {@code config.series()} series
   * @param baseTimestampMillis timestamp of round 0; round {@code r} is {@code base + r * interval}
   * @param threads number of encoding threads, at least 1
   * @return the bodies
   * @throws IllegalArgumentException if the catalog does not match the config
   */
  public static EncodedLoad encode(
      LoadConfig config, SeriesCatalog catalog, long baseTimestampMillis, int threads) {
    if (catalog.series() != config.series()) {
      throw new IllegalArgumentException(
          "catalog has " + catalog.series() + " series, config " + config.series());
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    int shards = config.shards();
    int perRequest = config.samplesPerRequest();
    int rounds = config.rounds();
    long intervalMillis = config.interval().toMillis();
    EncodedLoad.Body[][][] bodies = new EncodedLoad.Body[shards][rounds][];
    List<int[]> tasks = new ArrayList<>();
    for (int k = 0; k < shards; k++) {
      int seriesOfShard = seriesOfShard(config.series(), shards, k);
      int chunks = (seriesOfShard + perRequest - 1) / perRequest;
      for (int r = 0; r < rounds; r++) {
        bodies[k][r] = new EncodedLoad.Body[chunks];
      }
      for (int c = 0; c < chunks; c++) {
        tasks.add(new int[] {k, c});
      }
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          ChunkWorker w = new ChunkWorker(config, catalog, baseTimestampMillis, intervalMillis);
          for (int t = next.getAndIncrement(); t < tasks.size(); t = next.getAndIncrement()) {
            int[] task = tasks.get(t);
            w.encodeChunk(task[0], task[1], bodies);
          }
        };
    int n = Math.min(threads, Math.max(1, tasks.size()));
    if (n == 1) {
      worker.run();
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          futures.add(pool.submit(worker));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while encoding", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("encoding failed", e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    return new EncodedLoad(config.protocol(), bodies, baseTimestampMillis, intervalMillis);
  }

  /** Returns the number of series that shard {@code shard} of {@code shards} sends. */
  public static int seriesOfShard(int series, int shards, int shard) {
    return shard >= series ? 0 : (series - shard + shards - 1) / shards;
  }

  /** Returns the 64 random bits that drive series {@code series} in round {@code round}. */
  static long randomBits(long seed, long series, int round) {
    return SeriesCatalog.mix64(SeriesCatalog.mix64(seed ^ (series * 0x9E3779B97F4A7C15L)) + round);
  }

  /** Per-thread state: one encoder and the buffers of one chunk. */
  private static final class ChunkWorker {
    private final LoadConfig config;
    private final SeriesCatalog catalog;
    private final long baseTimestampMillis;
    private final long intervalMillis;
    private final RemoteWriteEncoder encoder;
    private final String[] names;
    private final String[] values;
    private final long[] seriesIndex;
    private final ValueModel[] models;
    private final double[] sampleValues;

    ChunkWorker(
        LoadConfig config, SeriesCatalog catalog, long baseTimestampMillis, long intervalMillis) {
      this.config = config;
      this.catalog = catalog;
      this.baseTimestampMillis = baseTimestampMillis;
      this.intervalMillis = intervalMillis;
      this.encoder = RemoteWriteEncoder.create(config.protocol());
      encoder.histograms(config.histograms());
      this.names = new String[catalog.maxLabels()];
      this.values = new String[catalog.maxLabels()];
      int perRequest = config.samplesPerRequest();
      this.seriesIndex = new long[perRequest];
      this.models = new ValueModel[perRequest];
      this.sampleValues = new double[perRequest];
    }

    void encodeChunk(int shard, int chunk, EncodedLoad.Body[][][] bodies) {
      int shards = config.shards();
      int perRequest = config.samplesPerRequest();
      int first = chunk * perRequest;
      int count = Math.min(perRequest, seriesOfShard(config.series(), shards, shard) - first);
      encoder.reset();
      for (int j = 0; j < count; j++) {
        long s = shard + (long) shards * (first + j);
        seriesIndex[j] = s;
        models[j] = catalog.valueModel(s);
        int n = catalog.labels(s, names, values);
        encoder.addSeries(names, values, n);
      }
      double intervalSeconds = intervalMillis / 1000.0;
      for (int r = 0; r < config.rounds(); r++) {
        long ts = baseTimestampMillis + r * intervalMillis;
        for (int j = 0; j < count; j++) {
          long bits = randomBits(config.seed(), seriesIndex[j], r);
          sampleValues[j] =
              r == 0
                  ? models[j].initial(bits, ts)
                  : models[j].next(sampleValues[j], bits, ts, intervalSeconds);
        }
        int length = encoder.encode(sampleValues, ts, r);
        bodies[shard][r][chunk] = new EncodedLoad.Body(encoder.compressBody(), count, length);
      }
    }
  }
}
