// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.chunks.ChunkSegmentReader;
import io.sluice.tsdb.index.IndexReader;
import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.Querier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One block on disk, open for reading: its meta, its memory-mapped index and chunk segments.
 *
 * <p>Opening checks what Prometheus checks when it loads a block (meta version, index magic and
 * version, TOC and table CRCs, chunk file headers); series, postings and chunk CRCs are checked
 * when they are read. Thread-safe.
 *
 * <p>Lifecycle: the opener owns one reference and {@link #close()} gives it up; every {@link
 * #querier()} holds another until the querier is closed. The files are unmapped when the last
 * reference is gone, so a block deleted by retention stays readable by the queries still using it.
 */
public final class Block implements AutoCloseable {
  private final Path dir;
  private final BlockMeta meta;
  private final IndexReader index;
  private final ChunkSegmentReader chunks;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final AtomicBoolean closed = new AtomicBoolean();

  private Block(Path dir, BlockMeta meta, IndexReader index, ChunkSegmentReader chunks) {
    this.dir = dir;
    this.meta = meta;
    this.index = index;
    this.chunks = chunks;
  }

  /**
   * Opens the block in {@code dir}.
   *
   * @throws IOException naming the file if meta.json, the index or a chunk segment is missing or
   *     corrupt
   */
  public static Block open(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    BlockMeta meta = BlockMetaFormat.read(dir);
    IndexReader index = IndexReader.open(dir.resolve("index"));
    try {
      ChunkSegmentReader chunks = ChunkSegmentReader.open(dir.resolve("chunks"));
      return new Block(dir, meta, index, chunks);
    } catch (IOException | RuntimeException e) {
      index.close();
      throw e;
    }
  }

  /** The block directory. */
  public Path dir() {
    return dir;
  }

  /** The block's meta. */
  public BlockMeta meta() {
    return meta;
  }

  /** First sample time, ms (inclusive). */
  public long minTime() {
    return meta.minTime();
  }

  /** End of the block's range, ms (exclusive). */
  public long maxTime() {
    return meta.maxTime();
  }

  /** Whether the block's range [minTime, maxTime) overlaps [mint, maxt] (both inclusive). */
  public boolean overlaps(long mint, long maxt) {
    return meta.minTime() <= maxt && meta.maxTime() > mint;
  }

  /**
   * A querier over this block, holding a reference until it is closed.
   *
   * @throws IllegalStateException if the block is already closed
   */
  public Querier querier() {
    return querier(Cancellation.NEVER);
  }

  /**
   * A querier over this block, holding a reference until it is closed, whose calls poll {@code
   * cancelled} while they work and throw {@link java.util.concurrent.CancellationException} once it
   * is set.
   *
   * @throws IllegalStateException if the block is already closed
   */
  public Querier querier(BooleanSupplier cancelled) {
    Objects.requireNonNull(cancelled, "cancelled");
    int n;
    do {
      n = refs.get();
      if (n == 0) {
        throw new IllegalStateException(this + " is closed");
      }
    } while (!refs.compareAndSet(n, n + 1));
    return new BlockQuerier(index, chunks, minTime(), maxTime(), this::release, cancelled);
  }

  private void release() {
    if (refs.decrementAndGet() == 0) {
      chunks.close();
      index.close();
    }
  }

  /** Gives up the opener's reference; the files close when no querier uses them. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release();
    }
  }

  @Override
  public String toString() {
    return "Block[" + meta.ulid() + ", " + meta.minTime() + ".." + meta.maxTime() + "]";
  }
}
