// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import java.util.Objects;

/**
 * One float native histogram sample.
 *
 * @param ref head series ref
 * @param t timestamp in ms
 * @param histogram the histogram
 */
public record RefFloatHistogramSample(long ref, long t, FloatHistogram histogram) {
  /** Validates that the histogram is present. */
  public RefFloatHistogramSample {
    Objects.requireNonNull(histogram, "histogram");
  }
}
