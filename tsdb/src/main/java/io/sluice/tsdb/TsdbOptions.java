// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.wal.WalOptions;
import java.util.Objects;

/**
 * Configuration of one {@link Tsdb}.
 *
 * @param head the head's options (its clock is the database's clock)
 * @param wal segment size and record compression of the WAL ({@code --tsdb.wal-compression})
 * @param walFsync whether {@link Tsdb#log} returns only after an fsync that started after the write
 *     ({@code --tsdb.wal-fsync}, group commit); false: after the write reached the OS, as
 *     Prometheus and Thanos
 * @param replayWorkers threads that apply samples during WAL replay, sharded by series ref (at
 *     least 1)
 * @param blockDurationMs length of the blocks cut from the head, ms ({@code
 *     --tsdb.min-block-duration}); blocks are aligned to multiples of it and the head cuts one once
 *     it spans 1.5 times it. Equal to the head's chunk range, so that no chunk straddles a cut
 * @param retentionMs local blocks whose end is older than this (ms, against the newest sample) are
 *     deleted ({@code --tsdb.retention}); 0 keeps them forever
 */
public record TsdbOptions(
    HeadOptions head,
    WalOptions wal,
    boolean walFsync,
    int replayWorkers,
    long blockDurationMs,
    long retentionMs) {
  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code replayWorkers} &lt; 1, the block duration differs
   *     from the head's chunk range, or the retention is negative
   */
  public TsdbOptions {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(wal, "wal");
    if (replayWorkers < 1) {
      throw new IllegalArgumentException("replayWorkers must be >= 1: " + replayWorkers);
    }
    if (blockDurationMs != head.chunkRangeMs()) {
      throw new IllegalArgumentException(
          "block duration "
              + blockDurationMs
              + " ms must equal the head's chunk range "
              + head.chunkRangeMs()
              + " ms");
    }
    if (retentionMs < 0) {
      throw new IllegalArgumentException("retentionMs must be >= 0: " + retentionMs);
    }
  }

  /** Blocks of the head's chunk range and the default retention of 15 days. */
  public TsdbOptions(HeadOptions head, WalOptions wal, boolean walFsync, int replayWorkers) {
    this(head, wal, walFsync, replayWorkers, head.chunkRangeMs(), DEFAULT_RETENTION_MS);
  }

  /** Thanos receive's default {@code --tsdb.retention}: 15 days. */
  public static final long DEFAULT_RETENTION_MS = 15L * 24 * 3_600_000;

  /** The given head options, Prometheus' WAL defaults, no fsync, one replay worker per CPU. */
  public static TsdbOptions defaults(HeadOptions head) {
    return new TsdbOptions(
        head, WalOptions.defaults(), false, Runtime.getRuntime().availableProcessors());
  }
}
