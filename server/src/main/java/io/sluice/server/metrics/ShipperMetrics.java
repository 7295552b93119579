// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.receiver.shipper.ShipperListener;
import io.sluice.tsdb.block.BlockMeta;

/**
 * One tenant's shipper metrics, with Thanos' names and the {@code tenant} label receive adds:
 * {@code thanos_shipper_dir_syncs_total}, {@code thanos_shipper_dir_sync_failures_total}, {@code
 * thanos_shipper_uploads_total}, {@code thanos_shipper_upload_failures_total} and {@code
 * thanos_shipper_corrupted_blocks_total}. All exist at 0 once the tenant is open. Thread-safe.
 */
public final class ShipperMetrics implements ShipperListener {
  private final Counter dirSyncs;
  private final Counter dirSyncFailures;
  private final Counter uploads;
  private final Counter uploadFailures;
  private final Counter corruptedBlocks;

  /** Registers the tenant's counters. */
  public ShipperMetrics(MeterRegistry registry, String tenant) {
    dirSyncs = counter(registry, tenant, "dir.syncs", "Total number of dir syncs");
    dirSyncFailures =
        counter(registry, tenant, "dir.sync.failures", "Total number of failed dir syncs");
    uploads = counter(registry, tenant, "uploads", "Total number of uploaded blocks");
    uploadFailures =
        counter(registry, tenant, "upload.failures", "Total number of block upload failures");
    corruptedBlocks =
        counter(registry, tenant, "corrupted.blocks", "Total number of corrupted blocks");
  }

  private static Counter counter(MeterRegistry r, String tenant, String name, String help) {
    return Counter.builder("thanos.shipper." + name)
        .description(help)
        .tag("tenant", tenant)
        .register(r);
  }

  @Override
  public void dirSynced(boolean ok) {
    dirSyncs.increment();
    if (!ok) {
      dirSyncFailures.increment();
    }
  }

  @Override
  public void uploaded(BlockMeta meta) {
    uploads.increment();
  }

  @Override
  public void uploadFailed(BlockMeta meta, Exception e) {
    uploadFailures.increment();
  }

  @Override
  public void corruptedBlock(String dirName, Exception e) {
    corruptedBlocks.increment();
  }
}
