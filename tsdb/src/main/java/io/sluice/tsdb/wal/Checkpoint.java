// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import io.sluice.tsdb.fileutil.FileUtil;
import io.sluice.tsdb.record.CorruptRecordException;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RecordEncoder;
import io.sluice.tsdb.record.RecordType;
import io.sluice.tsdb.record.RefExemplar;
import io.sluice.tsdb.record.RefFloatHistogramSample;
import io.sluice.tsdb.record.RefHistogramSample;
import io.sluice.tsdb.record.RefMetadata;
import io.sluice.tsdb.record.Tombstone;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Checkpoints: a compacted copy of the oldest WAL segments, as Prometheus 2.42's {@code
 * wlog.Checkpoint}, so that those segments can be deleted. A checkpoint is the directory {@code
 * checkpoint.NNNNNNNN} inside the WAL directory (NNNNNNNN = the last segment folded in), itself
 * holding WAL segments ({@link WalFormat}); Prometheus replays Sluice's checkpoints and the other
 * way round.
 *
 * <p>Replay order is the last checkpoint, then the segments after its index ({@link
 * #replayRanges}). Head truncation runs, in order: {@link Wal#nextSegment}, {@link #create} for the
 * first two thirds of the segments, {@link Wal#truncateBefore} the checkpoint index + 1, {@link
 * #deleteCheckpointsBefore} the checkpoint index.
 *
 * <p>Methods are static and touch only the files named; {@link #create} must not run concurrently
 * with another {@code create} in the same WAL directory, and must only fold in finished segments
 * (below {@link Wal#lastSegment()}).
 */
public final class Checkpoint {
  private static final int FLUSH_BYTES = 1 << 20;

  private Checkpoint() {}

  /**
   * Creates an uncompressed checkpoint; see {@link #create(Path, int, int, LongPredicate, long,
   * boolean)}.
   */
  public static CheckpointStats create(
      Path walDir, int fromSegment, int toSegment, LongPredicate keepSeries, long minTime)
      throws IOException {
    return create(walDir, fromSegment, toSegment, keepSeries, minTime, false);
  }

  /**
   * Folds the last checkpoint (if any) and segments {@code fromSegment..toSegment} of {@code
   * walDir} into {@code checkpoint.<toSegment>}. It keeps the series records of refs {@code
   * keepSeries} accepts, float and histogram samples and exemplars with a timestamp at or after
   * {@code minTime}, tombstones whose interval ends at or after {@code minTime}, and the latest
   * metadata of each kept series (written last, ordered by ref). Other record types (m-map markers,
   * types of later versions) are dropped, as in Prometheus. Unlike Prometheus 2.42, which drops
   * float histogram samples here, they are kept like other samples.
   *
   * <p>The checkpoint is written to {@code checkpoint.<toSegment>.tmp}, fsynced, and renamed, so a
   * crash leaves either the old state or the complete new checkpoint; an existing checkpoint with
   * the same index is replaced. The segments and older checkpoints are not deleted.
   *
   * @param walDir the WAL directory
   * @param fromSegment first segment to fold in; raised to the last checkpoint's index + 1
   * @param toSegment last segment to fold in (inclusive), the new checkpoint's index
   * @param keepSeries whether a series ref is still live in the head
   * @param minTime samples older than this (ms) are dropped
   * @param compress whether to snappy-compress the checkpoint's records
   * @return what was kept and dropped
   * @throws IllegalArgumentException if {@code fromSegment} leaves a gap after the last checkpoint,
   *     or {@code toSegment} is below it
   * @throws CorruptSegmentException if a segment or the last checkpoint is damaged or holds a
   *     record that does not decode (checkpointing cannot repair: the head would not know which
   *     series are lost)
   * @throws IOException if files cannot be read or written
   */
  public static CheckpointStats create(
      Path walDir,
      int fromSegment,
      int toSegment,
      LongPredicate keepSeries,
      long minTime,
      boolean compress)
      throws IOException {
    if (fromSegment < 0 || toSegment < 0) {
      throw new IllegalArgumentException(
          "negative segment index: " + fromSegment + ".." + toSegment);
    }
    List<SegmentRange> ranges = new ArrayList<>();
    int from = fromSegment;
    Optional<CheckpointRef> last = lastCheckpoint(walDir);
    if (last.isPresent()) {
      int next = last.get().index() + 1;
      if (from > next) {
        throw new IllegalArgumentException(
            "gap after the last checkpoint: segments must start at " + next + ", not " + from);
      }
      if (toSegment < last.get().index()) {
        throw new IllegalArgumentException(
            "checkpoint " + toSegment + " would be older than " + last.get().index());
      }
      from = next;
      ranges.add(SegmentRange.all(last.get().dir()));
    }
    ranges.add(new SegmentRange(walDir, from, toSegment));

    CheckpointRef ref =
        new CheckpointRef(walDir.resolve(WalFormat.checkpointName(toSegment)), toSegment);
    Path tmp = walDir.resolve(WalFormat.checkpointName(toSegment) + WalFormat.TMP_SUFFIX);
    FileUtil.deleteRecursively(tmp);
    Files.createDirectories(tmp);
    boolean done = false;
    try {
      Filter filter = new Filter(keepSeries, minTime);
      try (WalReader r = WalReader.open(ranges);
          Wal out = Wal.open(tmp, new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, compress))) {
        RecordEncoder enc = filter.enc;
        while (r.next()) {
          try {
            filter.add(r.recordBuffer(), r.recordLength());
          } catch (CorruptRecordException e) {
            throw new CorruptSegmentException(
                r.segmentDir(), r.segment(), r.offset(), e.getMessage(), e);
          }
          if (enc.size() > FLUSH_BYTES) {
            out.log(enc.buffer(), enc.bounds(), enc.recordCount());
            enc.reset();
          }
        }
        filter.addMetadata();
        out.log(enc.buffer(), enc.bounds(), enc.recordCount());
      }
      FileUtil.fsyncDir(tmp);
      FileUtil.replaceDir(tmp, ref.dir());
      done = true;
      return filter.stats(ref);
    } finally {
      if (!done) {
        try {
          FileUtil.deleteRecursively(tmp);
        } catch (IOException ignored) {
          // The original failure is what matters; a later create removes the leftover.
        }
      }
    }
  }

  /**
   * The checkpoint with the highest index in {@code walDir}, if any.
   *
   * @throws IOException if the directory cannot be listed or a {@code checkpoint.N} entry is not a
   *     directory
   */
  public static Optional<CheckpointRef> lastCheckpoint(Path walDir) throws IOException {
    CheckpointRef best = null;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir)) {
      for (Path p : ds) {
        int idx = WalFormat.parseCheckpointName(p.getFileName().toString());
        if (idx < 0) {
          continue;
        }
        if (!Files.isDirectory(p)) {
          throw new IOException("checkpoint " + p + " is not a directory");
        }
        if (best == null || idx > best.index()) {
          best = new CheckpointRef(p, idx);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Deletes the checkpoints (and leftover {@code .tmp} checkpoint directories) of {@code walDir}
   * with an index below {@code index}.
   *
   * @throws IOException if one cannot be deleted
   */
  public static void deleteCheckpointsBefore(Path walDir, int index) throws IOException {
    List<Path> victims = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.endsWith(WalFormat.TMP_SUFFIX)) {
          name = name.substring(0, name.length() - WalFormat.TMP_SUFFIX.length());
        }
        int idx = WalFormat.parseCheckpointName(name);
        if (idx >= 0 && idx < index) {
          victims.add(p);
        }
      }
    }
    for (Path p : victims) {
      FileUtil.deleteRecursively(p);
    }
  }

  /**
   * What to replay, in order: the last checkpoint, then the WAL segments after its index; or all
   * segments if there is no checkpoint.
   *
   * @throws IOException if the directory cannot be listed
   */
  public static List<SegmentRange> replayRanges(Path walDir) throws IOException {
    Optional<CheckpointRef> cp = lastCheckpoint(walDir);
    if (cp.isEmpty()) {
      return List.of(SegmentRange.all(walDir));
    }
    return List.of(
        SegmentRange.all(cp.get().dir()), new SegmentRange(walDir, cp.get().index() + 1, -1));
  }

  /** Decodes one record at a time, re-encoding what survives into {@link #enc}. */
  private static final class Filter {
    final RecordEncoder enc = new RecordEncoder(2 * FLUSH_BYTES);
    private final RecordDecoder dec = new RecordDecoder();
    private final LongPredicate keep;
    private final long minTime;
    private final Map<Long, RefMetadata> metadata = new TreeMap<>();
    private final RecordDecoder.SeriesVisitor onSeries = this::series;
    private final RecordDecoder.SampleVisitor onSample = this::sample;
    private boolean begun;
    private long totalSeries;
    private long droppedSeries;
    private long totalSamples;
    private long droppedSamples;
    private long totalTombstones;
    private long droppedTombstones;
    private long totalExemplars;
    private long droppedExemplars;
    private long totalMetadata;

    Filter(LongPredicate keep, long minTime) {
      this.keep = keep;
      this.minTime = minTime;
    }

    void add(byte[] rec, int len) throws CorruptRecordException {
      begun = false;
      switch (RecordType.of(rec, 0, len)) {
        case SERIES -> dec.series(rec, 0, len, onSeries);
        case SAMPLES -> dec.samples(rec, 0, len, onSample);
        case TOMBSTONES -> {
          for (Tombstone t : dec.tombstones(rec, 0, len)) {
            totalTombstones++;
            if (t.maxt() >= minTime) {
              begin(RecordType.TOMBSTONES);
              enc.tombstone(t.ref(), t.mint(), t.maxt());
            } else {
              droppedTombstones++;
            }
          }
        }
        case EXEMPLARS -> {
          for (RefExemplar e : dec.exemplars(rec, 0, len)) {
            totalExemplars++;
            if (e.t() >= minTime) {
              begin(RecordType.EXEMPLARS);
              enc.exemplar(e.ref(), e.t(), e.valueBits(), e.labels());
            } else {
              droppedExemplars++;
            }
          }
        }
        case HISTOGRAM_SAMPLES -> {
          for (RefHistogramSample h : dec.histogramSamples(rec, 0, len)) {
            totalSamples++;
            if (h.t() >= minTime) {
              begin(RecordType.HISTOGRAM_SAMPLES);
              enc.histogramSample(h.ref(), h.t(), h.histogram());
            } else {
              droppedSamples++;
            }
          }
        }
        case FLOAT_HISTOGRAM_SAMPLES -> {
          for (RefFloatHistogramSample h : dec.floatHistogramSamples(rec, 0, len)) {
            totalSamples++;
            if (h.t() >= minTime) {
              begin(RecordType.FLOAT_HISTOGRAM_SAMPLES);
              enc.floatHistogramSample(h.ref(), h.t(), h.histogram());
            } else {
              droppedSamples++;
            }
          }
        }
        case METADATA -> {
          for (RefMetadata m : dec.metadata(rec, 0, len)) {
            totalMetadata++;
            if (keep.test(m.ref())) {
              metadata.put(m.ref(), m);
            }
          }
        }
        case MMAP_MARKERS, UNKNOWN -> {
          // Dropped, as Prometheus does.
        }
      }
    }

    void addMetadata() {
      if (metadata.isEmpty()) {
        return;
      }
      enc.beginMetadata();
      for (RefMetadata m : metadata.values()) {
        enc.metadata(m.ref(), m.type(), m.unit(), m.help());
      }
    }

    CheckpointStats stats(CheckpointRef ref) {
      return new CheckpointStats(
          ref,
          totalSeries,
          droppedSeries,
          totalSamples,
          droppedSamples,
          totalTombstones,
          droppedTombstones,
          totalExemplars,
          droppedExemplars,
          totalMetadata,
          totalMetadata - metadata.size());
    }

    // Starts the output record lazily, so that a record whose entries are all dropped vanishes.
    private void begin(RecordType type) {
      if (begun) {
        return;
      }
      begun = true;
      switch (type) {
        case SERIES -> enc.beginSeries();
        case SAMPLES -> enc.beginSamples();
        case TOMBSTONES -> enc.beginTombstones();
        case EXEMPLARS -> enc.beginExemplars();
        case HISTOGRAM_SAMPLES -> enc.beginHistogramSamples();
        case FLOAT_HISTOGRAM_SAMPLES -> enc.beginFloatHistogramSamples();
        default -> throw new IllegalArgumentException("not filtered: " + type);
      }
    }

    private void series(long ref, byte[] key, int off, int len) {
      totalSeries++;
      if (keep.test(ref)) {
        begin(RecordType.SERIES);
        enc.series(ref, key, off, len);
      } else {
        droppedSeries++;
      }
    }

    private void sample(long ref, long t, long valueBits) {
      totalSamples++;
      if (t >= minTime) {
        begin(RecordType.SAMPLES);
        enc.sample(ref, t, valueBits);
      } else {
        droppedSamples++;
      }
    }
  }
}
