// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import io.sluice.tsdb.chunkenc.FloatHistogramChunk;
import io.sluice.tsdb.chunkenc.FloatHistogramIterator;
import io.sluice.tsdb.chunkenc.HistogramChunk;
import io.sluice.tsdb.chunkenc.HistogramChunkFormat;
import io.sluice.tsdb.chunkenc.HistogramIterator;
import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.labels.Labels;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Series} backed by a list of stored chunks and the query range [mint, maxt].
 *
 * <p>Immutable and thread-safe; each {@link #samples()} call returns a new, single-threaded
 * iterator.
 *
 * @param labels the series' labels
 * @param chunks chunks in time order, overlapping the range
 * @param mint start of the query range in ms, inclusive
 * @param maxt end of the query range in ms, inclusive
 */
public record ChunkSeries(Labels labels, List<ChunkMeta> chunks, long mint, long maxt)
    implements Series {
  /** Copies the chunk list. */
  public ChunkSeries {
    Objects.requireNonNull(labels, "labels");
    chunks = List.copyOf(chunks);
  }

  /**
   * {@inheritDoc}
   *
   * @throws UnsupportedOperationException (when iterating) for chunk encodings other than XOR
   */
  @Override
  public SampleIterator samples() {
    return new RangeIterator(chunks, mint, maxt);
  }

  /**
   * Whether any chunk holds a sample inside [mint, maxt]. Decodes only chunks that overlap the
   * range partially.
   */
  public boolean hasSampleInRange() {
    for (ChunkMeta c : chunks) {
      if (c.minTime() >= mint && c.maxTime() <= maxt) {
        return true;
      }
    }
    return samples().next();
  }

  private static final class RangeIterator implements SampleIterator {
    private final List<ChunkMeta> chunks;
    private final long mint;
    private final long maxt;
    private int next;
    private XorIterator it;
    // The open histogram chunk's iterator, instead of it: timestamps only.
    private HistogramIterator hit;
    private FloatHistogramIterator fit;

    RangeIterator(List<ChunkMeta> chunks, long mint, long maxt) {
      this.chunks = chunks;
      this.mint = mint;
      this.maxt = maxt;
    }

    @Override
    public boolean next() {
      while (true) {
        if (hit != null || fit != null) {
          while (hit != null ? hit.next() : fit.next()) {
            long t = timestamp();
            if (t > maxt) {
              break;
            }
            if (t >= mint) {
              return true;
            }
          }
          hit = null;
          fit = null;
        } else if (it != null) {
          while (it.next()) {
            long t = it.timestamp();
            if (t > maxt) {
              break;
            }
            if (t >= mint) {
              return true;
            }
          }
        }
        if (next >= chunks.size()) {
          return false;
        }
        ChunkMeta c = chunks.get(next++);
        if (!c.overlaps(mint, maxt)) {
          it = null;
          continue;
        }
        switch (c.encoding()) {
          case XorChunkFormat.ENCODING -> {
            if (it == null) {
              it = XorChunk.iterator(c.data(), 0, c.data().length);
            } else {
              it.reset(c.data(), 0, c.data().length);
            }
          }
          case HistogramChunkFormat.ENCODING -> {
            it = null;
            hit = HistogramChunk.iterator(c.data(), 0, c.data().length);
          }
          case HistogramChunkFormat.FLOAT_ENCODING -> {
            it = null;
            fit = FloatHistogramChunk.iterator(c.data(), 0, c.data().length);
          }
          default -> throw new UnsupportedOperationException("chunk encoding " + c.encoding());
        }
      }
    }

    @Override
    public long timestamp() {
      if (hit != null) {
        return hit.timestamp();
      }
      return fit != null ? fit.timestamp() : it.timestamp();
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException at a histogram sample, which has no float value
     */
    @Override
    public long valueBits() {
      if (hit != null || fit != null) {
        throw new UnsupportedOperationException("a histogram sample has no float value");
      }
      return it.valueBits();
    }
  }
}
