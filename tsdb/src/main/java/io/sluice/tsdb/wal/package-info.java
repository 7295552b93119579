// SPDX-License-Identifier: Apache-2.0
/**
 * The write-ahead log, byte-compatible with Prometheus 2.42's {@code tsdb/wlog} ({@link
 * io.sluice.tsdb.wal.WalFormat}): {@link io.sluice.tsdb.wal.Wal} appends records to segment files,
 * {@link io.sluice.tsdb.wal.WalReader} replays them, {@link io.sluice.tsdb.wal.WalRepair} cuts a
 * damaged log back to its last good record, and {@link io.sluice.tsdb.wal.Checkpoint} folds old
 * segments into a checkpoint. Record payloads are {@link io.sluice.tsdb.record}.
 *
 * <p>Lifecycle of a WAL directory, as in Prometheus' head: replay ({@link
 * io.sluice.tsdb.wal.Checkpoint#replayRanges} then {@link io.sluice.tsdb.wal.WalReader}); on {@link
 * io.sluice.tsdb.wal.CorruptSegmentException} call {@link io.sluice.tsdb.wal.WalRepair#repair} once
 * and log its result; then {@link io.sluice.tsdb.wal.Wal#open} (which starts a new segment) and
 * append. On head truncation: {@link io.sluice.tsdb.wal.Wal#nextSegment}, {@link
 * io.sluice.tsdb.wal.Checkpoint#create}, {@link io.sluice.tsdb.wal.Wal#truncateBefore}, {@link
 * io.sluice.tsdb.wal.Checkpoint#deleteCheckpointsBefore}.
 */
package io.sluice.tsdb.wal;
