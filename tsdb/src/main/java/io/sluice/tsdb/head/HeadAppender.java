// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.exemplar.CircularExemplarStorage;
import io.sluice.tsdb.exemplar.Exemplar;
import io.sluice.tsdb.exemplar.ExemplarResult;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.RecordEncoder;
import java.io.IOException;
import java.util.Arrays;

/**
 * One request's transaction on a {@link Head}, as Prometheus 2.42's {@code headAppender}: series
 * are looked up (or created) by key, samples appended to them, and at {@link #commit()} the series
 * records of the series not logged yet and one samples record of the samples appended are handed to
 * the transaction's {@link RecordLog} in one write.
 *
 * <pre>{@code
 * HeadAppender app = tsdb.appender();      // or head.appender() for a head without a WAL
 * try {
 *   app.prefetch(hashes, n);               // optional: overlap the group's cache misses
 *   app.series(hash, key, off, len);       // selects the series, creating it if needed
 *   AppendResult r = app.append(timestampMs, Double.doubleToRawLongBits(v));
 *   app.commit();                          // the WAL write; the request may be acknowledged
 * } finally {
 *   app.close();
 * }
 * }</pre>
 *
 * <h2>Bounds</h2>
 *
 * <p>The out-of-bounds bound ({@code max(minValidTime, headMaxTime − chunkRange/2)}) and the
 * out-of-order bound ({@code headMaxTime − window}) are computed once, when the transaction starts
 * (or, on an empty head, at its first sample), from the max time the head had published then; the
 * samples appended here raise the head's max time only when the transaction ends. Concurrent
 * transactions therefore see the max time of those that have ended, never that of one still
 * appending. A request holding hours of samples per series, oldest first, is taken whole.
 *
 * <h2>Logging</h2>
 *
 * <p>Every sample whose result is {@link AppendResult#OK} is logged, including a same-timestamp
 * same-value repeat, so that a retry re-logs what a failed WAL write missed. A series counts as
 * logged once a commit that held its series record has returned; until then every transaction that
 * uses it logs its series record again (harmless: replay folds repeats). A head appender without a
 * log ({@link Head#appender()}) encodes nothing.
 *
 * <h2>Lifecycle and threads</h2>
 *
 * <p>Unlike Prometheus, samples are in the series (and visible to queries) as soon as {@link
 * #append} returns OK; there is no rollback. The transaction holds the head's writer span (see
 * {@link Head#beginAppend()}) from its start until {@link #commit()} or {@link #close()}, so head
 * truncation cannot remove a series between its lookup and its append; the span ends before the WAL
 * write, so a slow write or fsync does not hold up truncation. Always {@link #close()} in a {@code
 * finally} block: without a commit it ends the transaction (the head's max time is published) and
 * logs nothing.
 *
 * <p>Not thread-safe: one thread per transaction. Instances are reused per thread: the one a thread
 * is handed is its own until it closes it (a second transaction opened on the thread meanwhile gets
 * a fresh one), so a request allocates nothing here; do not use an instance after closing it.
 */
public final class HeadAppender implements AutoCloseable {
  /** Where a transaction's WAL records go at {@link #commit()}: the owner of the head's WAL. */
  @FunctionalInterface
  public interface RecordLog {
    /**
     * Writes the records {@code buf[bounds[i], bounds[i+1])}, {@code i < count}, in Prometheus' WAL
     * record format, with one write; returns once they are as durable as the log promises. The
     * buffer is not retained.
     *
     * @throws IOException if they cannot be written; the transaction's series stay unlogged
     */
    void log(byte[] buf, int[] bounds, int count) throws IOException;
  }

  private static final ThreadLocal<HeadAppender> PER_THREAD = new ThreadLocal<>();

  private Head head;
  private RecordLog log;
  private long stamp;
  private boolean open;
  private boolean bounded;
  private long floor;
  private long minValid;
  private long oooMin;
  private long maxt;
  private MemSeries current;

  // What commit logs; reused from transaction to transaction.
  private RecordEncoder enc;
  private long[] refs;
  private long[] ts;
  private long[] vs;
  private int sampleCount;
  // Histograms appended (Histogram or FloatHistogram); allocated by the first one.
  private long[] histRefs;
  private long[] histTs;
  // Number of float samples logged before each histogram: records keep the append order.
  private int[] histAt;
  private Object[] hists;
  private int histCount;
  private MemSeries[] fresh;
  private int freshCount;

  private MemSeries[] candidates = new MemSeries[64];

  // Exemplars accepted in this transaction; allocated at the first one.
  private MemSeries[] exSeries;
  private long[] exTs;
  private long[] exBits;
  private Labels[] exLabels;
  private int exCount;

