// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.List;

/**
 * Reads series, label names and label values of one storage (a head or a block) over a time range.
 *
 * <p>Ranges are in ms, both ends inclusive. Only series with at least one sample in [mint, maxt]
 * take part. Matchers are ANDed; an empty matcher list selects every series. Strings are returned
 * sorted in unsigned UTF-8 byte order. A querier may be used from several threads; the caller
 * closes it (a head querier holds nothing, a block querier may pin mmapped files).
 */
public interface Querier extends AutoCloseable {
  /**
   * Series matching all {@code matchers} with a sample in [mint, maxt], sorted by labels, each with
   * its stored chunks overlapping the range.
   */
  SeriesSet select(long mint, long maxt, List<Matcher> matchers);

  /** Sorted distinct label names of the series {@link #select} would return. */
  List<String> labelNames(long mint, long maxt, List<Matcher> matchers);

  /** Sorted distinct values of label {@code name} over the series {@link #select} would return. */
  List<String> labelValues(String name, long mint, long maxt, List<Matcher> matchers);

  /** Releases what the querier holds; never throws. */
  @Override
  void close();
}
