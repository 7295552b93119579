// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import io.sluice.tsdb.block.Block;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockSet;
import io.sluice.tsdb.block.BlockWriter;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.MemSeries;
import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.MergeQuerier;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.record.CorruptRecordException;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.wal.Checkpoint;
import io.sluice.tsdb.wal.CheckpointStats;
import io.sluice.tsdb.wal.CorruptSegmentException;
import io.sluice.tsdb.wal.RepairResult;
import io.sluice.tsdb.wal.SegmentRange;
import io.sluice.tsdb.wal.Wal;
import io.sluice.tsdb.wal.WalReader;
import io.sluice.tsdb.wal.WalRepair;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's database on disk: a directory holding a {@code lock} file (held with a {@link
 * FileLock} while open) and a {@code wal/} in Prometheus 2.42's wlog format, with the in-memory
 * {@link Head} rebuilt from that WAL when the database is opened.
 *
 * <h2>Writing</h2>
 *
 * <p>Callers append to {@link #head()} and then log what they appended with one {@link #log} call
 * per request: a series record for each series whose {@link MemSeries#walLogged()} is false, then a
 * samples record. A request is acknowledged only after {@code log} returns. By default that is once
 * the bytes reached the OS (a process crash loses nothing, a machine crash may lose the last
 * writes; Prometheus and Thanos do the same). With {@link TsdbOptions#walFsync()} {@code log}
 * returns only after an fsync that started after the call's write completed; concurrent callers
 * share one fsync (group commit).
 *
 * <p>Out-of-order samples (accepted within {@link
 * io.sluice.tsdb.head.HeadOptions#oooTimeWindowMs()}) are logged like any other: as ordinary
 * samples records in the same {@code log} call, in the WAL. There is no {@code wbl/} write-behind
 * log as in Prometheus; Prometheus 2.42 reading this directory without its own out-of-order window
 * would drop them as out of order.
 *
 * <h2>Opening</h2>
 *
 * <p>{@link #open} replays the last checkpoint and the segments after it: series records are
 * applied in WAL order by the reading thread (a series keeps its ref; the next new ref is above the
 * highest replayed one), samples are sharded by series ref over {@link TsdbOptions#replayWorkers()}
 * threads, as Prometheus does. A sample older than its series' newest is kept as an out-of-order
 * sample whatever the configured window ({@link Head#appendReplayed}), so logged out-of-order
 * samples and samples of concurrent requests that reached the WAL in another order than memory are
 * restored. Samples that fail to append are counted, not fatal. A corrupt or torn tail is cut back
 * to the last good record with {@link WalRepair} (never skipped over), logged once and counted in
 * {@link #corruptions()}; what was read before the damage stays in the head and the WAL continues
 * in a new segment.
 *
 * <p>Thread-safe. The caller owns the instance and must {@link #close} it.
 */
public final class Tsdb implements Closeable {
  /** Name of the lock file in the database directory. */
  public static final String LOCK_FILE = "lock";

  /** Name of the WAL directory in the database directory. */
  public static final String WAL_DIR = "wal";

  private static final Logger LOG = LoggerFactory.getLogger(Tsdb.class);

  private final Path dir;
  private final TsdbOptions options;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Head head;
  private final BlockSet blocks;
  private final Wal wal;
  private final ReplayStats replayStats;
  private final Runnable beforeSync;

  private final List<Removed> deleted = new ArrayList<>();
  // Serializes head compaction, flush, WAL truncation and retention.
  private final Object compaction = new Object();
  private volatile BlockWriter blockWriter;
  private volatile Runnable afterBlockCommit = () -> {};
  private final AtomicLong completedWrites = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private final Object syncMonitor = new Object();
  // Guarded by syncMonitor.
  private long syncedWrites;
  private boolean syncing;
  private boolean closed;

  private Tsdb(
      Path dir,
      TsdbOptions options,
      FileChannel lockChannel,
      FileLock lock,
      Head head,
      BlockSet blocks,
      Wal wal,
      ReplayStats replayStats,
      Runnable beforeSync) {
    this.dir = dir;
    this.options = options;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.head = head;
    this.blocks = blocks;
    this.wal = wal;
    this.blockWriter = new BlockWriter(options.head().clock(), new SecureRandom(), () -> {});
    this.replayStats = replayStats;
    this.beforeSync = beforeSync;
  }

  /**
   * Opens (creating if needed) the database in {@code dir}: takes the lock, replays the WAL into a
   * new head (repairing a corrupt tail) and opens the WAL for writing in a new segment.
   *
   * @throws DatabaseLockedException if the directory is locked by another open database
   * @throws CorruptSegmentException if a checkpoint is corrupt (it cannot be repaired)
   * @throws IOException if the directory or WAL cannot be read, repaired or created
   */
  public static Tsdb open(Path dir, TsdbOptions options) throws IOException {
    return open(dir, options, () -> {});
  }

  // beforeSync: a test hook that runs in the syncing thread before it picks the writes it covers.
  static Tsdb open(Path dir, TsdbOptions options, Runnable beforeSync) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    Files.createDirectories(dir);
    Path lockPath = dir.resolve(LOCK_FILE);
    FileChannel ch =
        FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new DatabaseLockedException(lockPath);
    }
    BlockSet blocks = null;
    try {
      blocks = BlockSet.load(dir);
      Head head = new Head(options.head());
      // Samples the blocks hold are out of bounds, in replay too: the WAL is truncated behind a
      // block only after it is written, so it may still hold them.
      if (!blocks.blocks().isEmpty()) {
        head.setMinValidTime(blocks.maxTime());
      }
      Path walDir = dir.resolve(WAL_DIR);
      Files.createDirectories(walDir);
      long replayStart = System.nanoTime();
      ReplayStats stats = replay(walDir, head, options.replayWorkers());
      long replayMillis = (System.nanoTime() - replayStart) / 1_000_000;
      LOG.atInfo()
          .addKeyValue("dir", dir)
          .addKeyValue("series", stats.series())
          .addKeyValue("samples", stats.samples())
          .addKeyValue("duration_ms", replayMillis)
          .addKeyValue("failed_samples", stats.failedSamples())
          .log("WAL replay completed");
      Wal wal = Wal.open(walDir, options.wal());
      return new Tsdb(dir, options, ch, lock, head, blocks, wal, stats, beforeSync);
    } catch (IOException | RuntimeException e) {
      if (blocks != null) {
        blocks.close();
      }
      try {
        ch.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The database directory. */
  public Path dir() {
    return dir;
  }

  /** The options this database was opened with. */
  public TsdbOptions options() {
    return options;
  }

  /** The head; thread-safe (see {@link Head}). */
  public Head head() {
    return head;
  }

  /**
   * A querier over everything this database serves: the head, and the local blocks once they exist.
   * The caller closes it.
   */
  public Querier querier() {
    return querier(Cancellation.NEVER);
  }

  /**
   * A querier over everything this database serves whose calls poll {@code cancelled} while they
   * match label values and collect series, and throw {@link
   * java.util.concurrent.CancellationException} once it is set: a cancelled query stops its work
   * within {@value Cancellation#INTERVAL} steps. The caller closes it.
   */
  public Querier querier(BooleanSupplier cancelled) {
    List<Querier> parts = blocks.queriers(Long.MIN_VALUE, Long.MAX_VALUE, cancelled);
    parts.add(head.querier(cancelled));
    return MergeQuerier.of(parts);
  }

  /** The local blocks served, oldest first. */
  public List<Block> blocks() {
    return blocks.blocks();
  }

  /** Names of block directories that could not be opened at start and are not served. */
  public List<String> corruptBlocks() {
    return blocks.corrupt();
  }

  /**
   * The oldest time this database holds: the oldest block's start, else the head's min time, else
   * {@link Long#MAX_VALUE} (empty), as Thanos' {@code StartTime}.
   */
  public long minTime() {
    return Math.min(blocks.minTime(), head.minTime());
  }

  /**
   * Cuts the head into blocks as Thanos receive does: while the head spans more than 1.5 block
   * durations, or its oldest sample is older than 1.5 block durations by the clock, the block
   * duration-aligned range holding the head's min time becomes a level-1 block and the head and WAL
   * are truncated behind it. Not concurrent with itself, a flush or retention.
   *
   * @return the blocks written, oldest first
   * @throws IOException if a block cannot be written or the WAL not truncated; what was cut before
   *     stays, nothing is lost
   */
  public List<BlockMeta> compactHead() throws IOException {
    synchronized (compaction) {
      List<BlockMeta> out = new ArrayList<>();
      long range = options.blockDurationMs();
      while (true) {
        long min = head.minTime();
        long max = head.maxTime();
        if (min == Long.MAX_VALUE || max < min) {
          return out;
        }
        long now = options.head().clock().millis();
        boolean spansTooLong = max - min > range / 2 * 3;
        boolean tooOld = min < now - range / 2 * 3;
        if (!spansTooLong && !tooOld) {
          return out;
        }
        long maxt = Math.floorDiv(min, range) * range + range;
        cut(min, maxt).ifPresent(out::add);
      }
    }
  }

  /**
   * Writes the whole head to blocks, as Thanos' flush at shutdown: aligned blocks up to the last
   * block boundary, then one for the rest up to the newest sample time (exclusive: samples at
   * exactly the newest time stay in the head and WAL); a head of one instant becomes one block.
   *
   * @return the blocks written, oldest first
   * @throws IOException if a block cannot be written
   */
  public List<BlockMeta> flush() throws IOException {
    synchronized (compaction) {
      List<BlockMeta> out = new ArrayList<>();
      long min = head.minTime();
      long max = head.maxTime();
      if (min == Long.MAX_VALUE || max < min) {
        return out;
      }
      if (min == max) {
        cut(min, max + 1).ifPresent(out::add);
        return out;
      }
      long range = options.blockDurationMs();
      long boundary = Math.floorDiv(max, range) * range;
      // Aligned blocks up to the last boundary (several if the head spans more), then the rest.
      while (min < boundary) {
        long maxt = Math.min(Math.floorDiv(min, range) * range + range, boundary);
        cut(min, maxt).ifPresent(out::add);
        min = maxt;
      }
      if (max > min) {
        cut(min, max).ifPresent(out::add);
      }
      return out;
    }
  }

  /**
   * Deletes local blocks beyond the retention ({@link TsdbOptions#retentionMs()}) that {@code
   * deletable} accepts (with a bucket: the uploaded ones).
   *
   * @return the metas of the blocks deleted
   */
  public List<BlockMeta> applyRetention(Predicate<BlockMeta> deletable) throws IOException {
    synchronized (compaction) {
      return blocks.applyRetention(options.retentionMs(), deletable);
    }
  }

  // Holds the compaction monitor. Raises the head's min valid time first, so that no sample can
  // land in [mint, maxt) while the block is written; truncates only after the block is in place.
  private Optional<BlockMeta> cut(long mint, long maxt) throws IOException {
    head.setMinValidTime(maxt);
    Optional<BlockMeta> meta;
    try (Querier q = head.querier()) {
      meta = blockWriter.write(dir, q, mint, maxt);
    }
    if (meta.isPresent()) {
      blocks.add(meta.get().ulid());
      LOG.atInfo()
          .addKeyValue("dir", dir)
          .addKeyValue("block", meta.get().ulid())
          .addKeyValue("minTime", meta.get().minTime())
          .addKeyValue("maxTime", meta.get().maxTime())
          .addKeyValue("series", meta.get().stats().numSeries())
          .addKeyValue("samples", meta.get().stats().numSamples())
          .log("Head compacted into a block");
    }
    afterBlockCommit.run();
    truncateHead(maxt);
    return meta;
  }

  // Fault injection for tests: runs before a block's directory is renamed into place, and after
  // it is served but before the head and WAL are truncated.
  void compactionHooks(Runnable beforeCommit, Runnable afterCommit) {
    blockWriter = new BlockWriter(options.head().clock(), new SecureRandom(), beforeCommit);
    afterBlockCommit = afterCommit;
  }

  /** What {@link #open} replayed. */
  public ReplayStats replayStats() {
    return replayStats;
  }

  /** WAL corruptions repaired when this database was opened (0 or 1). */
  public long corruptions() {
    return replayStats.repair().isPresent() ? 1 : 0;
  }

  /** Number of WAL fsyncs done for group commit since open (0 without {@link #options()} fsync). */
  public long syncCount() {
    return syncs.get();
  }

  // For tests: writes whose fsync wait has begun.
  long completedWrites() {
    return completedWrites.get();
  }

  /**
   * Logs the records {@code buf[bounds[i], bounds[i+1])}, {@code i < count}, with one WAL write
   * (see {@link Wal#log(byte[], int[], int)}), and with fsync enabled waits until an fsync that
   * started after the write has completed. The buffer is not retained.
   *
   * @throws InterruptedIOException if interrupted while waiting for the fsync (the records are
   *     written but maybe not durable)
   * @throws IOException if the write or the fsync fails; the request must not be acknowledged
   */
  public void log(byte[] buf, int[] bounds, int count) throws IOException {
    wal.log(buf, bounds, count);
    if (options.walFsync()) {
      awaitSync(completedWrites.incrementAndGet());
    }
  }

  // Write numbers are taken after the write completed, so an fsync that starts after reading
  // completedWrites = n covers writes 1..n.
  private void awaitSync(long mine) throws IOException {
    synchronized (syncMonitor) {
      while (syncedWrites < mine) {
        if (!syncing) {
          syncing = true;
          break;
        }
        try {
          syncMonitor.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for the WAL fsync");
        }
      }
      if (syncedWrites >= mine) {
        return;
      }
    }
    IOException failure = null;
    long covered = 0;
    try {
      beforeSync.run();
      covered = completedWrites.get();
      wal.sync();
      syncs.incrementAndGet();
    } catch (IOException e) {
      failure = e;
    } finally {
      synchronized (syncMonitor) {
        syncing = false;
        if (failure == null && covered > syncedWrites) {
          syncedWrites = covered;
        }
        syncMonitor.notifyAll();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Truncates the head behind {@code mint} ({@link Head#truncate}) and then the WAL ({@link
   * #truncateWal}). Series removed from the head keep their series records in checkpoints while
   * segments that may still hold their samples exist, as Prometheus' {@code deleted} map, so replay
   * never meets samples of an unknown series.
   */
  public Optional<CheckpointStats> truncateHead(long mint) throws IOException {
    synchronized (compaction) {
      long[] removed = head.truncate(mint);
      if (removed.length > 0) {
        synchronized (deleted) {
          deleted.add(new Removed(wal.lastSegment(), removed));
        }
      }
      return truncateWal(mint);
    }
  }

  /**
   * Drops from the WAL what the head no longer needs after {@link Head#truncate}{@code (mint)}, as
   * Prometheus' {@code truncateWAL}: starts a new segment, folds the older two thirds of the
   * finished segments (and the previous checkpoint) into a checkpoint that keeps the series still
   * in the head and the samples at or after {@code mint}, then deletes those segments and older
   * checkpoints. Does nothing while there are fewer than three finished segments. Not concurrent
   * with itself; concurrent with writes.
   *
   * @return the checkpoint written, if any
   * @throws IOException if the checkpoint cannot be written or segments deleted; the WAL is then
   *     left as it was or with extra files, never missing a record the head needs
   */
  public Optional<CheckpointStats> truncateWal(long mint) throws IOException {
    synchronized (compaction) {
      return checkpoint(mint);
    }
  }

  private Optional<CheckpointStats> checkpoint(long mint) throws IOException {
    int first = wal.firstSegment();
    int last = wal.nextSegment() - 1;
    // Never the segment that was being written until now; two thirds of the rest.
    last--;
    if (last < 0) {
      return Optional.empty();
    }
    last = first + (last - first) * 2 / 3;
    if (last <= first) {
      return Optional.empty();
    }
    int checkpointed = last;
    CheckpointStats stats =
        Checkpoint.create(
            wal.dir(),
            first,
            last,
            ref -> head.getByRef(ref) != null || removedAfter(ref, checkpointed),
            mint,
            options.wal().compress());
    wal.truncateBefore(last + 1);
    Checkpoint.deleteCheckpointsBefore(wal.dir(), last);
    synchronized (deleted) {
      deleted.removeIf(r -> r.lastSegment() <= checkpointed);
    }
    LOG.atInfo()
        .addKeyValue("dir", dir)
        .addKeyValue("checkpoint", last)
        .addKeyValue("series", stats.totalSeries() - stats.droppedSeries())
        .addKeyValue("dropped_samples", stats.droppedSamples())
        .log("WAL checkpoint written and segments truncated");
    return Optional.of(stats);
  }

  // Whether the series was removed while a segment after the checkpoint was being written: its
  // samples may be there, so its series record must survive the checkpoint.
  private boolean removedAfter(long ref, int checkpointed) {
    synchronized (deleted) {
      for (Removed r : deleted) {
        if (r.lastSegment() > checkpointed && Arrays.binarySearch(r.refs(), ref) >= 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** Series refs removed from the head while WAL segment {@code lastSegment} was written. */
  private record Removed(int lastSegment, long[] refs) {}

  /**
   * Closes the WAL (pads and fsyncs its last segment), releases the lock and deletes the lock file.
   * Idempotent.
   *
   * @throws IOException if the WAL could not be flushed or the lock not released; the database is
   *     closed regardless
   */
  @Override
  public void close() throws IOException {
    synchronized (syncMonitor) {
      if (closed) {
        return;
      }
      closed = true;
    }
    IOException failure = null;
    try {
      wal.close();
    } catch (IOException e) {
      failure = e;
    }
    blocks.close();
    try {
      lock.release();
      lockChannel.close();
      Files.deleteIfExists(dir.resolve(LOCK_FILE));
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "Tsdb[" + dir + "]";
  }

  private static ReplayStats replay(Path walDir, Head head, int workers) throws IOException {
    Replayer r = new Replayer(head, workers, walDir.getFileName() + "");
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

  /**
   * Applies series records in order and hands samples to workers sharded by series ref.
   *
   * <p>The workers' time is memory latency: each sample touches a series that is almost never in a
   * CPU cache. So a worker finds series in its own array indexed by ref (refs are dense, and those
   * of one worker are the multiples of the worker count plus its index), filled from {@link
   * Head#getByRef} on first use, instead of the head's locked ref map; and batches go back to the
   * reading thread once applied, so replay allocates nothing per sample.
   */
  private static final class Replayer {
    private static final int BATCH = 4096;
    // Batches a worker may be behind: enough to ride out the reader's series-heavy stretches
    // and one worker being slower for a while (~3 MB per worker).
    private static final int QUEUE = 32;
    private static final Batch POISON = new Batch(0);
    // A worker's series array is not grown beyond this many entries past its dense need.
    private static final int CACHE_SLACK = 1 << 20;

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
    private long series;
    private WalReader reader;
    private CorruptSegmentException seriesFailure;

    Replayer(Head head, int n, String name) {
      this.head = head;
      workers = new Worker[n];
      filling = new Batch[n];
      for (int i = 0; i < n; i++) {
        workers[i] = new Worker(i, n);
        filling[i] = workers[i].free.poll();
        workers[i].thread =
            Thread.ofPlatform().name("sluice-replay-" + name + "-" + i).start(workers[i]);
      }
    }

    void run(List<SegmentRange> ranges) throws IOException {
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
              default -> {
                // Exemplars, histograms, tombstones, metadata: the head does not hold them yet.
              }
            }
          } catch (CorruptRecordException e) {
            throw new CorruptSegmentException(
                r.segmentDir(),
                r.segment(),
                r.offset(),
                "undecodable record: " + e.getMessage(),
                e);
          }
        }
      }
    }

    private void series(long ref, byte[] key, int off, int len) {
      if (seriesFailure != null) {
        return;
      }
      MemSeries s;
      try {
        s = head.getOrCreateWithRef(ref, key, off, len);
      } catch (IllegalArgumentException e) {
        seriesFailure =
            new CorruptSegmentException(
                reader.segmentDir(), reader.segment(), reader.offset(), e.getMessage(), e);
        return;
      }
      if (s.ref() != ref) {
        aliases.put(ref, s.ref());
      } else if (!s.walLogged()) {
        series++;
      }
      s.markWalLogged();
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
    void finish() throws InterruptedIOException {
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

    long samples() {
      long n = 0;
      for (Worker w : workers) {
        n += w.appended;
      }
      return n;
    }

    long failed() {
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
      final int index;
      final int stride;
      Thread thread;
      long appended;
      long failed;
      RuntimeException error;
      // series[(ref - index) / stride] for this worker's refs; grown on demand, filled on first
      // use.
      private MemSeries[] series = new MemSeries[1024];
      private final MemSeries[] resolved = new MemSeries[BATCH];
      private final long[] counts = new long[2];

      Worker(int index, int stride) {
        this.index = index;
        this.stride = stride;
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
            b.n = 0;
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
        MemSeries[] s = resolved;
        for (int i = 0; i < b.n; i++) {
          s[i] = lookup(b.refs[i]);
        }
        counts[0] = 0;
        counts[1] = 0;
        head.appendReplayed(s, b.ts, b.vs, b.n, counts);
        appended += counts[0];
        failed += counts[1];
      }

      // The series with this ref (one of this worker's), or null. A series found once stays: no
      // series is removed during replay.
      private MemSeries lookup(long ref) {
        long slot = (ref - index) / stride;
        MemSeries[] a = series;
        if (slot >= 0 && slot < a.length) {
          MemSeries s = a[(int) slot];
          if (s != null) {
            return s;
          }
        }
        MemSeries s = head.getByRef(ref);
        if (s != null && slot >= 0) {
          if (slot >= a.length && slot < head.numSeries() / stride + CACHE_SLACK) {
            a = series = Arrays.copyOf(a, (int) Math.max(slot + 1, a.length + (a.length >> 1)));
          }
          if (slot < a.length) {
            a[(int) slot] = s;
          }
        }
        return s;
      }

      private void drain() {
        try {
          Batch b;
          while ((b = queue.take()) != POISON) {
            b.n = 0;
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
        n++;
      }
    }
  }
}
