// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import io.sluice.tsdb.labels.Labels;
import java.util.Objects;

/**
 * One exemplar from an exemplars record.
 *
 * @param ref head series ref of the series the exemplar belongs to
 * @param t timestamp in ms
 * @param valueBits raw bits of the float64 value
 * @param labels the exemplar's own labels (for example {@code trace_id})
 */
public record RefExemplar(long ref, long t, long valueBits, Labels labels) {
  /** Validates that labels are present. */
  public RefExemplar {
    Objects.requireNonNull(labels, "labels");
  }

  /** The value as a double. */
  public double value() {
    return Double.longBitsToDouble(valueBits);
  }
}
