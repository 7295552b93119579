// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import io.sluice.tsdb.labels.Labels;
import java.util.List;
import java.util.Objects;

/**
 * One series entry of an index: its label set and chunk metas, in time order.
 *
 * @param labels the label set
 * @param chunks the chunk metas, ascending and non-overlapping; an unmodifiable list
 */
public record IndexSeries(Labels labels, List<ChunkRef> chunks) {
  /** Copies {@code chunks} into an unmodifiable list. */
  public IndexSeries {
    Objects.requireNonNull(labels, "labels");
    chunks = List.copyOf(chunks);
  }
}
