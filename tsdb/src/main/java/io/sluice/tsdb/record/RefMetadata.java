// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import java.util.Objects;

/**
 * The metadata of one series from a metadata record.
 *
 * @param ref head series ref
 * @param type metric type, one of the {@code RecordFormat.METRIC_TYPE_*} codes (kept as read)
 * @param unit the unit, empty if none
 * @param help the help text, empty if none
 */
public record RefMetadata(long ref, byte type, String unit, String help) {
  /** Validates that unit and help are present (possibly empty). */
  public RefMetadata {
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(help, "help");
  }
}
