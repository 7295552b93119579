// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One chunk of a series as stored: its time range, encoding byte and raw bytes, never re-encoded.
 *
 * <p>{@code data} is shared with storage where the chunk is immutable (closed head chunks, mmapped
 * block chunks) and a private copy for the open head chunk. Callers must not modify it. Equality
 * compares the bytes.
 *
 * @param minTime timestamp of the first sample, ms
 * @param maxTime timestamp of the last sample, ms (inclusive)
 * @param encoding chunk encoding byte (1 = XOR, see {@link io.sluice.tsdb.chunkenc.XorChunkFormat})
 * @param data the chunk bytes in their stored format
 */
public record ChunkMeta(long minTime, long maxTime, byte encoding, byte[] data) {
  /**
   * Validates the range.
   *
   * @throws IllegalArgumentException if {@code minTime > maxTime}
   */
  public ChunkMeta {
    Objects.requireNonNull(data, "data");
    if (minTime > maxTime) {
      throw new IllegalArgumentException("chunk minTime " + minTime + " > maxTime " + maxTime);
    }
  }

  /** Whether the chunk's time range overlaps [mint, maxt] (both inclusive). */
  public boolean overlaps(long mint, long maxt) {
    return minTime <= maxt && maxTime >= mint;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChunkMeta c
        && c.minTime == minTime
        && c.maxTime == maxTime
        && c.encoding == encoding
        && Arrays.equals(c.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minTime, maxTime, encoding) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "ChunkMeta[minTime="
        + minTime
        + ", maxTime="
        + maxTime
        + ", encoding="
        + encoding
        + ", data="
        + HexFormat.of().formatHex(data)
        + "]";
  }
}
