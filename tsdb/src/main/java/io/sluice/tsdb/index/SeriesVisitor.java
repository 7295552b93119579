// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

/**
 * Receives the parts of a series entry from {@link IndexReader#series(long, SeriesVisitor)}, so
 * that callers decode series into their own reusable buffers without allocating a {@link
 * IndexSeries} per series.
 */
public interface SeriesVisitor {
  /**
   * Called once per label, in label order (unsigned UTF-8 order of the names).
   *
   * @param name the label name, a shared symbol instance
   * @param value the label value, a shared symbol instance
   */
  void label(String name, String value);

  /**
   * Called once per chunk meta, in time order, after all labels.
   *
   * @param minTime first sample timestamp, ms (inclusive)
   * @param maxTime last sample timestamp, ms (inclusive)
   * @param ref chunk reference (segment sequence &lt;&lt; 32 | offset)
   */
  void chunk(long minTime, long maxTime, long ref);
}
