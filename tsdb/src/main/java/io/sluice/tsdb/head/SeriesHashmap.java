// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

/**
 * One stripe of the head's series map by hash and key (Prometheus' {@code seriesHashmap}): a
 * chained hash table whose chains run through {@link MemSeries#nextInHash}. Two keys with the same
 * hash are kept apart by comparing key bytes.
 *
 * <p>Guarded by its own monitor: the caller holds it for every method but {@link #firstInSlot}. The
 * head picks the stripe with the low {@value Head#STRIPE_BITS} bits of the hash; the slot within
 * the stripe is taken from the bits above them.
 */
final class SeriesHashmap {
  private MemSeries[] table;
  private int size;

  /**
   * The first series of the slot {@code hash} falls in, without the monitor (see {@link
   * Head#prefetch}): the table may be replaced or its slot relinked meanwhile, so the result only
   * warms caches.
   */
  MemSeries firstInSlot(long hash) {
    MemSeries[] t = table;
    return t == null ? null : t[slot(hash, t.length)];
  }

  /** The series with this hash and key, or null. Allocation-free. */
  MemSeries get(long hash, byte[] key, int off, int len) {
    MemSeries[] t = table;
    if (t == null) {
      return null;
    }
    for (MemSeries s = t[slot(hash, t.length)]; s != null; s = s.nextInHash) {
      if (s.hash() == hash && s.keyLength() == len && s.keyEquals(key, off, len)) {
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
          MemSeries next = e.nextInHash;
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
    int i = slot(s.hash(), t.length);
    MemSeries prev = null;
    for (MemSeries e = t[i]; e != null; e = e.nextInHash) {
      if (e == s) {
        if (prev == null) {
          t[i] = e.nextInHash;
        } else {
          prev.nextInHash = e.nextInHash;
        }
        size--;
        return;
      }
      prev = e;
    }
  }

  private void link(MemSeries e) {
    int i = slot(e.hash(), table.length);
    e.nextInHash = table[i];
    table[i] = e;
  }

  // The low bits of the hash chose the stripe; index with the bits above them.
  private static int slot(long hash, int length) {
    return (int) (hash >>> Head.STRIPE_BITS ^ hash >>> 40) & (length - 1);
  }
}
