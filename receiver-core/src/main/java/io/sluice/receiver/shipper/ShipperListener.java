// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.shipper;

import io.sluice.tsdb.block.BlockMeta;

/**
 * Told what a {@link Shipper} does, for Thanos' {@code thanos_shipper_*} metrics. Called on the
 * thread running the pass; implementations must be thread-safe and quick.
 */
public interface ShipperListener {
  /** Ignores everything. */
  ShipperListener NONE = new ShipperListener() {};

  /**
   * A pass ended ({@code thanos_shipper_dir_syncs_total}); when {@code ok} is false it failed
   * ({@code thanos_shipper_dir_sync_failures_total}).
   */
  default void dirSynced(boolean ok) {}

  /**
   * A block was uploaded completely, {@code meta.json} last ({@code thanos_shipper_uploads_total}).
   */
  default void uploaded(BlockMeta meta) {}

  /**
   * Uploading a block failed; it is retried at the next pass ({@code ..._upload_failures_total}).
   */
  default void uploadFailed(BlockMeta meta, Exception e) {}

  /** A block directory's {@code meta.json} cannot be read ({@code ..._corrupted_blocks_total}). */
  default void corruptedBlock(String dirName, Exception e) {}
}
