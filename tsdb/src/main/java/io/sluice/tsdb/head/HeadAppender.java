// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

/**
 * One request's transaction on a {@link Head}, as Prometheus 2.42's {@code headAppender}: the
 * out-of-bounds bound ({@code max(minValidTime, headMaxTime − chunkRange/2)}) and the out-of-order
 * bound ({@code headMaxTime − window}) are computed once, when the transaction starts (or, on an
 * empty head, at its first sample), from the max time the head had published then; the samples
 * appended here raise the head's max time only at {@link #commit()}. Concurrent transactions
 * therefore see the max time of those that have committed, never that of one still appending.
 *
 * <p>Unlike Prometheus, samples are in the series (and visible to queries) as soon as {@link
 * #append} returns OK; there is no rollback. The transaction holds the head's writer span from
 * creation to {@link #commit()}: look series up ({@link Head#getOrCreate}) and append between the
 * two, then commit in a {@code finally} block. Not thread-safe: one thread per transaction.
 */
public final class HeadAppender implements AutoCloseable {
  private final Head head;
  private final long stamp;
  private boolean bounded;
  private boolean committed;
  private long floor;
  private long minValid;
  private long oooMin;
  private long maxt = Long.MIN_VALUE;

  HeadAppender(Head head, long stamp) {
    this.head = head;
    this.stamp = stamp;
    head.initBounds(this, Long.MIN_VALUE);
  }

  void setBounds(long floor, long minValid, long oooMin) {
    this.floor = floor;
    this.minValid = minValid;
    this.oooMin = oooMin;
    this.bounded = true;
  }

  /**
   * Appends one float sample with Prometheus' checks against this transaction's bounds (see {@link
   * Head#append(MemSeries, long, long)} for the order of the checks). Allocates nothing except when
   * a chunk grows or is closed.
   *
   * @param s a series of this head, looked up inside this transaction
   * @param timestampMs sample time in ms
   * @param valueBits raw IEEE-754 bits, stored bit-exactly
   * @throws IllegalStateException if the transaction is committed
   */
  public AppendResult append(MemSeries s, long timestampMs, long valueBits) {
    if (committed) {
      throw new IllegalStateException("append after commit");
    }
    if (!bounded) {
      head.initBounds(this, timestampMs);
    }
    AppendResult r = head.append(s, timestampMs, valueBits, floor, minValid, oooMin);
    if (r == AppendResult.OK && timestampMs > maxt) {
      maxt = timestampMs;
    }
    return r;
  }

  /** The bound below which this transaction rejects samples as out of bounds, in ms. */
  public long minValidTime() {
    return bounded ? minValid : Long.MIN_VALUE;
  }

  /**
   * Publishes the newest sample time appended here as the head's max time (if newer) and ends the
   * writer span. Idempotent.
   */
  public void commit() {
    if (committed) {
      return;
    }
    committed = true;
    try {
      if (maxt != Long.MIN_VALUE) {
        head.commitMaxTime(maxt);
      }
    } finally {
      head.endAppend(stamp);
    }
  }

  /** Same as {@link #commit()}. */
  @Override
  public void close() {
    commit();
  }
}
