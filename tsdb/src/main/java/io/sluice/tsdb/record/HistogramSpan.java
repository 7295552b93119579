// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

/**
 * A span of consecutive buckets of a native histogram.
 *
 * @param offset gap to the previous span (or the bucket index of the first span), int32
 * @param length number of buckets, uint32
 */
public record HistogramSpan(int offset, long length) {
  /**
   * Validates the uint32 range of the length.
   *
   * @throws IllegalArgumentException if {@code length} is not in [0, 2<sup>32</sup>)
   */
  public HistogramSpan {
    if (length < 0 || length > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("span length out of uint32 range: " + length);
    }
  }
}
