// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;

/**
 * Configuration of a {@link Head}. Immutable; {@code hashPrefix} is copied in and out.
 *
 * @param chunkRangeMs block range in ms (Prometheus' chunk range, 2 h by default): chunks never
 *     cross a multiple of it, and samples older than head maxTime − chunkRangeMs/2 are out of
 *     bounds
 * @param samplesPerChunk target samples per chunk (Prometheus 2.42: 120); a chunk is cut at twice
 *     this at the latest
 * @param tooFarInFutureMs reject samples later than now + this many ms; 0 disables the check
 * @param clock source of "now" for the future check
 * @param hashPrefix bytes prepended to the series key when the head computes a series hash itself
 *     ({@link Head#hash}); a receiver sets {@code UTF-8(tenant) 0xFF} so that the head hash equals
 *     Thanos' placement hash
 * @param oooTimeWindowMs out-of-order window in ms (Thanos' {@code
 *     --tsdb.out-of-order.time-window}, Prometheus' {@code out_of_order_time_window}); 0 disables
 *     out-of-order ingestion. When positive, a sample older than its series' newest but not older
 *     than head maxTime − this is accepted into the series' out-of-order buffer, and an older one
 *     is {@link AppendResult#TOO_OLD}
 * @param oooCapMax at most this many samples in one chunk the head encodes from out-of-order data
 *     (Thanos' {@code --tsdb.out-of-order.cap-max}), in [1, 255]
 * @param maxExemplars exemplars the head keeps, over all series (Thanos' {@code
 *     --tsdb.max-exemplars}, Prometheus' {@code max_exemplars}); 0 keeps none and drops every
 *     exemplar appended
 */
