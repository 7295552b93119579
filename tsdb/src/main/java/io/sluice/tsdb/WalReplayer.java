// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.ReplayAppender;
import io.sluice.tsdb.record.CorruptRecordException;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RefExemplar;
import io.sluice.tsdb.record.RefFloatHistogramSample;
import io.sluice.tsdb.record.RefHistogramSample;
import io.sluice.tsdb.wal.Checkpoint;
import io.sluice.tsdb.wal.CorruptSegmentException;
import io.sluice.tsdb.wal.RepairResult;
import io.sluice.tsdb.wal.SegmentRange;
import io.sluice.tsdb.wal.WalReader;
import io.sluice.tsdb.wal.WalRepair;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a WAL directory into a head, as Prometheus' {@code head_wal.go}: the last checkpoint,
 * then the segments after it. Series records are applied in WAL order by the reading thread (a
 * series keeps its ref; aliases of a series logged twice are resolved); samples are handed to
 * workers sharded by series ref; exemplars are stored by the reading thread, in WAL order, when the
 * head keeps exemplars (Prometheus' replay: exemplars of unknown series and those older than the
 * head's min valid time are dropped). A corrupt or torn tail is cut back to the last good record
 * with {@link WalRepair} (never skipped over) and logged once; what was read before the damage
 * stays in the head.
 *
 * <p>The workers' time is memory latency: each sample touches a series that is almost never in a
 * CPU cache. So each worker appends through its own {@link ReplayAppender}, which finds the series
 * of its shard of refs without the head's locked ref map; and batches go back to the reading thread
 * once applied, so replay allocates nothing per sample.
 *
 * <p>One instance replays once, from the thread that calls {@link #replay}.
 */
final class WalReplayer {
  private static final Logger LOG = LoggerFactory.getLogger(WalReplayer.class);

  private static final int BATCH = 4096;
  // Batches a worker may be behind: enough to ride out the reader's series-heavy stretches
  // and one worker being slower for a while (~3 MB per worker).
  private static final int QUEUE = 32;
  private static final Batch POISON = new Batch(0);
  private static final Pattern SEGMENT_NAME = Pattern.compile("[0-9]{8}");

  private final Head head;
  private final RecordDecoder dec = new RecordDecoder();
  // WAL ref → ref of the series that already had those labels; used by the reading thread only.
  private final HashMap<Long, Long> aliases = new HashMap<>();
  private final Worker[] workers;
  private final Batch[] filling;
  private long[] refs = new long[BATCH];
  private long[] ts = new long[BATCH];
  private long[] vs = new long[BATCH];
  private int decoded;
  private List<?> decodedHistograms = List.of();
  private long series;
  private WalReader reader;
  private CorruptSegmentException seriesFailure;

  /**
   * Replays {@code walDir} into {@code head} on {@code workers} threads, repairing a corrupt tail.
   *
   * @throws CorruptSegmentException if a checkpoint is corrupt: it cannot be repaired
   * @throws IOException if the WAL cannot be read or repaired
   */
  static ReplayStats replay(Path walDir, Head head, int workers) throws IOException {
    if (isEmpty(walDir)) {
      // A new tenant: no threads, no batches (megabytes of them, sized for large replays).
      return new ReplayStats(0, 0, 0, Optional.empty());
    }
    WalReplayer r = new WalReplayer(head, workers, walDir.getFileName() + "");
    Optional<RepairResult> repair = Optional.empty();
    try {
      try {
        r.run(Checkpoint.replayRanges(walDir));
      } finally {
        r.finish();
      }
    } catch (CorruptSegmentException e) {
      if (!e.dir().toAbsolutePath().normalize().equals(walDir.toAbsolutePath().normalize())) {
        throw e;
      }
      RepairResult rr = WalRepair.repair(walDir, e);
      LOG.atWarn()
          .addKeyValue("dir", walDir)
          .addKeyValue("segment", e.segment())
          .addKeyValue("offset", e.offset())
          .addKeyValue("reason", e.reason())
          .addKeyValue("dropped_bytes", rr.droppedBytes())
          .addKeyValue("deleted_segments", rr.deletedSegments())
          .log("WAL corruption repaired by truncating at the last good record");
      repair = Optional.of(rr);
    }
    return new ReplayStats(r.series, r.samples(), r.failed(), repair);
  }

  // No checkpoint and no segment with a byte in it (or no WAL directory yet).
  private static boolean isEmpty(Path walDir) throws IOException {
    if (!Files.isDirectory(walDir)) {
      return true;
    }
    if (Checkpoint.lastCheckpoint(walDir).isPresent()) {
      return false;
    }
    try (Stream<Path> files = Files.list(walDir)) {
      return files.noneMatch(
          f -> {
            try {
              return SEGMENT_NAME.matcher(f.getFileName().toString()).matches()
                  && Files.size(f) > 0;
            } catch (IOException e) {
              return true; // let the replay read it and report
            }
          });
    }
  }

  private WalReplayer(Head head, int n, String name) {
    this.head = head;
    workers = new Worker[n];
    filling = new Batch[n];
    for (int i = 0; i < n; i++) {
      workers[i] = new Worker(head.replayAppender(i, n));
      filling[i] = workers[i].free.poll();
      workers[i].thread =
          Thread.ofPlatform().name("sluice-replay-" + name + "-" + i).start(workers[i]);
    }
  }

  private void run(List<SegmentRange> ranges) throws IOException {
    try (WalReader r = WalReader.open(ranges)) {
      reader = r;
      while (r.next()) {
        byte[] rec = r.recordBuffer();
        int len = r.recordLength();
        try {
          switch (RecordDecoder.type(rec, 0, len)) {
            case SERIES -> {
              dec.series(rec, 0, len, this::series);
              if (seriesFailure != null) {
                throw seriesFailure;
              }
            }
            case SAMPLES -> {
              decoded = 0;
              dec.samples(rec, 0, len, this::sample);
              dispatch();
            }
            case EXEMPLARS -> {
              if (head.exemplars().enabled()) {
                exemplars(dec.exemplars(rec, 0, len));
              }
            }
            case HISTOGRAM_SAMPLES -> {
              decodedHistograms = dec.histogramSamples(rec, 0, len);
              dispatchHistograms();
            }
            case FLOAT_HISTOGRAM_SAMPLES -> {
              decodedHistograms = dec.floatHistogramSamples(rec, 0, len);
              dispatchHistograms();
            }
            default -> {
              // Tombstones, metadata: the head does not hold them yet.
            }
          }
        } catch (CorruptRecordException e) {
          throw new CorruptSegmentException(
              r.segmentDir(), r.segment(), r.offset(), "undecodable record: " + e.getMessage(), e);
        }
      }
    }
  }

  // Only after the whole record decoded, as samples: a record cut by a repair adds nothing.
  private void exemplars(List<RefExemplar> record) {
    for (RefExemplar e : record) {
      long ref = e.ref();
      Long real = aliases.isEmpty() ? null : aliases.get(ref);
      head.replayExemplar(real != null ? real : ref, e.t(), e.valueBits(), e.labels());
    }
  }

  private void series(long ref, byte[] key, int off, int len) {
    if (seriesFailure != null) {
      return;
    }
    long before = head.numSeries();
    long real;
    try {
      real = head.replaySeries(ref, key, off, len);
    } catch (IllegalArgumentException e) {
      seriesFailure =
          new CorruptSegmentException(
              reader.segmentDir(), reader.segment(), reader.offset(), e.getMessage(), e);
      return;
    }
    if (real != ref) {
      aliases.put(ref, real);
    } else if (head.numSeries() != before) {
      series++; // no series is removed during replay: the head grew by this one
    }
  }

  private void sample(long ref, long t, long bits) {
    if (decoded == refs.length) {
      refs = Arrays.copyOf(refs, decoded * 2);
      ts = Arrays.copyOf(ts, decoded * 2);
      vs = Arrays.copyOf(vs, decoded * 2);
    }
    refs[decoded] = ref;
    ts[decoded] = t;
    vs[decoded] = bits;
    decoded++;
  }

  // Only a fully decoded record reaches the head, so a record cut by a repair adds nothing.
  // Aliases are resolved before sharding, so that one series' samples stay on one worker, in
  // order (Prometheus' multiRef).
  private void dispatch() throws InterruptedIOException {
    boolean haveAliases = !aliases.isEmpty();
    for (int i = 0; i < decoded; i++) {
      long ref = refs[i];
      if (haveAliases) {
        Long real = aliases.get(ref);
        if (real != null) {
          ref = real;
        }
      }
      int w = (int) Math.floorMod(ref, (long) workers.length);
      Batch b = filling[w];
      b.add(ref, ts[i], vs[i]);
      if (b.n == BATCH) {
        filling[w] = handOff(w, b);
      }
    }
  }

  // Histograms take the float samples' path to the workers, so that a series' samples of both
  // kinds reach it in WAL order.
  private void dispatchHistograms() throws InterruptedIOException {
    boolean haveAliases = !aliases.isEmpty();
    for (Object o : decodedHistograms) {
      long ref;
      long t;
      Object h;
      if (o instanceof RefHistogramSample r) {
        ref = r.ref();
        t = r.t();
        h = r.histogram();
      } else {
        RefFloatHistogramSample r = (RefFloatHistogramSample) o;
        ref = r.ref();
        t = r.t();
        h = r.histogram();
      }
      if (haveAliases) {
        Long real = aliases.get(ref);
        if (real != null) {
          ref = real;
        }
      }
      int w = (int) Math.floorMod(ref, (long) workers.length);
      Batch b = filling[w];
      b.addHistogram(ref, t, h);
      if (b.n == BATCH) {
        filling[w] = handOff(w, b);
      }
    }
    decodedHistograms = List.of();
  }

  // Queues a full batch and returns an empty one; waits while the worker is QUEUE batches behind.
  private Batch handOff(int w, Batch b) throws InterruptedIOException {
    try {
      workers[w].queue.put(b);
      return workers[w].free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during WAL replay");
    }
  }

  // Also after a corruption: what was read before the damage reaches the head.
  private void finish() throws InterruptedIOException {
    boolean interrupted = false;
    for (int i = 0; i < workers.length; i++) {
      Worker w = workers[i];
      while (filling[i] != null && filling[i].n > 0) {
        try {
          w.queue.put(filling[i]);
          filling[i] = null;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      while (true) {
        try {
          w.queue.put(POISON);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    for (Worker w : workers) {
      while (true) {
        try {
          w.thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during WAL replay");
    }
    for (Worker w : workers) {
      if (w.error != null) {
        throw new IllegalStateException("WAL replay worker failed", w.error);
      }
    }
  }

  private long samples() {
    long n = 0;
    for (Worker w : workers) {
      n += w.appended;
    }
    return n;
  }

  private long failed() {
    long n = 0;
    for (Worker w : workers) {
      n += w.failed;
    }
    return n;
  }

  private final class Worker implements Runnable {
    // Batches to apply, and applied batches back to the reader; together QUEUE + 2 batches.
    final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUE + 2);
    final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(QUEUE + 2);
    final ReplayAppender appender;
    Thread thread;
    long appended;
    long failed;
    RuntimeException error;
    private final long[] counts = new long[2];

    Worker(ReplayAppender appender) {
      this.appender = appender;
      for (int i = 0; i < QUEUE + 2; i++) {
        free.add(new Batch(BATCH));
      }
    }

    @Override
    public void run() {
      try {
        while (true) {
          Batch b = queue.take();
          if (b == POISON) {
            return;
          }
          apply(b);
          b.clear();
          free.put(b);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        error = e;
        // Keep draining so that the reader never blocks on a full queue.
        drain();
      }
    }

    // Out of bounds samples are not failures: already in a block, the WAL is truncated behind
    // blocks lazily.
    private void apply(Batch b) {
      counts[0] = 0;
      counts[1] = 0;
      if (b.histograms > 0) {
        appender.appendWithHistograms(b.refs, b.ts, b.vs, b.hs, b.n, counts);
      } else {
        appender.append(b.refs, b.ts, b.vs, b.n, counts);
      }
      appended += counts[0];
      failed += counts[1];
    }

    private void drain() {
      try {
        Batch b;
        while ((b = queue.take()) != POISON) {
          b.clear();
          free.put(b);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final class Batch {
    final long[] refs;
    final long[] ts;
    final long[] vs;
    // Histograms of the batch at their positions (null for float samples); allocated by the first.
    Object[] hs;
    int histograms;
    int n;

    Batch(int capacity) {
      refs = new long[capacity];
      ts = new long[capacity];
      vs = new long[capacity];
    }

    void add(long ref, long t, long v) {
      refs[n] = ref;
      ts[n] = t;
      vs[n] = v;
      if (histograms > 0) {
        hs[n] = null;
      }
      n++;
    }

    void addHistogram(long ref, long t, Object h) {
      if (hs == null) {
        hs = new Object[refs.length];
      } else if (histograms == 0) {
        Arrays.fill(hs, 0, n, null);
      }
      refs[n] = ref;
      ts[n] = t;
      vs[n] = 0;
      hs[n] = h;
      histograms++;
      n++;
    }

    void clear() {
      if (histograms > 0) {
        Arrays.fill(hs, 0, n, null);
        histograms = 0;
      }
      n = 0;
    }
  }
}
