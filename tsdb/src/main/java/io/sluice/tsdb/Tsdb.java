// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import io.sluice.tsdb.block.Block;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockSet;
import io.sluice.tsdb.block.BlockWriter;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.MergeQuerier;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.wal.CheckpointStats;
import io.sluice.tsdb.wal.CorruptSegmentException;
import io.sluice.tsdb.wal.Wal;
import io.sluice.tsdb.wal.WalRepair;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Callers write through one {@link #appender()} transaction per request: it looks series up by
 * key, appends their samples to the head and, at {@link HeadAppender#commit()}, logs with one WAL
 * write a series record for each series not logged yet, then one samples record. A request is
 * acknowledged only after the commit returns. By default that is once the bytes reached the OS (a
 * process crash loses nothing, a machine crash may lose the last writes; Prometheus and Thanos do
 * the same). With {@link TsdbOptions#walFsync()} the commit returns only after an fsync that
 * started after its write completed; concurrent commits share one fsync (group commit).
 *
 * <p>Out-of-order samples (accepted within {@link
 * io.sluice.tsdb.head.HeadOptions#oooTimeWindowMs()}) are logged like any other: as ordinary
 * samples records in the same commit, in the WAL. There is no {@code wbl/} write-behind log as in
 * Prometheus; Prometheus 2.42 reading this directory without its own out-of-order window would drop
 * them as out of order.
 *
 * <h2>Opening</h2>
 *
 * <p>{@link #open} replays the last checkpoint and the segments after it: series records are
 * applied in WAL order by the reading thread (a series keeps its ref; the next new ref is above the
 * highest replayed one), samples are sharded by series ref over {@link TsdbOptions#replayWorkers()}
 * threads, as Prometheus does. A sample older than its series' newest is kept as an out-of-order
 * sample whatever the configured window ({@link io.sluice.tsdb.head.ReplayAppender}), so logged
 * out-of-order samples and samples of concurrent requests that reached the WAL in another order
 * than memory are restored. Samples that fail to append are counted, not fatal. A corrupt or torn
 * tail is cut back to the last good record with {@link WalRepair} (never skipped over), logged once
 * and counted in {@link #corruptions()}; what was read before the damage stays in the head and the
 * WAL continues in a new segment.
 *
 * <h2>Parts</h2>
 *
 * <p>This class ties together and owns the parts that do the work, each in its own class as in
 * Prometheus' {@code tsdb} package: the directory lock ({@code DirectoryLock}), WAL replay and
 * repair ({@code WalReplayer}, {@code head_wal.go}), group-commit fsync ({@code GroupCommit}), the
 * block ranges cut from the head ({@code CompactionPlan}) and WAL checkpointing with the removed
 * series it must keep ({@code WalTruncator}).
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
  private final DirectoryLock lock;
  private final Head head;
  private final BlockSet blocks;
  private final Wal wal;
  private final ReplayStats replayStats;
  private final GroupCommit groupCommit;
  private final WalTruncator walTruncator;
  private final HeadAppender.RecordLog walLog = this::log;

  // Serializes head compaction, flush, WAL truncation and retention.
  private final Object compaction = new Object();
  private volatile BlockWriter blockWriter;
  private volatile Runnable afterBlockCommit = () -> {};
  private final AtomicBoolean closed = new AtomicBoolean();

  private Tsdb(
      Path dir,
      TsdbOptions options,
      DirectoryLock lock,
      Head head,
      BlockSet blocks,
      Wal wal,
      ReplayStats replayStats,
      Runnable beforeSync) {
    this.dir = dir;
    this.options = options;
    this.lock = lock;
    this.head = head;
    this.blocks = blocks;
    this.wal = wal;
    this.blockWriter = new BlockWriter(options.head().clock(), new SecureRandom(), () -> {});
    this.replayStats = replayStats;
    this.groupCommit = new GroupCommit(wal::sync, beforeSync);
    this.walTruncator = new WalTruncator(wal, head, options.wal().compress(), dir);
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
    DirectoryLock lock = DirectoryLock.acquire(dir);
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
      ReplayStats stats = WalReplayer.replay(walDir, head, options.replayWorkers());
      long replayMillis = (System.nanoTime() - replayStart) / 1_000_000;
      LOG.atInfo()
          .addKeyValue("dir", dir)
          .addKeyValue("series", stats.series())
          .addKeyValue("samples", stats.samples())
          .addKeyValue("duration_ms", replayMillis)
          .addKeyValue("failed_samples", stats.failedSamples())
          .log("WAL replay completed");
      Wal wal = Wal.open(walDir, options.wal());
      return new Tsdb(dir, options, lock, head, blocks, wal, stats, beforeSync);
    } catch (IOException | RuntimeException e) {
      if (blocks != null) {
        blocks.close();
      }
      try {
        lock.unlock();
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

  /**
   * Starts a request's write transaction: lookups and appends into the head, logged to the WAL at
   * {@link HeadAppender#commit()} (see {@link Head#appender(HeadAppender.RecordLog)}). The caller
   * commits and closes it, in a {@code finally} block. Allocation-free.
   */
  public HeadAppender appender() {
    return head.appender(walLog);
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
      while (true) {
        Optional<CompactionPlan.Range> due =
            CompactionPlan.nextDue(
                head.minTime(),
                head.maxTime(),
                options.head().clock().millis(),
                options.blockDurationMs());
        if (due.isEmpty()) {
          return out;
        }
        cut(due.get()).ifPresent(out::add);
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
      for (CompactionPlan.Range r :
          CompactionPlan.flush(head.minTime(), head.maxTime(), options.blockDurationMs())) {
        cut(r).ifPresent(out::add);
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
  private Optional<BlockMeta> cut(CompactionPlan.Range range) throws IOException {
    long mint = range.mint();
    long maxt = range.maxt();
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
    return groupCommit.syncCount();
  }

  // For tests: writes whose fsync wait has begun.
  long completedWrites() {
    return groupCommit.completedWrites();
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
  void log(byte[] buf, int[] bounds, int count) throws IOException {
    wal.log(buf, bounds, count);
    if (options.walFsync()) {
      groupCommit.awaitSync();
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
      walTruncator.seriesRemoved(head.truncate(mint));
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
      return walTruncator.truncate(mint);
    }
  }

  /**
   * Closes the WAL (pads and fsyncs its last segment), releases the lock and deletes the lock file.
   * Idempotent.
   *
   * @throws IOException if the WAL could not be flushed or the lock not released; the database is
   *     closed regardless
   */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    IOException failure = null;
    try {
      wal.close();
    } catch (IOException e) {
      failure = e;
    }
    blocks.close();
    try {
      lock.close();
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
}
