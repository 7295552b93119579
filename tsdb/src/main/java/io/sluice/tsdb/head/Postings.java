// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.query.PostingsSource;
import io.sluice.tsdb.query.RefLists;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * Label name → value → ascending series refs, for one head.
 *
 * <p>A list is an {@code int[]} whose element 0 is the number of refs, followed by the refs, so a
 * value costs one array and no wrapper, and a ref four bytes: refs above {@link #MAX_REF} are
 * refused ({@link Head} checks before it creates a series), as a head would need more than two
 * billion series creations to reach them. Lists are handed out as {@code long[]}. Writers (series
 * creation) take the write lock; readers copy what they need under the read lock, so they never see
 * a list being modified.
 *
 * <p>Refs arrive almost in order, but not quite: on WAL replay the series records of concurrent
 * requests are interleaved, so a new ref may be thousands of places below the end of a list that
 * most series share. A ref is therefore inserted in place only when its place is among the last
 * {@value #SHIFT_LIMIT} entries; otherwise it is appended and the list marked unsorted (the sign
 * bit of element 0), and the first reader sorts the marked lists, under the write lock, before it
 * reads (Prometheus' {@code MemPostings.EnsureOrder} after replay, done lazily).
 */
final class Postings implements PostingsSource {
  /** The highest series ref postings can hold. */
  static final long MAX_REF = Integer.MAX_VALUE;

  private static final int SHIFT_LIMIT = 32;
  private static final int UNSORTED = 0x8000_0000;
  private static final int SIZE = 0x7FFF_FFFF;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final HashMap<String, HashMap<String, int[]>> byName = new HashMap<>();
  private int[] all = new int[16];
  // Whether some list is marked unsorted; guarded by the lock.
  private boolean unsorted;

  /**
   * Adds a series; refs arrive almost in order, so insertion from the end is cheap.
   *
   * @throws IllegalStateException if {@code ref} is above {@link #MAX_REF} or not positive
   */
  void add(long ref, Labels labels) {
    checkRef(ref);
    lock.writeLock().lock();
    try {
      for (int i = 0; i < labels.size(); i++) {
        HashMap<String, int[]> values = byName.get(labels.name(i));
        if (values == null) {
          values = new HashMap<>(4);
          byName.put(labels.name(i), values);
        }
        int[] list = values.get(labels.value(i));
        int[] grown = insert(list == null ? new int[2] : list, (int) ref);
        if (grown != list) {
          values.put(labels.value(i), grown);
        }
      }
      all = insert(all, (int) ref);
    } finally {
      lock.writeLock().unlock();
    }
  }

  static void checkRef(long ref) {
    if (ref <= 0 || ref > MAX_REF) {
      throw new IllegalStateException(
          "series ref " + ref + " is outside the head's ref space [1, " + MAX_REF + "]");
    }
  }

  /** Removes the series with the given refs (ascending) from every list; drops emptied lists. */
  void removeAll(long[] sortedRefs) {
    if (sortedRefs.length == 0) {
      return;
    }
    lock.writeLock().lock();
    try {
      sortMarked();
      for (Iterator<HashMap<String, int[]>> names = byName.values().iterator(); names.hasNext(); ) {
        HashMap<String, int[]> values = names.next();
        for (Iterator<int[]> lists = values.values().iterator(); lists.hasNext(); ) {
          if (removeFrom(lists.next(), sortedRefs) == 0) {
            lists.remove();
          }
        }
        if (values.isEmpty()) {
          names.remove();
        }
      }
      removeFrom(all, sortedRefs);
    } finally {
      lock.writeLock().unlock();
    }
  }

  // Compacts list in place, keeping refs not in sortedRefs; returns the new size.
  private static int removeFrom(int[] list, long[] sortedRefs) {
    int size = list[0];
    int w = 1;
    for (int r = 1; r <= size; r++) {
      if (Arrays.binarySearch(sortedRefs, list[r]) < 0) {
        list[w++] = list[r];
      }
    }
    list[0] = w - 1;
    return w - 1;
  }

  // Under the write lock; may return a grown copy.
  private int[] insert(int[] list, int ref) {
    int head = list[0];
    int size = head & SIZE;
    if (size + 1 == list.length) {
      list = Arrays.copyOf(list, list.length + Math.max(1, list.length >> 1));
    }
    if (head < 0 || size == 0 || list[size] < ref) {
      list[size + 1] = ref;
      list[0] = head + 1;
      return list;
    }
    int stop = Math.max(0, size - SHIFT_LIMIT);
    int i = size;
    while (i > stop && list[i] > ref) {
      i--;
    }
    if (i == 0 || list[i] < ref) {
      System.arraycopy(list, i + 1, list, i + 2, size - i);
      list[i + 1] = ref;
      list[0] = size + 1;
    } else {
      list[size + 1] = ref;
      list[0] = (size + 1) | UNSORTED;
      unsorted = true;
    }
    return list;
  }

  // Under the write lock.
  private void sortMarked() {
    if (!unsorted) {
      return;
    }
    for (HashMap<String, int[]> values : byName.values()) {
      for (int[] list : values.values()) {
        sort(list);
      }
    }
    sort(all);
    unsorted = false;
  }

  private static void sort(int[] list) {
    if (list[0] < 0) {
      int size = list[0] & SIZE;
      Arrays.sort(list, 1, size + 1);
      list[0] = size;
    }
  }

  // Takes the read lock with every list sorted.
  private void lockForRead() {
    lock.readLock().lock();
    if (unsorted) {
      lock.readLock().unlock();
      lock.writeLock().lock();
      try {
        sortMarked();
        lock.readLock().lock();
      } finally {
        lock.writeLock().unlock();
      }
    }
  }

  private static long[] copy(int[] list) {
    int n = list[0];
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = list[i + 1];
    }
    return out;
  }

  @Override
  public long[] all() {
    lockForRead();
    try {
      return copy(all);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long[] get(String name, String value) {
    lockForRead();
    try {
      HashMap<String, int[]> values = byName.get(name);
      int[] list = values == null ? null : values.get(value);
      return list == null ? new long[0] : copy(list);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int size(String name, String value) {
    lockForRead();
    try {
      HashMap<String, int[]> values = byName.get(name);
      int[] list = values == null ? null : values.get(value);
      return list == null ? 0 : list[0];
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long[] retain(long[] refs, String name, String value) {
    lockForRead();
    try {
      HashMap<String, int[]> values = byName.get(name);
      int[] list = values == null ? null : values.get(value);
      if (list == null) {
        return new long[0];
      }
      long[] out = new long[refs.length];
      int n = 0;
      int from = 1;
      int to = list[0] + 1;
      for (long ref : refs) {
        int i = Arrays.binarySearch(list, from, to, (int) ref);
        if (i >= 0) {
          out[n++] = ref;
          from = i + 1;
        } else {
          from = -i - 1;
        }
      }
      return Arrays.copyOf(out, n);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long[] union(String name, Predicate<String> valueFilter) {
    List<long[]> lists = new ArrayList<>();
    lockForRead();
    try {
      HashMap<String, int[]> values = byName.get(name);
      if (values == null) {
        return new long[0];
      }
      for (Map.Entry<String, int[]> e : values.entrySet()) {
        if (valueFilter.test(e.getKey())) {
          lists.add(copy(e.getValue()));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return RefLists.union(lists);
  }

  /** All label names, sorted in UTF-8 order. */
  List<String> names() {
    lockForRead();
    try {
      List<String> names = new ArrayList<>(byName.keySet());
      names.sort(Utf8.ORDER);
      return names;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** All values of label {@code name}, sorted in UTF-8 order. */
  List<String> values(String name) {
    lockForRead();
    try {
      HashMap<String, int[]> values = byName.get(name);
      if (values == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>(values.keySet());
      out.sort(Utf8.ORDER);
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Whether any series with label name=value (or, when value is null, with label {@code name} at
   * all) satisfies {@code test}. Stops at the first hit. {@code test} runs under the read lock and
   * must not create series.
   */
  boolean any(String name, String value, LongPredicate test) {
    lockForRead();
    try {
      HashMap<String, int[]> values = byName.get(name);
      if (values == null) {
        return false;
      }
      if (value != null) {
        int[] list = values.get(value);
        return list != null && anyIn(list, test);
      }
      for (int[] list : values.values()) {
        if (anyIn(list, test)) {
          return true;
        }
      }
      return false;
    } finally {
      lock.readLock().unlock();
    }
  }

  private static boolean anyIn(int[] list, LongPredicate test) {
    int size = list[0];
    // Newest series first: they are the likeliest to have recent samples.
    for (int i = size; i >= 1; i--) {
      if (test.test(list[i])) {
        return true;
      }
    }
    return false;
  }
}
