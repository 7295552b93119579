// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.List;
import java.util.function.Predicate;

/**
 * The postings of one storage (a head or a block index): ascending series refs per label pair.
 * {@link #select} turns matchers into the refs of the matching series the same way for both. A
 * source over files reports read errors as {@link java.io.UncheckedIOException}.
 */
public interface PostingsSource {
  /** Every series ref, ascending. */
  long[] all();

  /** Refs of the series with label {@code name}={@code value}, ascending; empty if none. */
  long[] get(String name, String value);

  /** Union of the refs of every value of label {@code name} that {@code valueFilter} accepts. */
  long[] union(String name, Predicate<String> valueFilter);

  /** Refs of the series that have label {@code name} with a value {@code m} accepts. */
  default long[] matching(Matcher m) {
    return m.type() == Matcher.Type.EQ ? get(m.name(), m.value()) : union(m.name(), m::matches);
  }

  /**
   * Refs of the series matching all {@code matchers}, ascending, as Prometheus' {@code
   * PostingsForMatchers}: a matcher that rejects "" narrows by the postings of the values it
   * accepts; a matcher that accepts "" removes the series whose value it rejects, so that series
   * lacking the label stay. No matchers select every series.
   */
  static long[] select(PostingsSource p, List<Matcher> matchers) {
    long[] refs = null;
    for (Matcher m : matchers) {
      if (!m.matches("")) {
        long[] got = p.matching(m);
        refs = refs == null ? got : RefLists.intersect(refs, got);
        if (refs.length == 0) {
          return refs;
        }
      }
    }
    if (refs == null) {
      refs = p.all();
    }
    for (Matcher m : matchers) {
      if (m.matches("")) {
        long[] rejected =
            m.type() == Matcher.Type.NEQ
                ? p.get(m.name(), m.value())
                : p.union(m.name(), v -> !m.matches(v));
        refs = RefLists.subtract(refs, rejected);
      }
    }
    return refs;
  }
}
