// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.chunkenc.HistogramChunkFormat;
import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.chunks.ChunkSegmentWriter;
import io.sluice.tsdb.fileutil.FileUtil;
import io.sluice.tsdb.index.ChunkRef;
import io.sluice.tsdb.index.IndexWriter;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.tombstones.TombstonesWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Writes a level-1 block from what a {@link Querier} holds in a time range: the head compaction of
 * Prometheus' {@code LeveledCompactor.Write}.
 *
 * <p>The block is built in {@code <ulid>.tmp-for-creation} ({@link BlockDirs}): chunk segments and
 * the index are streamed as the querier's series arrive in label order, then the empty tombstones
 * file and {@code meta.json}; every file is fsynced and the directory is renamed into place last,
 * so a crash leaves either no block or a complete one. Memory is bounded by the symbol table and
 * the index's postings ({@link IndexWriter}), not by the chunks.
 *
 * <p>Chunks that lie inside [mint, maxt) are copied as stored; a chunk that crosses a boundary
 * (possible only for ranges not aligned to the head's chunk range, e.g. the flush at shutdown) is
 * re-encoded with just its samples inside the range. Stateless; safe to use from several threads on
 * different directories.
 */
public final class BlockWriter {
  private final InstantSource clock;
  private final RandomGenerator random;
  private final Runnable beforeCommit;

  /**
   * Creates a writer whose block ids take their time from {@code clock} (as Prometheus' ULIDs, the
   * wall clock at creation) and their entropy from {@code random}.
   */
  public BlockWriter(InstantSource clock, RandomGenerator random) {
    this(clock, random, () -> {});
  }

  /**
   * As {@link #BlockWriter(InstantSource, RandomGenerator)}, running {@code beforeCommit} when
   * every file of a block is written and synced but the directory not yet renamed (fault injection
   * in tests: a crash at that point must leave no block).
   */
  public BlockWriter(InstantSource clock, RandomGenerator random, Runnable beforeCommit) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.beforeCommit = Objects.requireNonNull(beforeCommit, "beforeCommit");
  }

  /**
   * Writes the samples of {@code source} in [{@code mint}, {@code maxt}) as a block under {@code
   * dataDir}. Nothing is written if the range holds no sample.
   *
   * @param maxt exclusive end of the range; the block's {@code maxTime}
   * @return the meta of the block written, or empty
   * @throws IOException if a file cannot be written; the temporary directory is removed
   * @throws IllegalArgumentException if {@code mint >= maxt}
   */
  public Optional<BlockMeta> write(Path dataDir, Querier source, long mint, long maxt)
      throws IOException {
    if (mint >= maxt) {
      throw new IllegalArgumentException("empty block range [" + mint + ", " + maxt + ")");
    }
    Ulid ulid = Ulid.generate(clock, random);
    Path tmp = BlockDirs.createTemporary(dataDir, ulid);
    try {
      long[] stats = writeFiles(tmp, source, mint, maxt - 1);
      if (stats[1] == 0) {
        FileUtil.deleteRecursively(tmp);
        return Optional.empty();
      }
      BlockMeta meta =
          BlockMeta.level1(ulid, mint, maxt, BlockMeta.Stats.of(stats[0], stats[1], stats[2]));
      TombstonesWriter.write(tmp, List.of());
      BlockMetaFormat.write(tmp, meta);
      beforeCommit.run();
      BlockDirs.commit(dataDir, ulid);
      return Optional.of(meta);
    } catch (IOException | RuntimeException e) {
      // Errors (a kill, in tests) leave the directory to the clean-up at the next start.
      try {
        FileUtil.deleteRecursively(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  // Returns {samples, series, chunks}.
  private static long[] writeFiles(Path dir, Querier source, long mint, long maxt)
      throws IOException {
    long samples = 0;
    long series = 0;
    long chunks = 0;
    try (ChunkSegmentWriter chunkWriter = new ChunkSegmentWriter(dir.resolve("chunks"));
        IndexWriter index = new IndexWriter(dir.resolve("index"))) {
      index.addSymbols(symbols(source, mint, maxt));
      SeriesSet set = source.select(mint, maxt, List.of());
      List<ChunkRef> refs = new ArrayList<>();
      while (set.hasNext()) {
        Series s = set.next();
        List<ChunkMeta> inRange = trim(s.chunks(), mint, maxt);
        if (inRange.isEmpty()) {
          continue;
        }
        long[] at = chunkWriter.writeSeries(inRange);
        refs.clear();
        for (int i = 0; i < at.length; i++) {
          ChunkMeta c = inRange.get(i);
          refs.add(new ChunkRef(c.minTime(), c.maxTime(), at[i]));
          samples += numSamples(c);
        }
        index.addSeries(s.labels(), refs);
        series++;
        chunks += at.length;
      }
    }
    return new long[] {samples, series, chunks};
  }

  // Every label name and value of the series in range, in UTF-8 order: the index needs them first.
  private static TreeSet<String> symbols(Querier source, long mint, long maxt) {
    TreeSet<String> symbols = new TreeSet<>(Utf8.ORDER);
    for (String name : source.labelNames(mint, maxt, List.of())) {
      symbols.add(name);
      symbols.addAll(source.labelValues(name, mint, maxt, List.of()));
    }
    return symbols;
  }

  /** The chunks inside [mint, maxt] (inclusive) as they are; crossing ones re-encoded. */
  static List<ChunkMeta> trim(List<ChunkMeta> chunks, long mint, long maxt) {
    List<ChunkMeta> out = new ArrayList<>(chunks.size());
    for (ChunkMeta c : chunks) {
      if (c.minTime() >= mint && c.maxTime() <= maxt) {
        out.add(c);
      } else if (c.overlaps(mint, maxt)) {
        ChunkMeta part = reencode(c, mint, maxt);
        if (part != null) {
          out.add(part);
        }
      }
    }
    return out;
  }

  private static ChunkMeta reencode(ChunkMeta c, long mint, long maxt) {
    if (c.encoding() == HistogramChunkFormat.ENCODING
        || c.encoding() == HistogramChunkFormat.FLOAT_ENCODING) {
      return HistogramChunkTrim.trim(c, mint, maxt);
    }
    if (c.encoding() != XorChunkFormat.ENCODING) {
      throw new IllegalArgumentException("cannot cut a chunk of encoding " + c.encoding());
    }
    XorIterator it = XorChunk.iterator(c.data(), 0, c.data().length);
    XorChunk out = new XorChunk();
    long first = 0;
    while (it.next()) {
      long t = it.timestamp();
      if (t < mint || t > maxt) {
        continue;
      }
      if (out.numSamples() == 0) {
        first = t;
      }
      out.append(t, it.valueBits());
    }
    if (out.numSamples() == 0) {
      return null;
    }
    return new ChunkMeta(first, out.lastTimestamp(), XorChunkFormat.ENCODING, out.bytes());
  }

  // The sample count of an XOR or histogram chunk is its first two bytes, big-endian.
  private static int numSamples(ChunkMeta c) {
    byte[] d = c.data();
    return (d[0] & 0xFF) << 8 | d[1] & 0xFF;
  }
}
