// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.exemplar;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A head's exemplars, with Prometheus 2.42's {@code CircularExemplarStorage} semantics: one ring
 * buffer of {@link #capacity()} exemplars shared by every series, and per series the positions of
 * its oldest and newest exemplar, its exemplars linked oldest to newest through the buffer. A new
 * exemplar takes the slot after the last one written; once the buffer is full that slot's exemplar,
 * the oldest of all, is dropped from its series. So the storage keeps the last {@code capacity}
 * exemplars appended, whatever their series.
 *
 * <h2>Validation</h2>
 *
 * <p>An exemplar is checked, in Prometheus' order: the storage must hold exemplars ({@link
 * ExemplarResult#DISABLED} otherwise); its labels must not exceed {@value ExemplarLabels#MAX_RUNES}
 * runes ({@link ExemplarResult#LABEL_LENGTH}); if it equals its series' newest exemplar it is a
 * {@link ExemplarResult#DUPLICATE} (Prometheus' {@code Exemplar.Equals}, see {@link
 * Exemplar#sameAs}); if it is not newer than that one it is {@link ExemplarResult#OUT_OF_ORDER}.
 * Only the newest exemplar of the series is compared (not those of a transaction still open):
 * {@link #validate} is what a head appender calls for each exemplar, {@link #add} what its commit
 * calls, after the WAL write.
 *
 * <p>Series are identified by their series key ({@link Labels}: {@code name 0xFF value 0xFF ...}),
 * as Prometheus identifies them by their label bytes; a series removed from the head and created
 * again keeps its exemplars.
 *
 * <p>Thread-safe: a read-write lock, as Prometheus' (appends are rare next to samples). The arrays
 * are allocated once, at creation and at {@link #resize}.
 */
public final class CircularExemplarStorage {
  private static final int NONE = -1;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  // The ring, as parallel arrays; slot i is empty while owner[i] is null.
  private long[] ts;
  private long[] valueBits;
  private boolean[] hasTs;
  private Labels[] labels;
  private int[] next;
  private Entry[] owner;
  private int nextIndex;
  private HashMap<Key, Entry> index;
  private long appended;
  private long outOfOrder;

  /**
   * Creates a storage of {@code maxExemplars} exemplars; 0 or less holds none (every call answers
   * {@link ExemplarResult#DISABLED}) until {@link #resize}d.
   */
  public CircularExemplarStorage(long maxExemplars) {
    allocate(capacityOf(maxExemplars));
  }

  private static int capacityOf(long n) {
    if (n <= 0) {
      return 0;
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too many exemplars: " + n);
    }
    return (int) n;
  }

  private void allocate(int n) {
    ts = new long[n];
    valueBits = new long[n];
    hasTs = new boolean[n];
    labels = new Labels[n];
    next = new int[n];
    owner = new Entry[n];
    nextIndex = 0;
    index = new HashMap<>();
  }

  /** How many exemplars the storage holds at most ({@code --tsdb.max-exemplars}; 0: disabled). */
  public int capacity() {
    lock.readLock().lock();
    try {
      return ts.length;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Whether the storage can hold exemplars ({@link #capacity()} is positive). */
  public boolean enabled() {
    return capacity() > 0;
  }

  /**
   * Checks {@code e} for the series with key {@code seriesKey} against what is stored (see the
   * class comment) without storing it.
   *
   * @param seriesKey the series key, not modified
   * @return OK, or why the exemplar would not be stored
   */
  public ExemplarResult validate(byte[] seriesKey, Exemplar e) {
    lock.readLock().lock();
    try {
      return check(index.get(new Key(seriesKey)), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  // Prometheus' validateExemplar.
  private ExemplarResult check(Entry entry, Exemplar e) {
    if (ts.length == 0) {
      return ExemplarResult.DISABLED;
    }
    if (ExemplarLabels.tooLong(e.labels())) {
      return ExemplarResult.LABEL_LENGTH;
    }
    if (entry == null) {
      return ExemplarResult.OK;
    }
    int newest = entry.newest;
    if (at(newest).sameAs(e)) {
      return ExemplarResult.DUPLICATE;
    }
    if (e.timestampMs() <= ts[newest]) {
      return ExemplarResult.OUT_OF_ORDER;
    }
    return ExemplarResult.OK;
  }

  /**
   * Stores {@code e} as the newest exemplar of the series with key {@code seriesKey}, dropping the
   * oldest exemplar of the storage once it is full, if {@link #validate} accepts it now; a
   * duplicate is not stored again.
   *
   * @param seriesKey the series key; the storage keeps it (do not modify it afterwards)
   * @return OK, or why it was not stored
   */
  public ExemplarResult add(byte[] seriesKey, Exemplar e) {
    Key key = new Key(seriesKey);
    lock.writeLock().lock();
    try {
      Entry entry = index.get(key);
      ExemplarResult r = check(entry, e);
      if (r != ExemplarResult.OK) {
        if (r == ExemplarResult.OUT_OF_ORDER) {
          outOfOrder++;
        }
        return r;
      }
      int slot = nextIndex;
      if (entry == null) {
        entry = new Entry(key, slot);
        index.put(key, entry);
      } else {
        next[entry.newest] = slot;
      }
      Entry prev = owner[slot];
      if (prev != null) {
        // The slot holds the oldest exemplar of all, so the oldest of its series too.
        if (next[slot] == NONE) {
          index.remove(prev.key);
        } else {
          prev.oldest = next[slot];
        }
      }
      put(slot, e, entry);
      entry.newest = slot;
      nextIndex = (slot + 1) % ts.length;
      appended++;
      return ExemplarResult.OK;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void put(int slot, Exemplar e, Entry entry) {
    ts[slot] = e.timestampMs();
    valueBits[slot] = e.valueBits();
    hasTs[slot] = e.hasTimestamp();
    labels[slot] = e.labels();
    next[slot] = NONE;
    owner[slot] = entry;
  }

  private Exemplar at(int slot) {
    return new Exemplar(labels[slot], valueBits[slot], ts[slot], hasTs[slot]);
  }

  /**
   * The exemplars in {@code [start, end]} (ms, inclusive) of the series whose labels match every
   * matcher of at least one of {@code matcherSets} (a missing label matches as the empty value), as
   * Prometheus' {@code Select}: series sorted by labels, each series' exemplars oldest first.
   * Series with no exemplar in the range are left out.
   */
  public List<SeriesExemplars> select(long start, long end, List<List<Matcher>> matcherSets) {
    List<SeriesExemplars> out = new ArrayList<>();
    lock.readLock().lock();
    try {
      if (ts.length == 0) {
        return out;
      }
      for (Entry entry : index.values()) {
        if (ts[entry.oldest] > end || ts[entry.newest] < start) {
          continue;
        }
        Labels series = entry.labels();
        if (!matchesSome(series, matcherSets)) {
          continue;
        }
        List<Exemplar> got = new ArrayList<>();
        for (int i = entry.oldest; i != NONE && ts[i] <= end; i = next[i]) {
          if (ts[i] >= start) {
            got.add(at(i));
          }
        }
        if (!got.isEmpty()) {
          out.add(new SeriesExemplars(series, got));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    out.sort((a, b) -> a.seriesLabels().compareTo(b.seriesLabels()));
    return out;
  }

  private static boolean matchesSome(Labels series, List<List<Matcher>> matcherSets) {
    outer:
    for (List<Matcher> set : matcherSets) {
      for (Matcher m : set) {
        String v = series.get(m.name());
        if (!m.matches(v == null ? "" : v)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Changes the capacity to {@code maxExemplars} (0 or less: none), keeping the newest exemplars
   * that fit, in the order they were appended, as Prometheus' {@code Resize}.
   *
   * @return the number of exemplars kept
   */
  public int resize(long maxExemplars) {
    int n = capacityOf(maxExemplars);
    lock.writeLock().lock();
    try {
      if (n == ts.length) {
        return 0;
      }
      int oldLength = ts.length;
      int oldNext = nextIndex;
      long[] oldTs = ts;
      long[] oldBits = valueBits;
      boolean[] oldHasTs = hasTs;
      Labels[] oldLabels = labels;
      Entry[] oldOwner = owner;
      allocate(n);
      int count = Math.min(n, oldLength);
      int migrated = 0;
      if (n > 0 && oldLength > 0) {
        int startIndex = Math.floorMod(oldNext - count, oldLength);
        for (int i = 0; i < count; i++) {
          int idx = (startIndex + i) % oldLength;
          Entry was = oldOwner[idx];
          if (was == null) {
            continue;
          }
          Entry entry = index.get(was.key);
          int slot = nextIndex;
          if (entry == null) {
            entry = new Entry(was.key, slot);
            entry.labels = was.labels;
            index.put(was.key, entry);
          } else {
            next[entry.newest] = slot;
          }
          put(slot, new Exemplar(oldLabels[idx], oldBits[idx], oldTs[idx], oldHasTs[idx]), entry);
          entry.newest = slot;
          nextIndex = (slot + 1) % n;
          migrated++;
        }
      }
      return migrated;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Number of exemplars stored ({@code prometheus_tsdb_exemplar_exemplars_in_storage}). */
  public int size() {
    lock.readLock().lock();
    try {
      if (ts.length == 0) {
        return 0;
      }
      return owner[nextIndex] != null ? ts.length : nextIndex;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Number of series with exemplars stored. */
  public int seriesCount() {
    lock.readLock().lock();
    try {
      return index.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Exemplars stored since creation ({@code prometheus_tsdb_exemplar_exemplars_appended_total}).
   */
  public long appendedTotal() {
    lock.readLock().lock();
    try {
      return appended;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Exemplars {@link #add} refused as out of order since creation ({@code
   * prometheus_tsdb_exemplar_out_of_order_exemplars_total}; as in Prometheus, not those {@link
   * #validate} refused).
   */
  public long outOfOrderTotal() {
    lock.readLock().lock();
    try {
      return outOfOrder;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A series' place in the ring. */
  private static final class Entry {
    final Key key;
    int oldest;
    int newest;
    Labels labels;

    Entry(Key key, int slot) {
      this.key = key;
      this.oldest = slot;
      this.newest = slot;
    }

    // Decoded once, when first asked for.
    Labels labels() {
      if (labels == null) {
        labels = Labels.fromKey(key.bytes, 0, key.bytes.length);
      }
      return labels;
    }
  }

  /** A series key compared by content. */
  private record Key(byte[] bytes) {
    Key {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Key" + Arrays.toString(bytes);
    }
  }
}
