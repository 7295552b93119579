// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import java.util.Objects;

/**
 * One integer native histogram sample.
 *
 * @param ref head series ref
 * @param t timestamp in ms
 * @param histogram the histogram
 */
public record RefHistogramSample(long ref, long t, Histogram histogram) {
  /** Validates that the histogram is present. */
  public RefHistogramSample {
    Objects.requireNonNull(histogram, "histogram");
  }
}