  // Written so that prefetch's reads are not optimised away; never read.
  @SuppressWarnings("unused")
  private int sink;

  private HeadAppender() {}

  /** Starts a transaction on {@code head} with this thread's instance (or a new one if in use). */
  static HeadAppender begin(Head head, RecordLog log) {
    HeadAppender a = PER_THREAD.get();
    if (a == null) {
      a = new HeadAppender();
      PER_THREAD.set(a);
    } else if (a.open) {
      a = new HeadAppender();
    }
    a.start(head, log);
    return a;
  }

  private void start(Head head, RecordLog log) {
    if (log != null && enc == null) {
      enc = new RecordEncoder(64 * 1024);
      refs = new long[1024];
      ts = new long[1024];
      vs = new long[1024];
      fresh = new MemSeries[64];
    }
    this.head = head;
    this.log = log;
    this.bounded = false;
    this.maxt = Long.MIN_VALUE;
    this.current = null;
    if (log != null) {
      enc.reset();
    }
    this.stamp = head.beginAppend();
    this.open = true;
    head.initBounds(this, Long.MIN_VALUE);
  }

  void setBounds(long floor, long minValid, long oooMin) {
    this.floor = floor;
    this.minValid = minValid;
    this.oooMin = oooMin;
    this.bounded = true;
  }

  /**
   * Brings into the CPU caches what looking up and appending to the series of these hashes will
   * read, for a group of series about to be passed to {@link #series}, one after the other: a
   * lookup is a chain of dependent reads, each almost never in a cache when a head holds many
   * series, and reading the group's first links in one tight loop lets their misses overlap (see
   * {@link Head#prefetch}). Changes nothing; allocation-free once the scratch fits {@code n}.
   *
   * @param hashes the hashes of the group's keys, {@code [0, n)}, as passed to {@link #series}
   */
  public void prefetch(long[] hashes, int n) {
    checkOpen();
    if (candidates.length < n) {
      candidates = new MemSeries[n];
    }
    sink += head.prefetch(hashes, n, candidates);
  }

  /**
   * Selects the series with this key for the next {@link #append}s, creating it if the head has
   * none (exactly one series is created per key even when many threads ask at once). A known series
   * is found by hash and raw key bytes, without allocating. If the series is not logged yet, its
   * series record (from {@code key}) is logged at commit.
   *
   * @param hash {@link Head#hash}{@code (key, off, len)}; a receiver's placement hash is the same
   * @param key a series key ({@code name 0xFF value 0xFF ...}, labels sorted); copied on creation
   * @throws IllegalArgumentException if a new key is malformed
   * @throws IllegalStateException if the transaction has ended, or the head has no ref left
   */
  public void series(long hash, byte[] key, int off, int len) {
    checkOpen();
    select(head.getOrCreate(hash, key, off, len), key, off, len);
  }

  /**
   * Selects the series with this key for the next {@link #appendExemplar}s if the head has it,
   * without creating it: an exemplar is stored only for a series that exists, as Thanos' writer
   * does for a series sent without samples. Allocation-free.
   *
   * @return whether the head has the series; if not, no series is selected
   * @throws IllegalStateException if the transaction has ended
   */
  public boolean existingSeries(long hash, byte[] key, int off, int len) {
    checkOpen();
    MemSeries s = head.get(hash, key, off, len);
    if (s == null) {
      current = null;
      return false;
    }
    select(s, key, off, len);
    return true;
  }

  private void select(MemSeries s, byte[] key, int off, int len) {
    current = s;
    if (log != null && !s.walLogged()) {
      if (freshCount == 0) {
        enc.beginSeries();
      }
      enc.series(s.ref(), key, off, len);
      if (freshCount == fresh.length) {
        fresh = Arrays.copyOf(fresh, freshCount * 2);
      }
      fresh[freshCount++] = s;
    }
  }

  /**
   * Appends one float sample to the series selected by {@link #series}, with Prometheus' checks
   * against this transaction's bounds (see {@link AppendResult} for the outcomes). Allocates
   * nothing except when a chunk grows or is closed, or the transaction's sample log grows.
   *
   * @param timestampMs sample time in ms
   * @param valueBits raw IEEE-754 bits ({@link Double#doubleToRawLongBits}), stored bit-exactly
   * @throws IllegalStateException if no series is selected or the transaction has ended
   */
  public AppendResult append(long timestampMs, long valueBits) {
    MemSeries s = current;
    if (s == null) {
      checkOpen();
      throw new IllegalStateException("append before series");
    }
    return append(s, timestampMs, valueBits);
  }

