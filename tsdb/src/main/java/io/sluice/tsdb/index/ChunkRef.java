// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

/**
 * A chunk meta as stored in a series entry of the index: the time range of the chunk and where its
 * bytes are in the block's chunk segment files.
 *
 * @param minTime timestamp of the chunk's first sample, ms (inclusive)
 * @param maxTime timestamp of the chunk's last sample, ms (inclusive)
 * @param ref chunk reference: segment sequence number (0-based) in the upper 32 bits, byte offset
 *     of the chunk in that segment file in the lower 32 bits
 */
public record ChunkRef(long minTime, long maxTime, long ref) {
  /**
   * Validates the range.
   *
   * @throws IllegalArgumentException if {@code minTime > maxTime}
   */
  public ChunkRef {
    if (minTime > maxTime) {
      throw new IllegalArgumentException("chunk minTime " + minTime + " > maxTime " + maxTime);
    }
  }
}
