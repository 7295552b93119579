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
 * a list being modified, and run their filters and tests (regexes, chunk reads) outside it, so a
 * slow query never delays series creation.
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
  // Values whose lists a union copies per read-lock hold; refs an any() tests per hold.
  private static final int COPY_BATCH = 1024;
  private static final int TEST_BATCH = 64;
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

  /**
   * {@inheritDoc}
   *
   * <p>{@code valueFilter} runs outside the lock, on a snapshot of the label's values: a regex over
   * many values, or a slow one, must not hold up series creation, which takes the write lock (and,
   * the lock being unfair to readers once a writer waits, every other query behind it). A value
   * added after the snapshot is not seen, as if the query had started before it; the lists of the
   * accepted values are copied afterwards, {@value #COPY_BATCH} values per lock hold.
   */
  @Override
  public long[] union(String name, Predicate<String> valueFilter) {
    String[] values = valueSnapshot(name);
    int accepted = 0;
    for (String v : values) {
      if (valueFilter.test(v)) {
        values[accepted++] = v;
      }
    }
    List<long[]> lists = new ArrayList<>(accepted);
    for (int from = 0; from < accepted; from += COPY_BATCH) {
      lockForRead();
      try {
        HashMap<String, int[]> byValue = byName.get(name);
        if (byValue == null) {
          break;
        }
        for (int i = from; i < Math.min(accepted, from + COPY_BATCH); i++) {
          int[] list = byValue.get(values[i]);
          if (list != null) {
            lists.add(copy(list));
          }
        }
      } finally {
        lock.readLock().unlock();
      }
    }
    return RefLists.union(lists);
  }

  // The values of label name, unordered.
  private String[] valueSnapshot(String name) {
    lockForRead();
    try {
      HashMap<String, int[]> byValue = byName.get(name);
      return byValue == null ? new String[0] : byValue.keySet().toArray(new String[0]);
    } finally {
      lock.readLock().unlock();
    }
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
   * all) satisfies {@code test}, newest series first (the likeliest to have recent samples). Stops
   * at the first hit. {@code test} runs outside the lock, on batches of refs copied under it, so
   * that a slow test (one that decodes chunks) does not hold up series creation; a series created
   * or removed meanwhile may or may not be tested.
   */
  boolean any(String name, String value, LongPredicate test) {
    if (value != null) {
      return anyIn(name, value, test);
    }
    for (String v : valueSnapshot(name)) {
      if (anyIn(name, v, test)) {
        return true;
      }
    }
    return false;
  }

  // Walks the list of name=value from its highest ref down, by ref rather than by index, so that
  // insertions and removals between two batches neither skip nor repeat a ref that stays.
  private boolean anyIn(String name, String value, LongPredicate test) {
    long[] batch = new long[TEST_BATCH];
    long below = Long.MAX_VALUE;
    while (true) {
      int n = 0;
      lockForRead();
      try {
        HashMap<String, int[]> byValue = byName.get(name);
        int[] list = byValue == null ? null : byValue.get(value);
        if (list == null) {
          return false;
        }
        int size = list[0];
        int i = size;
        if (below != Long.MAX_VALUE) {
          int at = Arrays.binarySearch(list, 1, size + 1, (int) below);
          i = at >= 0 ? at - 1 : -at - 2; // the highest ref under "below"
        }
        for (; i >= 1 && n < TEST_BATCH; i--) {
          batch[n++] = list[i];
        }
      } finally {
        lock.readLock().unlock();
      }
      if (n == 0) {
        return false;
      }
      for (int k = 0; k < n; k++) {
        if (test.test(batch[k])) {
          return true;
        }
      }
      below = batch[n - 1];
    }
  }

  /** Receives one label pair and the number of series that carry it. */
  interface PairVisitor {
    void pair(String name, String value, int series);
  }

  /**
   * Calls {@code visitor} for every label pair of the head, under the read lock: series creation
   * waits until it returns, as Prometheus' {@code MemPostings.Stats} holds its lock meanwhile, so
   * the visitor must only count.
   */
  void forEachPair(PairVisitor visitor) {
    lockForRead();
    try {
      for (var byValue : byName.entrySet()) {
        String name = byValue.getKey();
        for (var list : byValue.getValue().entrySet()) {
          visitor.pair(name, list.getKey(), list.getValue()[0]);
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }
}
