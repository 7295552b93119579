// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

/** What a receiver under memory pressure still admits, from least to most restrictive. */
public enum MemoryLevel {
  /** Every write is admitted. */
  NORMAL,
  /**
   * A write whose series all exist in the head is admitted; a write that would create a series (or
   * a tenant) is refused.
   */
  KNOWN_SERIES_ONLY,
  /** Every write is refused. */
  WRITES_REFUSED
}
