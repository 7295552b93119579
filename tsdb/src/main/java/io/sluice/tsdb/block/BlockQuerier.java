// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.chunks.ChunkSegmentReader;
import io.sluice.tsdb.index.ChunkRef;
import io.sluice.tsdb.index.IndexReader;
import io.sluice.tsdb.index.IndexSeries;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.ChunkSeries;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.PostingsSource;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.RefLists;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Querier over one block. Series refs of an index increase with label order, so the matching refs
 * are already the output order: series are decoded one at a time as the iterator reaches them;
 * their chunks (with CRC checked) are read from the mmapped segments only when asked for. Read
 * errors (corruption) surface as {@link UncheckedIOException}. Every loop polls the cancellation
 * signal given at creation ({@link Cancellation}). Thread-safe; holds a reference to its block
 * until closed.
 */
final class BlockQuerier implements Querier {
  private final IndexReader index;
  private final ChunkSegmentReader chunks;
  private final long blockMin;
  private final long blockMax;
  private final Runnable onClose;
  private final BooleanSupplier cancelled;
  private final AtomicBoolean closed = new AtomicBoolean();

  // blockMax is exclusive, as in meta.json.
  BlockQuerier(
      IndexReader index,
      ChunkSegmentReader chunks,
      long blockMin,
      long blockMax,
      Runnable onClose,
      BooleanSupplier cancelled) {
    this.index = index;
    this.chunks = chunks;
    this.blockMin = blockMin;
    this.blockMax = blockMax;
    this.onClose = onClose;
    this.cancelled = cancelled;
  }

  @Override
  public SeriesSet select(long mint, long maxt, List<Matcher> matchers) {
    if (mint >= blockMax || maxt < blockMin) {
      return SeriesSet.empty();
    }
    long[] refs = PostingsSource.select(postings(), matchers, cancelled);
    return new SeriesSet() {
      private int next;
      private Series pending;

      @Override
      public boolean hasNext() {
        while (pending == null && next < refs.length) {
          Cancellation.check(cancelled, next + 1);
          pending = load(refs[next++], mint, maxt);
        }
        return pending != null;
      }

      @Override
      public Series next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Series s = pending;
        pending = null;
        return s;
      }
    };
  }

  private Series load(long ref, long mint, long maxt) {
    try {
      IndexSeries s = index.series(ref);
      List<ChunkRef> refs = new ArrayList<>(s.chunks().size());
      boolean inside = false;
      for (ChunkRef c : s.chunks()) {
        if (c.minTime() <= maxt && c.maxTime() >= mint) {
          refs.add(c);
          inside |= c.minTime() >= mint && c.maxTime() <= maxt;
        }
      }
      if (refs.isEmpty()) {
        return null;
      }
      Series series = new LazySeries(s.labels(), refs, mint, maxt);
      // A chunk wholly inside the range holds a sample in it; otherwise decode to find out.
      return inside || new ChunkSeries(s.labels(), series.chunks(), mint, maxt).hasSampleInRange()
          ? series
          : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A block series whose chunk bytes are read (and CRC-checked) from the mapped segments each time
   * {@link #chunks()} is called, so that a caller holding many series (a sort before sending) holds
   * only their labels and chunk references.
   */
  private final class LazySeries implements Series {
    private final Labels labels;
    private final List<ChunkRef> refs;
    private final long mint;
    private final long maxt;

    LazySeries(Labels labels, List<ChunkRef> refs, long mint, long maxt) {
      this.labels = labels;
      this.refs = refs;
      this.mint = mint;
      this.maxt = maxt;
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public List<ChunkMeta> chunks() {
      List<ChunkMeta> out = new ArrayList<>(refs.size());
      try {
        for (ChunkRef c : refs) {
          out.add(chunks.read(c.ref(), c.minTime(), c.maxTime()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    }

    @Override
    public SampleIterator samples() {
      return new ChunkSeries(labels, chunks(), mint, maxt).samples();
    }
  }

  @Override
  public List<String> labelNames(long mint, long maxt, List<Matcher> matchers) {
    TreeSet<String> names = new TreeSet<>(Utf8.ORDER);
    SeriesSet set = select(mint, maxt, matchers);
    while (set.hasNext()) {
      Labels l = set.next().labels();
      for (int i = 0; i < l.size(); i++) {
        names.add(l.name(i));
      }
    }
    return List.copyOf(names);
  }

  @Override
  public List<String> labelValues(String name, long mint, long maxt, List<Matcher> matchers) {
    TreeSet<String> values = new TreeSet<>(Utf8.ORDER);
    List<Matcher> withName = new ArrayList<>(matchers);
    withName.add(Matcher.re(name, ".+"));
    SeriesSet set = select(mint, maxt, withName);
    while (set.hasNext()) {
      values.add(set.next().labels().get(name));
    }
    return List.copyOf(values);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.run();
    }
  }

  private PostingsSource postings() {
    return new PostingsSource() {
      @Override
      public long[] all() {
        try {
          return index.allPostings();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public long[] get(String name, String value) {
        try {
          return index.postings(name, value);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public int size(String name, String value) {
        try {
          return index.postingsCount(name, value);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public long[] retain(long[] refs, String name, String value) {
        try {
          return index.retainPostings(refs, name, value);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public long[] union(String name, Predicate<String> valueFilter) {
        List<long[]> lists = new ArrayList<>();
        for (String v : index.labelValues(name)) {
          if (valueFilter.test(v)) {
            lists.add(get(name, v));
          }
        }
        return RefLists.union(lists);
      }
    };
  }
}
