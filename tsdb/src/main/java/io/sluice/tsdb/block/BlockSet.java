// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.Querier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local blocks of one database directory, ordered by min time.
 *
 * <p>{@link #load} removes the temporary directories a crash left ({@link
 * BlockDirs#removeTemporaryDirs}) and opens every block directory; a block that does not open
 * (missing or corrupt meta.json, index or chunk header) is logged by name, listed in {@link
 * #corrupt()} and skipped, so that one bad block does not stop the database. Thread-safe: readers
 * see a consistent snapshot, adds and deletions are serialized.
 */
public final class BlockSet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlockSet.class);
  private static final Comparator<Block> BY_TIME =
      Comparator.comparingLong(Block::minTime)
          .thenComparingLong(Block::maxTime)
          .thenComparing(b -> b.meta().ulid());

  private final Path dir;
  private final CopyOnWriteArrayList<Block> blocks = new CopyOnWriteArrayList<>();
  private final List<String> corrupt;

  private BlockSet(Path dir, List<Block> blocks, List<String> corrupt) {
    this.dir = dir;
    this.blocks.addAll(blocks);
    this.corrupt = List.copyOf(corrupt);
  }

  /**
   * Opens the blocks of {@code dir}.
   *
   * @throws IOException if the directory cannot be listed or a temporary directory not removed
   */
  public static BlockSet load(Path dir) throws IOException {
    for (Path p : BlockDirs.removeTemporaryDirs(dir)) {
      LOG.atInfo().addKeyValue("dir", p).log("Removed a block directory left by a crash");
    }
    List<Block> open = new ArrayList<>();
    List<String> corrupt = new ArrayList<>();
    for (Ulid id : BlockDirs.blockIds(dir)) {
      Path p = BlockDirs.blockDir(dir, id);
      try {
        open.add(Block.open(p));
      } catch (IOException | RuntimeException e) {
        corrupt.add(id.toString());
        LOG.atError()
            .addKeyValue("block", id)
            .addKeyValue("dir", p)
            .addKeyValue("err", e.getMessage())
            .log("Skipping a block that cannot be opened; it is not served");
      }
    }
    open.sort(BY_TIME);
    return new BlockSet(dir, open, corrupt);
  }

  /** The blocks served, oldest first. */
  public List<Block> blocks() {
    return List.copyOf(blocks);
  }

  /** Names of the block directories skipped at load because they could not be opened. */
  public List<String> corrupt() {
    return corrupt;
  }

  /** The end (exclusive) of the newest block, or {@link Long#MIN_VALUE} without blocks. */
  public long maxTime() {
    long max = Long.MIN_VALUE;
    for (Block b : blocks) {
      max = Math.max(max, b.maxTime());
    }
    return max;
  }

  /** The start of the oldest block, or {@link Long#MAX_VALUE} without blocks. */
  public long minTime() {
    long min = Long.MAX_VALUE;
    for (Block b : blocks) {
      min = Math.min(min, b.minTime());
    }
    return min;
  }

  /**
   * Opens the block just written under {@code ulid} and serves it.
   *
   * @throws IOException if it cannot be opened
   */
  public synchronized Block add(Ulid ulid) throws IOException {
    Block b = Block.open(BlockDirs.blockDir(dir, ulid));
    List<Block> next = new ArrayList<>(blocks);
    next.add(b);
    next.sort(BY_TIME);
    blocks.clear();
    blocks.addAll(next);
    return b;
  }

  /** Queriers over the blocks that overlap [mint, maxt], oldest first; the caller closes them. */
  public List<Querier> queriers(long mint, long maxt) {
    return queriers(mint, maxt, Cancellation.NEVER);
  }

  /**
   * Queriers over the blocks that overlap [mint, maxt], oldest first, polling {@code cancelled}
   * (see {@link Block#querier(BooleanSupplier)}); the caller closes them.
   */
  public List<Querier> queriers(long mint, long maxt, BooleanSupplier cancelled) {
    List<Querier> out = new ArrayList<>();
    for (Block b : blocks) {
      if (b.overlaps(mint, maxt)) {
        try {
          out.add(b.querier(cancelled));
        } catch (IllegalStateException closedMeanwhile) {
          // Deleted by retention after the snapshot: its data is gone on purpose.
        }
      }
    }
    return out;
  }

  /**
   * Deletes the blocks that end more than {@code retentionMs} before the newest block ends, as
   * Prometheus' time retention, but only those {@code deletable} accepts (the shipper's "already
   * uploaded"). The newest block is never deleted. Queries still reading a deleted block finish on
   * it.
   *
   * @return the metas of the blocks deleted
   * @throws IOException if a block directory cannot be removed; the blocks before it are deleted
   */
  public synchronized List<BlockMeta> applyRetention(
      long retentionMs, Predicate<BlockMeta> deletable) throws IOException {
    List<BlockMeta> deleted = new ArrayList<>();
    if (retentionMs <= 0 || blocks.isEmpty()) {
      return deleted;
    }
    long newest = maxTime();
    for (Block b : blocks) {
      if (newest - b.maxTime() > retentionMs && deletable.test(b.meta())) {
        blocks.remove(b);
        b.close();
        BlockDirs.delete(dir, b.meta().ulid());
        deleted.add(b.meta());
        LOG.atInfo()
            .addKeyValue("block", b.meta().ulid())
            .addKeyValue("maxTime", b.maxTime())
            .log("Deleted a block beyond the retention");
      }
    }
    return deleted;
  }

  /** Closes every block (queries in progress finish first). */
  @Override
  public void close() {
    for (Block b : blocks) {
      b.close();
    }
    blocks.clear();
  }
}
