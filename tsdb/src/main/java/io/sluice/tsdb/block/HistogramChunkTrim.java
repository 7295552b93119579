// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.chunkenc.FloatHistogramChunk;
import io.sluice.tsdb.chunkenc.FloatHistogramIterator;
import io.sluice.tsdb.chunkenc.HistogramChunk;
import io.sluice.tsdb.chunkenc.HistogramChunkFormat;
import io.sluice.tsdb.chunkenc.HistogramIterator;
import io.sluice.tsdb.query.ChunkMeta;

/**
 * The samples of a histogram chunk inside a time range, re-encoded, for a block whose range cuts
 * the chunk (a flush). The layout stays the chunk's; the counter reset header is kept if the
 * chunk's first sample is kept or the chunk holds gauges, else it becomes unknown.
 */
final class HistogramChunkTrim {
  private HistogramChunkTrim() {}

  /** The part of {@code c} in [mint, maxt], or null if it has no sample there. */
  static ChunkMeta trim(ChunkMeta c, long mint, long maxt) {
    byte[] d = c.data();
    byte header = HistogramChunkFormat.counterResetHeader(d, 0);
    long first = 0;
    long last = 0;
    boolean firstKept = false;
    int read = 0;
    byte[] out;
    int n;
    if (c.encoding() == HistogramChunkFormat.ENCODING) {
      HistogramIterator it = HistogramChunk.iterator(d, 0, d.length);
      HistogramChunk o = new HistogramChunk();
      while (it.next()) {
        long t = it.timestamp();
        read++;
        if (t >= mint && t <= maxt) {
          if (o.numSamples() == 0) {
            first = t;
            firstKept = read == 1;
          }
          o.append(t, it.histogram());
          last = t;
        }
      }
      o.setCounterResetHeader(keptHeader(header, firstKept));
      out = o.bytes();
      n = o.numSamples();
    } else {
      FloatHistogramIterator it = FloatHistogramChunk.iterator(d, 0, d.length);
      FloatHistogramChunk o = new FloatHistogramChunk();
      while (it.next()) {
        long t = it.timestamp();
        read++;
        if (t >= mint && t <= maxt) {
          if (o.numSamples() == 0) {
            first = t;
            firstKept = read == 1;
          }
          o.append(t, it.floatHistogram());
          last = t;
        }
      }
      o.setCounterResetHeader(keptHeader(header, firstKept));
      out = o.bytes();
      n = o.numSamples();
    }
    return n == 0 ? null : new ChunkMeta(first, last, c.encoding(), out);
  }

  private static byte keptHeader(byte header, boolean firstKept) {
    if (header == HistogramChunkFormat.GAUGE || firstKept) {
      return header;
    }
    return HistogramChunkFormat.UNKNOWN_COUNTER_RESET;
  }
}
