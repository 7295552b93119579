// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

/**
 * How a {@link Wal} writes.
 *
 * @param segmentSize segment size in bytes, a positive multiple of {@link WalFormat#PAGE_SIZE}
 *     (Prometheus' {@code --storage.tsdb.wal-segment-size}; default 128 MiB)
 * @param compress whether to snappy-compress records that get smaller by it (Prometheus' {@code
 *     --storage.tsdb.wal-compression}, on by default in 2.42)
 */
public record WalOptions(int segmentSize, boolean compress) {
  /**
   * Validates the segment size.
   *
   * @throws IllegalArgumentException if {@code segmentSize} is not a positive multiple of the page
   *     size
   */
  public WalOptions {
    if (segmentSize <= 0 || segmentSize % WalFormat.PAGE_SIZE != 0) {
      throw new IllegalArgumentException(
          "segment size must be a positive multiple of "
              + WalFormat.PAGE_SIZE
              + " bytes: "
              + segmentSize);
    }
  }

  /** Prometheus 2.42's defaults: 128 MiB segments, compression on. */
  public static WalOptions defaults() {
    return new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, true);
  }
}