public record HeadOptions(
    long chunkRangeMs,
    int samplesPerChunk,
    long tooFarInFutureMs,
    InstantSource clock,
    byte[] hashPrefix,
    long oooTimeWindowMs,
    int oooCapMax,
    long maxExemplars) {

  /** Prometheus' default block range: 2 h in ms. */
  public static final long DEFAULT_CHUNK_RANGE_MS = 7_200_000L;

  /** Prometheus 2.42's samples per chunk. */
  public static final int DEFAULT_SAMPLES_PER_CHUNK = 120;

  /** Prometheus' default out-of-order chunk capacity (a cap-max flag value of 0 means this). */
  public static final int DEFAULT_OOO_CAP_MAX = 32;

  /** Largest out-of-order chunk capacity Prometheus accepts. */
  public static final int MAX_OOO_CAP_MAX = 255;

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if chunkRangeMs &lt; 1, samplesPerChunk is not in [1, 32767]
   *     (twice it must fit the chunk's uint16 count), tooFarInFutureMs &lt; 0, oooTimeWindowMs &lt;
   *     0, oooCapMax is not in [1, 255], or maxExemplars &lt; 0
   */
  public HeadOptions {
    if (chunkRangeMs < 1) {
      throw new IllegalArgumentException("chunkRangeMs must be positive: " + chunkRangeMs);
    }
    if (samplesPerChunk < 1 || samplesPerChunk > 32767) {
      throw new IllegalArgumentException(
          "samplesPerChunk must be in [1, 32767]: " + samplesPerChunk);
    }
    if (tooFarInFutureMs < 0) {
      throw new IllegalArgumentException("tooFarInFutureMs must be >= 0: " + tooFarInFutureMs);
    }
    if (oooTimeWindowMs < 0) {
      throw new IllegalArgumentException("oooTimeWindowMs must be >= 0: " + oooTimeWindowMs);
    }
    if (oooCapMax < 1 || oooCapMax > MAX_OOO_CAP_MAX) {
      throw new IllegalArgumentException("oooCapMax must be in [1, 255]: " + oooCapMax);
    }
    if (maxExemplars < 0) {
      throw new IllegalArgumentException("maxExemplars must be >= 0: " + maxExemplars);
    }
    Objects.requireNonNull(clock, "clock");
    hashPrefix = Objects.requireNonNull(hashPrefix, "hashPrefix").clone();
  }

  /** Options without exemplar storage. */
  public HeadOptions(
      long chunkRangeMs,
      int samplesPerChunk,
      long tooFarInFutureMs,
      InstantSource clock,
      byte[] hashPrefix,
      long oooTimeWindowMs,
      int oooCapMax) {
    this(
        chunkRangeMs,
        samplesPerChunk,
        tooFarInFutureMs,
        clock,
        hashPrefix,
        oooTimeWindowMs,
        oooCapMax,
        0);
  }

  /** Options with out-of-order ingestion disabled (window 0, cap-max 32) and no exemplars. */
  public HeadOptions(
      long chunkRangeMs,
      int samplesPerChunk,
      long tooFarInFutureMs,
      InstantSource clock,
      byte[] hashPrefix) {
    this(
        chunkRangeMs, samplesPerChunk, tooFarInFutureMs, clock, hashPrefix, 0, DEFAULT_OOO_CAP_MAX);
  }

  /**
   * 2 h chunk range, 120 samples per chunk, no future check, no hash prefix, out-of-order ingestion
   * disabled.
   */
  public static HeadOptions defaults(InstantSource clock) {
    return new HeadOptions(
        DEFAULT_CHUNK_RANGE_MS, DEFAULT_SAMPLES_PER_CHUNK, 0, clock, new byte[0]);
  }

  /** A copy of the hash prefix. */
  @Override
  public byte[] hashPrefix() {
    return hashPrefix.clone();
  }

  /** The same options with another hash prefix. */
  public HeadOptions withHashPrefix(byte[] prefix) {
    return new HeadOptions(
        chunkRangeMs,
        samplesPerChunk,
        tooFarInFutureMs,
        clock,
        prefix,
        oooTimeWindowMs,
        oooCapMax,
        maxExemplars);
  }

  /** The same options with another future window (0 disables). */
  public HeadOptions withTooFarInFutureMs(long ms) {
    return new HeadOptions(
        chunkRangeMs,
        samplesPerChunk,
        ms,
        clock,
        hashPrefix,
        oooTimeWindowMs,
        oooCapMax,
        maxExemplars);
  }

  /**
   * The same options with another out-of-order window and chunk capacity.
   *
   * @param windowMs out-of-order window in ms, 0 disables
   * @param capMax samples per out-of-order chunk, in [1, 255]
   */
  public HeadOptions withOutOfOrder(long windowMs, int capMax) {
    return new HeadOptions(
        chunkRangeMs,
        samplesPerChunk,
        tooFarInFutureMs,
        clock,
        hashPrefix,
        windowMs,
        capMax,
        maxExemplars);
  }

  /** The same options keeping at most {@code n} exemplars (0: none). */
  public HeadOptions withMaxExemplars(long n) {
    return new HeadOptions(
        chunkRangeMs,
        samplesPerChunk,
        tooFarInFutureMs,
        clock,
        hashPrefix,
        oooTimeWindowMs,
        oooCapMax,
        n);
  }

  // Package-private: the head reads the prefix without copying.
  byte[] hashPrefixUnsafe() {
    return hashPrefix;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeadOptions h
        && h.chunkRangeMs == chunkRangeMs
        && h.samplesPerChunk == samplesPerChunk
        && h.tooFarInFutureMs == tooFarInFutureMs
        && h.oooTimeWindowMs == oooTimeWindowMs
        && h.oooCapMax == oooCapMax
        && h.maxExemplars == maxExemplars
        && h.clock.equals(clock)
        && Arrays.equals(h.hashPrefix, hashPrefix);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
            chunkRangeMs,
            samplesPerChunk,
            tooFarInFutureMs,
            clock,
            oooTimeWindowMs,
            oooCapMax,
            maxExemplars)
        + 31 * Arrays.hashCode(hashPrefix);
  }

  @Override
  public String toString() {
    return "HeadOptions[chunkRangeMs="
        + chunkRangeMs
        + ", samplesPerChunk="
        + samplesPerChunk
        + ", tooFarInFutureMs="
        + tooFarInFutureMs
        + ", clock="
        + clock
        + ", hashPrefix="
        + Arrays.toString(hashPrefix)
        + ", oooTimeWindowMs="
        + oooTimeWindowMs
        + ", oooCapMax="
        + oooCapMax
        + ", maxExemplars="
        + maxExemplars
        + "]";
  }
}
