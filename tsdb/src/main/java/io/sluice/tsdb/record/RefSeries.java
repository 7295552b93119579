// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import io.sluice.tsdb.labels.Labels;
import java.util.Objects;

/**
 * A series definition from a series record: the head series ref and its labels.
 *
 * @param ref head series ref (Prometheus' {@code HeadSeriesRef}, an unsigned 64-bit id)
 * @param labels the label set
 */
public record RefSeries(long ref, Labels labels) {
  /** Validates that labels are present. */
  public RefSeries {
    Objects.requireNonNull(labels, "labels");
  }
}