  /** {@link #append(long, long)} to {@code s}, a series of this head looked up in this span. */
  AppendResult append(MemSeries s, long timestampMs, long valueBits) {
    checkOpen();
    if (!bounded) {
      head.initBounds(this, timestampMs);
    }
    AppendResult r = head.append(s, timestampMs, valueBits, floor, minValid, oooMin);
    if (r == AppendResult.OK) {
      if (timestampMs > maxt) {
        maxt = timestampMs;
      }
      if (log != null) {
        logSample(s.ref(), timestampMs, valueBits);
      }
    }
    return r;
  }

  /**
   * Appends an exemplar to the series selected by {@link #series} or {@link #existingSeries}, as
   * Prometheus' {@code AppendExemplar}: checked now against the head's exemplar storage, logged and
   * stored at {@link #commit()}. {@link ExemplarResult#DISABLED} (the head keeps no exemplars) and
   * {@link ExemplarResult#DUPLICATE} are not errors: nothing is logged or stored for them.
   *
   * @param timestampMs the exemplar's time in ms
   * @param valueBits raw IEEE-754 bits of its value
   * @param labels its labels, without empty values
   * @throws IllegalStateException if no series is selected or the transaction has ended
   */
  public ExemplarResult appendExemplar(long timestampMs, long valueBits, Labels labels) {
    checkOpen();
    MemSeries s = current;
    if (s == null) {
      throw new IllegalStateException("exemplar before series");
    }
    CircularExemplarStorage storage = head.exemplars();
    Exemplar e = new Exemplar(labels, valueBits, timestampMs, true);
    ExemplarResult r = storage.validate(s.key(), e);
    if (r != ExemplarResult.OK) {
      return r;
    }
    if (exSeries == null) {
      exSeries = new MemSeries[16];
      exTs = new long[16];
      exBits = new long[16];
      exLabels = new Labels[16];
    } else if (exCount == exSeries.length) {
      int n = exCount * 2;
      exSeries = Arrays.copyOf(exSeries, n);
      exTs = Arrays.copyOf(exTs, n);
      exBits = Arrays.copyOf(exBits, n);
      exLabels = Arrays.copyOf(exLabels, n);
    }
    exSeries[exCount] = s;
    exTs[exCount] = timestampMs;
    exBits[exCount] = valueBits;
    exLabels[exCount] = labels;
    exCount++;
    return r;
  }

  /**
   * Appends an integer native histogram to the series selected by {@link #series}, with Prometheus
   * 2.42's head rules (see {@link AppendResult}; histograms are never out of order, and there is no
   * future check for them). The histogram must be valid ({@link HistogramValidation}); it is logged
   * as a histogram samples record (type 7) at commit, in the same write as the float samples. Not
   * on the float hot path: it allocates.
   *
   * @throws IllegalStateException if no series is selected or the transaction has ended
   */
  public AppendResult appendHistogram(long timestampMs, Histogram h) {
    return appendAnyHistogram(timestampMs, h);
  }

  /**
   * As {@link #appendHistogram}, for a float native histogram (logged as a float histogram samples
   * record, type 8).
   */
  public AppendResult appendFloatHistogram(long timestampMs, FloatHistogram h) {
    return appendAnyHistogram(timestampMs, h);
  }

  private AppendResult appendAnyHistogram(long timestampMs, Object h) {
    MemSeries s = current;
    checkOpen();
    if (s == null) {
      throw new IllegalStateException("append before series");
    }
    if (!bounded) {
      head.initBounds(this, timestampMs);
    }
    AppendResult r = head.appendHistogram(s, timestampMs, h, floor, minValid);
    if (r == AppendResult.OK) {
      if (timestampMs > maxt) {
        maxt = timestampMs;
      }
      if (log != null) {
        if (histRefs == null) {
          histRefs = new long[16];
          histTs = new long[16];
          histAt = new int[16];
          hists = new Object[16];
        } else if (histCount == histRefs.length) {
          histRefs = Arrays.copyOf(histRefs, histCount * 2);
          histTs = Arrays.copyOf(histTs, histCount * 2);
          histAt = Arrays.copyOf(histAt, histCount * 2);
          hists = Arrays.copyOf(hists, histCount * 2);
        }
        histRefs[histCount] = s.ref();
        histTs[histCount] = timestampMs;
        histAt[histCount] = sampleCount;
        hists[histCount] = h;
        histCount++;
      }
    }
    return r;
  }

  private void logSample(long ref, long t, long v) {
    if (sampleCount == refs.length) {
      refs = Arrays.copyOf(refs, sampleCount * 2);
      ts = Arrays.copyOf(ts, sampleCount * 2);
      vs = Arrays.copyOf(vs, sampleCount * 2);
    }
    refs[sampleCount] = ref;
    ts[sampleCount] = t;
    vs[sampleCount] = v;
    sampleCount++;
  }

  private void checkOpen() {
    if (!open) {
      throw new IllegalStateException("transaction has ended");
    }
  }

