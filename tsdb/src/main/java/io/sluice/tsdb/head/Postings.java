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
 * <p>A list is a {@code long[]} whose element 0 is the number of refs, followed by the refs, so a
 * value costs one array and no wrapper. Writers (series creation) take the write lock; readers copy
 * what they need under the read lock, so they never see a list being modified.
 */
final class Postings implements PostingsSource {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final HashMap<String, HashMap<String, long[]>> byName = new HashMap<>();
  private long[] all = new long[16];

  /** Adds a series; refs arrive almost in order, so insertion from the end is cheap. */
  void add(long ref, Labels labels) {
    lock.writeLock().lock();
    try {
      for (int i = 0; i < labels.size(); i++) {
        HashMap<String, long[]> values = byName.get(labels.name(i));
        if (values == null) {
          values = new HashMap<>(4);
          byName.put(labels.name(i), values);
        }
        long[] list = values.get(labels.value(i));
        long[] grown = insert(list == null ? new long[2] : list, ref);
        if (grown != list) {
          values.put(labels.value(i), grown);
        }
      }
      all = insert(all, ref);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes the series with the given refs (ascending) from every list; drops emptied lists. */
  void removeAll(long[] sortedRefs) {
    if (sortedRefs.length == 0) {
      return;
    }
    lock.writeLock().lock();
    try {
      for (Iterator<HashMap<String, long[]>> names = byName.values().iterator();
          names.hasNext(); ) {
        HashMap<String, long[]> values = names.next();
        for (Iterator<long[]> lists = values.values().iterator(); lists.hasNext(); ) {
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
  private static int removeFrom(long[] list, long[] sortedRefs) {
    int size = (int) list[0];
    int w = 1;
    for (int r = 1; r <= size; r++) {
      if (Arrays.binarySearch(sortedRefs, list[r]) < 0) {
        list[w++] = list[r];
      }
    }
    list[0] = w - 1;
    return w - 1;
  }

  private static long[] insert(long[] list, long ref) {
    int size = (int) list[0];
    if (size + 1 == list.length) {
      list = Arrays.copyOf(list, list.length + Math.max(1, list.length >> 1));
    }
    int i = size;
    while (i > 0 && list[i] > ref) {
      list[i + 1] = list[i];
      i--;
    }
    list[i + 1] = ref;
    list[0] = size + 1;
    return list;
  }

  private static long[] copy(long[] list) {
    return Arrays.copyOfRange(list, 1, 1 + (int) list[0]);
  }

  @Override
  public long[] all() {
    lock.readLock().lock();
    try {
      return copy(all);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long[] get(String name, String value) {
    lock.readLock().lock();
    try {
      HashMap<String, long[]> values = byName.get(name);
      long[] list = values == null ? null : values.get(value);
      return list == null ? new long[0] : copy(list);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long[] union(String name, Predicate<String> valueFilter) {
    List<long[]> lists = new ArrayList<>();
    lock.readLock().lock();
    try {
      HashMap<String, long[]> values = byName.get(name);
      if (values == null) {
        return new long[0];
      }
      for (Map.Entry<String, long[]> e : values.entrySet()) {
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
    lock.readLock().lock();
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
    lock.readLock().lock();
    try {
      HashMap<String, long[]> values = byName.get(name);
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
    lock.readLock().lock();
    try {
      HashMap<String, long[]> values = byName.get(name);
      if (values == null) {
        return false;
      }
      if (value != null) {
        long[] list = values.get(value);
        return list != null && anyIn(list, test);
      }
      for (long[] list : values.values()) {
        if (anyIn(list, test)) {
          return true;
        }
      }
      return false;
    } finally {
      lock.readLock().unlock();
    }
  }

  private static boolean anyIn(long[] list, LongPredicate test) {
    int size = (int) list[0];
    // Newest series first: they are the likeliest to have recent samples.
    for (int i = size; i >= 1; i--) {
      if (test.test(list[i])) {
        return true;
      }
    }
    return false;
  }
}
