// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

/**
 * Float samples of one series in timestamp order, without boxing: {@code while (it.next()) use(
 * it.timestamp(), it.valueBits());}. Not thread-safe.
 */
public interface SampleIterator {
  /** Advances to the next sample; false when there is none. */
  boolean next();

  /** Timestamp of the current sample in ms. */
  long timestamp();

  /** Raw IEEE-754 bits of the current value (NaN payloads such as the stale marker kept). */
  long valueBits();

  /** The current value as a double; use {@link #valueBits()} to keep NaN payloads. */
  default double value() {
    return Double.longBitsToDouble(valueBits());
  }
}
