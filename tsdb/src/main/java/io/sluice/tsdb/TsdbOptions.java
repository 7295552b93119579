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
 */
public record TsdbOptions(HeadOptions head, WalOptions wal, boolean walFsync, int replayWorkers) {
  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code replayWorkers} &lt; 1
   */
  public TsdbOptions {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(wal, "wal");
    if (replayWorkers < 1) {
      throw new IllegalArgumentException("replayWorkers must be >= 1: " + replayWorkers);
    }
  }

  /** The given head options, Prometheus' WAL defaults, no fsync, one replay worker per CPU. */
  public static TsdbOptions defaults(HeadOptions head) {
    return new TsdbOptions(
        head, WalOptions.defaults(), false, Runtime.getRuntime().availableProcessors());
  }
}