  /** The bound below which this transaction rejects samples as out of bounds, in ms. */
  public long minValidTime() {
    return bounded ? minValid : Long.MIN_VALUE;
  }

  /**
   * Ends the transaction: publishes the newest sample time appended here as the head's max time (if
   * newer), ends the writer span, then logs the transaction's records with one write to its {@link
   * RecordLog} (nothing if it appended nothing and found no unlogged series), marks its series
   * logged and stores its exemplars. Returns once the log has returned, so a request may be
   * acknowledged then. Does nothing if the transaction has ended.
   *
   * @throws IOException if the log fails: the samples stay in the head, unlogged, and the request
   *     must not be acknowledged; the transaction has ended all the same
   */
  public void commit() throws IOException {
    if (!open) {
      return;
    }
    try {
      end();
      if (log != null) {
        writeLog();
      }
      storeExemplars();
    } finally {
      release();
    }
  }

  private void writeLog() throws IOException {
    RecordEncoder e = enc;
    if (histCount > 0) {
      logWithHistograms(e);
    } else if (sampleCount > 0) {
      e.beginSamples();
      for (int i = 0; i < sampleCount; i++) {
        e.sample(refs[i], ts[i], vs[i]);
      }
    }
    if (exCount > 0) {
      e.beginExemplars();
      for (int i = 0; i < exCount; i++) {
        e.exemplar(exSeries[i].ref(), exTs[i], exBits[i], exLabels[i]);
      }
    }
    if (e.recordCount() == 0) {
      return;
    }
    log.log(e.buffer(), e.bounds(), e.recordCount());
    for (int i = 0; i < freshCount; i++) {
      fresh[i].markWalLogged();
    }
  }

  // As Prometheus' commit: what the storage refuses now (a later exemplar of the same series in
  // this transaction) is dropped.
  private void storeExemplars() {
    if (exCount == 0) {
      return;
    }
    CircularExemplarStorage storage = head.exemplars();
    for (int i = 0; i < exCount; i++) {
      storage.add(exSeries[i].key(), new Exemplar(exLabels[i], exBits[i], exTs[i], true));
    }
  }

  /**
   * Samples and histogram records in the order of the appends: a run of float samples, then a run
   * of histograms of one kind, and so on. Prometheus logs all float samples of a commit before its
   * histograms, so that a series that changes kind within one commit replays out of order (its
   * histograms are dropped); a record per run keeps the order through replay, and Prometheus reads
   * such a WAL just the same.
   */
  private void logWithHistograms(RecordEncoder e) {
    int logged = 0;
    int i = 0;
    while (i < histCount) {
      int at = histAt[i];
      logged = logSamples(e, logged, at);
      boolean integer = hists[i] instanceof Histogram;
      if (integer) {
        e.beginHistogramSamples();
      } else {
        e.beginFloatHistogramSamples();
      }
      for (; i < histCount && histAt[i] == at && (hists[i] instanceof Histogram) == integer; i++) {
        if (integer) {
          e.histogramSample(histRefs[i], histTs[i], (Histogram) hists[i]);
        } else {
          e.floatHistogramSample(histRefs[i], histTs[i], (FloatHistogram) hists[i]);
        }
      }
    }
    logSamples(e, logged, sampleCount);
  }

  // One samples record of the float samples [from, to), if any; returns to.
  private int logSamples(RecordEncoder e, int from, int to) {
    if (to > from) {
      e.beginSamples();
      for (int k = from; k < to; k++) {
        e.sample(refs[k], ts[k], vs[k]);
      }
    }
    return to;
  }

  // Publishes the max time and ends the span.
  private void end() {
    open = false;
    try {
      if (maxt != Long.MIN_VALUE) {
        head.commitMaxTime(maxt);
      }
    } finally {
      head.endAppend(stamp);
    }
  }

  // Drops what refers to the head or its series, so that a pooled instance keeps neither alive.
  private void release() {
    head = null;
    log = null;
    current = null;
    sampleCount = 0;
    if (exCount > 0) {
      Arrays.fill(exSeries, 0, exCount, null);
      Arrays.fill(exLabels, 0, exCount, null);
      exCount = 0;
    }
    if (histCount > 0) {
      Arrays.fill(hists, 0, histCount, null);
      histCount = 0;
    }
    if (freshCount > 0) {
      Arrays.fill(fresh, 0, freshCount, null);
      freshCount = 0;
    }
  }

  /**
   * Ends the transaction without logging if {@link #commit()} has not ended it: the samples
   * appended stay in the head (there is no rollback) and the head's max time is published, but
   * nothing reaches the WAL, so the request must not be acknowledged. Idempotent.
   */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    try {
      end();
    } finally {
      release();
    }
  }
}
