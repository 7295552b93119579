// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.util.List;

/**
 * What {@link WalRepair#repair} dropped, for the one log line the caller writes.
 *
 * @param segment the corrupt segment, now ending at its last good record
 * @param truncatedAt offset where the segment was cut (then zero-padded to the page end)
 * @param droppedBytes bytes removed from the corrupt segment (from {@code truncatedAt} to its old
 *     end)
 * @param deletedSegments indexes of the later segments that were deleted, ascending
 * @param deletedBytes total size of the deleted segments
 */
public record RepairResult(
    int segment,
    long truncatedAt,
    long droppedBytes,
    List<Integer> deletedSegments,
    long deletedBytes) {
  /** Copies the list. */
  public RepairResult {
    deletedSegments = List.copyOf(deletedSegments);
  }
}
