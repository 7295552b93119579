// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.util.Objects;

/**
 * What {@link Checkpoint#create} kept and dropped, as Prometheus' {@code CheckpointStats}. Sample
 * counts include histogram samples.
 *
 * @param checkpoint the checkpoint written
 * @param totalSeries series read
 * @param droppedSeries series dropped (not kept by the predicate)
 * @param totalSamples float and histogram samples read
 * @param droppedSamples samples dropped (older than the min time)
 * @param totalTombstones tombstone intervals read
 * @param droppedTombstones intervals dropped (ending before the min time)
 * @param totalExemplars exemplars read
 * @param droppedExemplars exemplars dropped
 * @param totalMetadata metadata entries read
 * @param droppedMetadata metadata entries dropped (dead series, or superseded by a later entry)
 */
public record CheckpointStats(
    CheckpointRef checkpoint,
    long totalSeries,
    long droppedSeries,
    long totalSamples,
    long droppedSamples,
    long totalTombstones,
    long droppedTombstones,
    long totalExemplars,
    long droppedExemplars,
    long totalMetadata,
    long droppedMetadata) {
  /** Validates that the checkpoint is present. */
  public CheckpointStats {
    Objects.requireNonNull(checkpoint, "checkpoint");
  }
}
