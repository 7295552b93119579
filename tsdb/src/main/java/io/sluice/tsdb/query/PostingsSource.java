// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
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

  /** Length of the list {@link #get}{@code (name, value)} returns, without building it. */
  default int size(String name, String value) {
    return get(name, value).length;
  }

  /**
   * The refs of {@code refs} (ascending) that have label {@code name}={@code value}: for a few refs
   * against a long list, without building the list.
   */
  default long[] retain(long[] refs, String name, String value) {
    return RefLists.intersect(refs, get(name, value));
  }

  /** Refs of the series that have label {@code name} with a value {@code m} accepts. */
  default long[] matching(Matcher m) {
    return matching(m, Cancellation.NEVER);
  }

  /**
   * {@link #matching(Matcher)}, polling {@code cancelled} while it tests label values.
   *
   * @throws java.util.concurrent.CancellationException once {@code cancelled} is set
   */
  default long[] matching(Matcher m, BooleanSupplier cancelled) {
    return m.type() == Matcher.Type.EQ
        ? get(m.name(), m.value())
        : union(m.name(), Cancellation.filter(m::matches, cancelled));
  }

  /**
   * Refs of the series matching all {@code matchers}, ascending, as Prometheus' {@code
   * PostingsForMatchers}: a matcher that rejects "" narrows by the postings of the values it
   * accepts; a matcher that accepts "" removes the series whose value it rejects, so that series
   * lacking the label stay. No matchers select every series.
   */
  static long[] select(PostingsSource p, List<Matcher> matchers) {
    return select(p, matchers, Cancellation.NEVER);
  }

  /**
   * {@link #select(PostingsSource, List)}, polling {@code cancelled} between matchers and while
   * label values are tested, so that a cancelled query stops matching.
   *
   * @throws java.util.concurrent.CancellationException once {@code cancelled} is set
   */
  static long[] select(PostingsSource p, List<Matcher> matchers, BooleanSupplier cancelled) {
    Cancellation.check(cancelled);
    long[] refs = equalities(p, matchers);
    if (refs != null && refs.length == 0) {
      return refs;
    }
    for (Matcher m : matchers) {
      if (!m.matches("") && m.type() != Matcher.Type.EQ) {
        long[] got = p.matching(m, cancelled);
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
        Cancellation.check(cancelled);
        long[] rejected =
            m.type() == Matcher.Type.NEQ
                ? p.get(m.name(), m.value())
                : p.union(m.name(), Cancellation.filter(v -> !m.matches(v), cancelled));
        refs = RefLists.subtract(refs, rejected);
      }
    }
    return refs;
  }

  // The intersection of the equality matchers' lists, shortest first: once the candidates are few,
  // each longer list is only probed (a label such as cluster="x" can list every series). Null when
  // there is no equality matcher that rejects "".
  private static long[] equalities(PostingsSource p, List<Matcher> matchers) {
    List<Matcher> eqs = new ArrayList<>();
    for (Matcher m : matchers) {
      if (m.type() == Matcher.Type.EQ && !m.matches("")) {
        eqs.add(m);
      }
    }
    if (eqs.isEmpty()) {
      return null;
    }
    int[] sizes = new int[eqs.size()];
    Integer[] order = new Integer[eqs.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = p.size(eqs.get(i).name(), eqs.get(i).value());
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(sizes[a], sizes[b]));
    long[] refs = null;
    for (int i : order) {
      Matcher m = eqs.get(i);
      if (refs == null) {
        refs = p.get(m.name(), m.value());
      } else if ((long) refs.length * 16 < sizes[i]) {
        refs = p.retain(refs, m.name(), m.value());
      } else {
        refs = RefLists.intersect(refs, p.get(m.name(), m.value()));
      }
      if (refs.length == 0) {
        break;
      }
    }
    return refs;
  }
}
