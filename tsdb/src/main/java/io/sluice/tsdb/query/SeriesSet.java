// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.Iterator;
import java.util.List;

/**
 * The series of a {@link Querier#select} in ascending {@link io.sluice.tsdb.labels.Labels} order.
 * Iterate with {@code hasNext()} / {@code next()}. Single-threaded.
 */
public interface SeriesSet extends Iterator<Series> {
  /** A set over an already sorted list. */
  static SeriesSet of(List<? extends Series> sorted) {
    Iterator<? extends Series> it = sorted.iterator();
    return new SeriesSet() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Series next() {
        return it.next();
      }
    };
  }

  /** The empty set. */
  static SeriesSet empty() {
    return of(List.of());
  }
}
