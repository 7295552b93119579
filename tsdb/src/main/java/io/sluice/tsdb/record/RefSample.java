// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

/**
 * One float sample from a samples record. The value is kept as raw IEEE-754 bits so that NaN
 * payloads (the stale marker {@link RecordFormat#STALE_NAN_BITS}) survive unchanged.
 *
 * @param ref head series ref
 * @param t timestamp in ms since the epoch
 * @param valueBits raw bits of the float64 value
 */
public record RefSample(long ref, long t, long valueBits) {
  /** The value as a double (NaN payloads are not guaranteed to survive arithmetic). */
  public double value() {
    return Double.longBitsToDouble(valueBits);
  }
}
