// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import io.sluice.tsdb.wal.RepairResult;
import java.util.Optional;

/**
 * What {@link Tsdb#open} replayed from the WAL.
 *
 * @param series series created from series records (repeats of a known series not counted)
 * @param samples float samples appended to the head
 * @param failedSamples samples that could not be appended (duplicate, unknown series ref); counted,
 *     not fatal, as in Prometheus. A sample older than its series' newest is not a failure: replay
 *     keeps it as an out-of-order sample whatever the window
 * @param repair the repair of a corrupt WAL tail, if there was one
 */
public record ReplayStats(
    long series, long samples, long failedSamples, Optional<RepairResult> repair) {}
