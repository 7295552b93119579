// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

/**
 * Outcome of appending one sample to the head, with Prometheus' head semantics. Rejections are
 * data, not exceptions: callers count them per reason (Thanos maps all of them to 409 Conflict).
 */
public enum AppendResult {
  /**
   * Stored; or the same timestamp and bit-identical value as the series' newest sample, which is
   * accepted idempotently without storing anything.
   */
  OK,
  /** Same timestamp as the series' newest sample, different value bits. */
  DUPLICATE_SAMPLE,
  /** Older than the series' newest sample, with out-of-order ingestion disabled. */
  OUT_OF_ORDER,
  /**
   * Older than the head's min valid time, head maxTime − chunkRange/2, with out-of-order ingestion
   * disabled.
   */
  OUT_OF_BOUNDS,
  /** Later than the clock's now plus {@link HeadOptions#tooFarInFutureMs()} (when enabled). */
  TOO_FAR_IN_FUTURE,
  /**
   * With out-of-order ingestion enabled: older than the series' newest sample and older than head
   * maxTime − {@link HeadOptions#oooTimeWindowMs()} (Prometheus' {@code ErrTooOldSample}).
   */
  TOO_OLD
}
