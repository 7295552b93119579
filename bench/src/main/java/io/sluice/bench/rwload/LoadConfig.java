// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What one rwload run sends and how.
 *
 * @param url the receiver's remote-write endpoint
 * @param series number of active series, at least 1
 * @param samplesPerRequest samples (= time series elements) per request, at least 1
 * @param shards concurrent senders; series {@code s} always goes through shard {@code s % shards}
 * @param rounds scrape rounds to pre-encode, warm-up included; every series gets one sample per
 *     round
 * @param warmupRounds rounds sent before the timed phase, less than {@code rounds}
 * @param interval time between the timestamps of consecutive rounds
 * @param duration the longest the timed phase may last; it ends earlier when everything is sent
 * @param rate target samples per second of the timed phase, 0 for as fast as possible
 * @param protocol remote-write 1.0 or 2.0
 * @param tenant value of the {@code THANOS-TENANT} header, or {@code null} to send none
 * @param cluster value of the {@code cluster} label
 * @param seed seed of the synthetic values
 * @param timeout per-request timeout
 * @param client the HTTP client implementation
 * @param jitWarmupRequests requests sent to an in-process sink before anything goes to the
 *     receiver, so that the JIT compiles the sending path before the timed phase; 0 for none
 * @param histograms whether every sample is an integer native histogram instead of a float
 */
public record LoadConfig(
    URI url,
    int series,
    int samplesPerRequest,
    int shards,
    int rounds,
    int warmupRounds,
    Duration interval,
    Duration duration,
    double rate,
    Protocol protocol,
    String tenant,
    String cluster,
    long seed,
    Duration timeout,
    HttpTransport.Kind client,
    int jitWarmupRequests,
    boolean histograms) {

  /** Default total number of pre-encoded samples, as a multiple of the number of series. */
  public static final int DEFAULT_ROUNDS = 10;

  /** Upper bound on pre-encoded samples when the number of rounds is chosen automatically. */
  public static final long MAX_DEFAULT_SAMPLES = 20_000_000L;

  /** A load of float samples. */
  public LoadConfig(
      URI url,
      int series,
      int samplesPerRequest,
      int shards,
      int rounds,
      int warmupRounds,
      Duration interval,
      Duration duration,
      double rate,
      Protocol protocol,
      String tenant,
      String cluster,
      long seed,
      Duration timeout,
      HttpTransport.Kind client,
      int jitWarmupRequests) {
    this(
        url,
        series,
        samplesPerRequest,
        shards,
        rounds,
        warmupRounds,
        interval,
        duration,
        rate,
        protocol,
        tenant,
        cluster,
        seed,
        timeout,
        client,
        jitWarmupRequests,
        false);
  }

  /** Validates every field. */
  public LoadConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(client, "client");
    if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
      throw new IllegalArgumentException("url must be http or https, got " + url);
    }
    if (series < 1) {
      throw new IllegalArgumentException("series must be at least 1, got " + series);
    }
    if (samplesPerRequest < 1) {
      throw new IllegalArgumentException(
          "samples-per-request must be at least 1, got " + samplesPerRequest);
    }
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, got " + shards);
    }
    if (warmupRounds < 0) {
      throw new IllegalArgumentException("warmup must not be negative, got " + warmupRounds);
    }
    if (rounds <= warmupRounds) {
      throw new IllegalArgumentException(
          "rounds ("
              + rounds
              + ") must be greater than warmup rounds ("
              + warmupRounds
              + ") so that something is timed");
    }
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be at least 1ms, got " + interval);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate must be 0 or a positive number, got " + rate);
    }
    if (cluster.isEmpty()) {
      throw new IllegalArgumentException("cluster must not be empty");
    }
    if (tenant != null && tenant.isEmpty()) {
      throw new IllegalArgumentException("tenant must not be empty when given");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (jitWarmupRequests < 0) {
      throw new IllegalArgumentException(
          "jit-warmup must not be negative, got " + jitWarmupRequests);
    }
  }

  /**
   * Returns the number of rounds used when none is given: {@value #DEFAULT_ROUNDS}, fewer if that
   * would pre-encode more than {@value #MAX_DEFAULT_SAMPLES} samples or span more than an hour, and
   * always at least one timed round after the warm-up.
   *
   * @param series number of series
   * @param warmupRounds rounds of warm-up
   * @param interval time between rounds
   */
  public static int defaultRounds(int series, int warmupRounds, Duration interval) {
    long bySamples = Math.max(1, MAX_DEFAULT_SAMPLES / series);
    long byHour = Duration.ofHours(1).toMillis() / Math.max(1, interval.toMillis()) + 1;
    long rounds = Math.min(DEFAULT_ROUNDS, Math.min(bySamples, byHour));
    return (int) Math.max(warmupRounds + 1L, rounds);
  }

  /** Returns the number of rounds sent in the timed phase. */
  public int timedRounds() {
    return rounds - warmupRounds;
  }

  /** Returns the total number of samples pre-encoded, warm-up included. */
  public long totalSamples() {
    return (long) series * rounds;
  }
}
