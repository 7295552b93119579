// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.wal.Checkpoint;
import io.sluice.tsdb.wal.CheckpointStats;
import io.sluice.tsdb.wal.Wal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops from the WAL what the head no longer needs, as Prometheus' {@code truncateWAL}: folds the
 * older two thirds of the finished segments into a checkpoint, then deletes them and older
 * checkpoints.
 *
 * <p>It also keeps Prometheus' {@code deleted} bookkeeping: series removed from the head keep their
 * series records in checkpoints while segments that may still hold their samples exist, so replay
 * never meets samples of an unknown series.
 *
 * <p>{@link #seriesRemoved} is thread-safe; {@link #truncate} is not concurrent with itself (the
 * owning {@link Tsdb} serializes it) and is concurrent with WAL writes.
 */
final class WalTruncator {
  private static final Logger LOG = LoggerFactory.getLogger(WalTruncator.class);

  private final Wal wal;
  private final Head head;
  private final boolean compress;
  private final Path logDir;
  // Guarded by itself.
  private final List<Removed> removed = new ArrayList<>();

  /**
   * @param compress whether checkpoint records are snappy-compressed
   * @param logDir the database directory, for the log line
   */
  WalTruncator(Wal wal, Head head, boolean compress, Path logDir) {
    this.wal = wal;
    this.head = head;
    this.compress = compress;
    this.logDir = logDir;
  }

  /** Records series refs (sorted) that {@link Head#truncate} just removed. */
  void seriesRemoved(long[] refs) {
    if (refs.length > 0) {
      synchronized (removed) {
        removed.add(new Removed(wal.lastSegment(), refs));
      }
    }
  }

  /**
   * Folds the older two thirds of the finished segments (and the previous checkpoint) into a
   * checkpoint that keeps the series still in the head or removed too recently and the samples at
   * or after {@code mint}, then deletes those segments and older checkpoints. Nothing while there
   * are fewer than three finished segments.
   *
   * @return the checkpoint written, if any
   * @throws IOException if the checkpoint cannot be written or segments deleted; the WAL is then
   *     left as it was or with extra files, never missing a record the head needs
   */
  Optional<CheckpointStats> truncate(long mint) throws IOException {
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
            ref -> head.hasSeries(ref) || removedAfter(ref, checkpointed),
            mint,
            compress);
    wal.truncateBefore(last + 1);
    Checkpoint.deleteCheckpointsBefore(wal.dir(), last);
    synchronized (removed) {
      removed.removeIf(r -> r.lastSegment() <= checkpointed);
    }
    LOG.atInfo()
        .addKeyValue("dir", logDir)
        .addKeyValue("checkpoint", last)
        .addKeyValue("series", stats.totalSeries() - stats.droppedSeries())
        .addKeyValue("dropped_samples", stats.droppedSamples())
        .log("WAL checkpoint written and segments truncated");
    return Optional.of(stats);
  }

  // Whether the series was removed while a segment after the checkpoint was being written: its
  // samples may be there, so its series record must survive the checkpoint.
  private boolean removedAfter(long ref, int checkpointed) {
    synchronized (removed) {
      for (Removed r : removed) {
        if (r.lastSegment() > checkpointed && Arrays.binarySearch(r.refs(), ref) >= 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** Series refs removed from the head while WAL segment {@code lastSegment} was written. */
  private record Removed(int lastSegment, long[] refs) {}
}
