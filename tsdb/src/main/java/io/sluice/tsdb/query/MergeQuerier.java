// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * One querier over several (a database's blocks and its head): series with equal labels in several
 * of them come out once, with their chunks concatenated in time order; names and values are the
 * sorted union. The parts' results are merged lazily, one series of each part at a time.
 *
 * <p>Closing closes every part. Thread-safe if the parts are.
 */
public final class MergeQuerier implements Querier {
  private static final Comparator<ChunkMeta> BY_TIME =
      Comparator.comparingLong(ChunkMeta::minTime).thenComparingLong(ChunkMeta::maxTime);

  private final List<Querier> parts;

  /** Merges {@code parts}, in the order the caller wants equal-time chunks to appear. */
  public MergeQuerier(List<? extends Querier> parts) {
    this.parts = List.copyOf(parts);
  }

  /** {@code parts} as one querier: the single part itself, or a merge. */
  public static Querier of(List<? extends Querier> parts) {
    return parts.size() == 1 ? parts.get(0) : new MergeQuerier(parts);
  }

  @Override
  public SeriesSet select(long mint, long maxt, List<Matcher> matchers) {
    PriorityQueue<Cursor> heads = new PriorityQueue<>();
    for (int i = 0; i < parts.size(); i++) {
      Cursor c = new Cursor(parts.get(i).select(mint, maxt, matchers), i);
      if (c.advance()) {
        heads.add(c);
      }
    }
    return new SeriesSet() {
      @Override
      public boolean hasNext() {
        return !heads.isEmpty();
      }

      @Override
      public Series next() {
        if (heads.isEmpty()) {
          throw new NoSuchElementException();
        }
        Cursor first = heads.poll();
        Series s = first.current;
        if (heads.isEmpty() || heads.peek().current.labels().compareTo(s.labels()) != 0) {
          requeue(first);
          return s;
        }
        List<ChunkMeta> chunks = new ArrayList<>(s.chunks());
        Labels labels = s.labels();
        requeue(first);
        while (!heads.isEmpty() && heads.peek().current.labels().compareTo(labels) == 0) {
          Cursor c = heads.poll();
          chunks.addAll(c.current.chunks());
          requeue(c);
        }
        chunks.sort(BY_TIME);
        return new ChunkSeries(labels, chunks, mint, maxt);
      }

      private void requeue(Cursor c) {
        if (c.advance()) {
          heads.add(c);
        }
      }
    };
  }

  @Override
  public List<String> labelNames(long mint, long maxt, List<Matcher> matchers) {
    TreeSet<String> out = new TreeSet<>(Utf8.ORDER);
    for (Querier q : parts) {
      out.addAll(q.labelNames(mint, maxt, matchers));
    }
    return List.copyOf(out);
  }

  @Override
  public List<String> labelValues(String name, long mint, long maxt, List<Matcher> matchers) {
    TreeSet<String> out = new TreeSet<>(Utf8.ORDER);
    for (Querier q : parts) {
      out.addAll(q.labelValues(name, mint, maxt, matchers));
    }
    return List.copyOf(out);
  }

  @Override
  public void close() {
    for (Querier q : parts) {
      q.close();
    }
  }

  // One part's series set and its current series; ordered by labels, then part order.
  private static final class Cursor implements Comparable<Cursor> {
    final SeriesSet set;
    final int order;
    Series current;

    Cursor(SeriesSet set, int order) {
      this.set = set;
      this.order = order;
    }

    boolean advance() {
      current = set.hasNext() ? set.next() : null;
      return current != null;
    }

    @Override
    public int compareTo(Cursor o) {
      int c = current.labels().compareTo(o.current.labels());
      return c != 0 ? c : Integer.compare(order, o.order);
    }
  }
}
