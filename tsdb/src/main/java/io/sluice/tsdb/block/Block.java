// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.chunks.ChunkSegmentReader;
import io.sluice.tsdb.index.IndexReader;
import io.sluice.tsdb.query.Querier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One block on disk, open for reading: its meta, its memory-mapped index and chunk segments.
 *
 * <p>Opening checks what Prometheus checks when it loads a block (meta version, index magic and
 * version, TOC and table CRCs, chunk file headers); series, postings and chunk CRCs are checked
 * when they are read. Thread-safe. {@link #close()} releases the files; queriers must not be used
 * afterwards.
 */
public final class Block implements AutoCloseable {
  private final Path dir;
  private final BlockMeta meta;
  private final IndexReader index;
  private final ChunkSegmentReader chunks;

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

  /** A querier over this block; closing it does not close the block. */
  public Querier querier() {
    return new BlockQuerier(index, chunks);
  }

  @Override
  public void close() {
    chunks.close();
    index.close();
  }

  @Override
  public String toString() {
    return "Block[" + meta.ulid() + ", " + meta.minTime() + ".." + meta.maxTime() + "]";
  }
}
