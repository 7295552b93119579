// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import io.sluice.tsdb.labels.Labels;
import java.util.List;

/** One series of a query result: labels and the stored chunks that overlap the query range. */
public interface Series {
  /** The series' labels. */
  Labels labels();

  /**
   * The chunks overlapping the query range, in time order, as stored. They may hold samples outside
   * the range (StoreAPI semantics: no trimming). Exception: a head series with out-of-order samples
   * in the range returns its samples merged and re-encoded as non-overlapping XOR chunks.
   */
  List<ChunkMeta> chunks();

  /** A new iterator over the samples of {@link #chunks()} that lie inside the query range. */
  SampleIterator samples();
}
