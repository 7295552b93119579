// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.ChunkSeries;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.PostingsSource;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Querier over a live {@link Head}. Postings narrow the candidates: EQ matchers by lookup, other
 * matchers by scanning the values of their label; a matcher that accepts "" removes the series
 * whose value it rejects instead, so series lacking the label stay. Each candidate's chunks are
 * then snapshotted under its lock; a series with out-of-order samples in the range gets its
 * in-order and out-of-order samples merged into re-encoded chunks ({@code MemSeries#chunks}). Every
 * loop polls the cancellation signal given at creation ({@link Cancellation}). Thread-safe and
 * stateless.
 */
final class HeadQuerier implements Querier {
  private final Head head;
  private final BooleanSupplier cancelled;

  HeadQuerier(Head head, BooleanSupplier cancelled) {
    this.head = head;
    this.cancelled = cancelled;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lazy: only the matching series are sorted up front (one reference each); each series' chunks
   * are snapshotted when the iterator reaches it, so a select over millions of series holds one
   * series' chunk list at a time.
   */
  @Override
  public SeriesSet select(long mint, long maxt, List<Matcher> matchers) {
    long[] refs = refs(matchers);
    MemSeries[] series = new MemSeries[refs.length];
    int n = 0;
    for (int i = 0; i < refs.length; i++) {
      Cancellation.check(cancelled, i + 1);
      MemSeries s = head.getByRef(refs[i]);
      if (s != null && s.overlaps(mint, maxt)) {
        series[n++] = s;
      }
    }
    Arrays.sort(series, 0, n, MemSeries.KEY_ORDER);
    int count = n;
    return new SeriesSet() {
      private int next;
      private ChunkSeries pending;

      @Override
      public boolean hasNext() {
        while (pending == null && next < count) {
          Cancellation.check(cancelled, next + 1);
          MemSeries s = series[next];
          series[next++] = null;
          pending = snapshot(s, mint, maxt);
        }
        return pending != null;
      }

      @Override
      public Series next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ChunkSeries s = pending;
        pending = null;
        return s;
      }
    };
  }

  @Override
  public List<String> labelNames(long mint, long maxt, List<Matcher> matchers) {
    if (matchers.isEmpty()) {
      List<String> out = new ArrayList<>();
      Postings postings = head.postings();
      for (String name : postings.names()) {
        Cancellation.check(cancelled);
        if (postings.any(name, null, ref -> hasSample(ref, mint, maxt))) {
          out.add(name);
        }
      }
      return out;
    }
    TreeSet<String> names = new TreeSet<>(Utf8.ORDER);
    long[] refs = refs(matchers);
    for (int r = 0; r < refs.length; r++) {
      Cancellation.check(cancelled, r + 1);
      MemSeries s = head.getByRef(refs[r]);
      if (s != null && hasSample(s, mint, maxt)) {
        Labels l = s.labels();
        for (int i = 0; i < l.size(); i++) {
          names.add(l.name(i));
        }
      }
    }
    return List.copyOf(names);
  }

  @Override
  public List<String> labelValues(String name, long mint, long maxt, List<Matcher> matchers) {
    if (matchers.isEmpty()) {
      List<String> out = new ArrayList<>();
      Postings postings = head.postings();
      List<String> all = postings.values(name);
      for (int i = 0; i < all.size(); i++) {
        Cancellation.check(cancelled, i);
        String value = all.get(i);
        if (postings.any(name, value, ref -> hasSample(ref, mint, maxt))) {
          out.add(value);
        }
      }
      return out;
    }
    TreeSet<String> values = new TreeSet<>(Utf8.ORDER);
    long[] refs = refs(matchers);
    for (int i = 0; i < refs.length; i++) {
      Cancellation.check(cancelled, i + 1);
      MemSeries s = head.getByRef(refs[i]);
      if (s != null) {
        String v = s.labels().get(name);
        if (v != null && !values.contains(v) && hasSample(s, mint, maxt)) {
          values.add(v);
        }
      }
    }
    return List.copyOf(values);
  }

  @Override
  public void close() {}

  /** Refs of the series matching all matchers, ascending. */
  private long[] refs(List<Matcher> matchers) {
    return PostingsSource.select(head.postings(), matchers, cancelled);
  }

  private ChunkSeries snapshot(MemSeries s, long mint, long maxt) {
    List<ChunkMeta> chunks = s.chunks(mint, maxt, head.oooCapMax());
    if (chunks.isEmpty()) {
      return null;
    }
    ChunkSeries series = new ChunkSeries(s.labels(), chunks, mint, maxt);
    return series.hasSampleInRange() ? series : null;
  }

  private boolean hasSample(long ref, long mint, long maxt) {
    MemSeries s = head.getByRef(ref);
    return s != null && hasSample(s, mint, maxt);
  }

  private boolean hasSample(MemSeries s, long mint, long maxt) {
    if (!s.overlaps(mint, maxt)) {
      return false;
    }
    return new ChunkSeries(s.labels(), s.chunks(mint, maxt, head.oooCapMax()), mint, maxt)
        .hasSampleInRange();
  }
}
