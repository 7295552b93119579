// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.chunks.ChunkSegmentReader;
import io.sluice.tsdb.index.ChunkRef;
import io.sluice.tsdb.index.IndexReader;
import io.sluice.tsdb.index.IndexSeries;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.ChunkSeries;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.PostingsSource;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.RefLists;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Querier over one block. Series refs of an index increase with label order, so the matching refs
 * are already the output order: series are decoded one at a time as the iterator reaches them, and
 * their chunks (with CRC checked) read from the mmapped segments. Read errors (corruption) surface
 * as {@link UncheckedIOException}. Thread-safe; holds a reference to its block until closed.
 */
final class BlockQuerier implements Querier {
  private final IndexReader index;
  private final ChunkSegmentReader chunks;
  private final long blockMin;
  private final long blockMax;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  // blockMax is exclusive, as in meta.json.
  BlockQuerier(
      IndexReader index,
      ChunkSegmentReader chunks,
      long blockMin,
      long blockMax,
      Runnable onClose) {
    this.index = index;
    this.chunks = chunks;
    this.blockMin = blockMin;
    this.blockMax = blockMax;
    this.onClose = onClose;
  }

  @Override
  public SeriesSet select(long mint, long maxt, List<Matcher> matchers) {
    if (mint >= blockMax || maxt < blockMin) {
      return SeriesSet.empty();
    }
    long[] refs = PostingsSource.select(postings(), matchers);
    return new SeriesSet() {
      private int next;
      private Series pending;

      @Override
      public boolean hasNext() {
        while (pending == null && next < refs.length) {
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

  private ChunkSeries load(long ref, long mint, long maxt) {
    try {
      IndexSeries s = index.series(ref);
      List<ChunkMeta> out = new ArrayList<>(s.chunks().size());
      for (ChunkRef c : s.chunks()) {
        if (c.minTime() <= maxt && c.maxTime() >= mint) {
          out.add(chunks.read(c.ref(), c.minTime(), c.maxTime()));
        }
      }
      if (out.isEmpty()) {
        return null;
      }
      ChunkSeries series = new ChunkSeries(s.labels(), out, mint, maxt);
      return series.hasSampleInRange() ? series : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
