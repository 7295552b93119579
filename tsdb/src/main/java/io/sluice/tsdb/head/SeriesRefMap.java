// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import java.util.ArrayList;
import java.util.List;

/**
 * One stripe of the head's series map by ref (Prometheus' {@code stripeSeries.series}): a chained
 * hash table whose chains run through {@link MemSeries#nextInRef}.
 *
 * <p>Guarded by its own monitor: the caller holds it for every method but {@link #snapshot}, which
 * takes it. The head picks the stripe with the low {@value Head#REF_STRIPE_BITS} bits of the ref;
 * refs are dense, so the bits above them spread a stripe's refs evenly over its slots.
 */
final class SeriesRefMap {
  private MemSeries[] table;
  private int size;

  /** The series with this ref, or null. Allocation-free. */
  MemSeries get(long ref) {
    MemSeries[] t = table;
    if (t == null) {
      return null;
    }
    for (MemSeries s = t[slot(ref, t.length)]; s != null; s = s.nextInRef) {
      if (s.ref() == ref) {
        return s;
      }
    }
    return null;
  }

  /** Adds {@code s}, which is not in the table. Series creation only: may grow the table. */
  void put(MemSeries s) {
    if (table == null) {
      table = new MemSeries[4];
    } else if (size >= table.length - (table.length >> 2)) {
      MemSeries[] old = table;
      table = new MemSeries[old.length * 2];
      for (MemSeries head : old) {
        for (MemSeries e = head; e != null; ) {
          MemSeries next = e.nextInRef;
          link(e);
          e = next;
        }
      }
    }
    link(s);
    size++;
  }

  /** Unlinks {@code s} if it is in the table. */
  void remove(MemSeries s) {
    MemSeries[] t = table;
    if (t == null) {
      return;
    }
    int i = slot(s.ref(), t.length);
    MemSeries prev = null;
    for (MemSeries e = t[i]; e != null; e = e.nextInRef) {
      if (e == s) {
        if (prev == null) {
          t[i] = e.nextInRef;
        } else {
          prev.nextInRef = e.nextInRef;
        }
        size--;
        return;
      }
      prev = e;
    }
  }

  /** The series of this stripe, taken under its monitor. */
  synchronized List<MemSeries> snapshot() {
    List<MemSeries> out = new ArrayList<>(size);
    if (table != null) {
      for (MemSeries head : table) {
        for (MemSeries e = head; e != null; e = e.nextInRef) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private void link(MemSeries e) {
    int i = slot(e.ref(), table.length);
    e.nextInRef = table[i];
    table[i] = e;
  }

  private static int slot(long ref, int length) {
    return (int) (ref >>> Head.REF_STRIPE_BITS) & (length - 1);
  }
}
