// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.record.FloatHistogram;

/**
 * The open float histogram chunk of one series and Prometheus 2.42's rules for when a sample starts
 * a new one ({@code memSeries.appendFloatHistogram}): a gauge sample that does not fit the gauge
 * chunk, a sample that is a counter reset (by its hint or by its counts), another schema or zero
 * threshold, a sample after a stale one; new buckets re-encode the open chunk instead. A new
 * chunk's counter reset header says gauge, reset, not a reset (the sample would have fitted the
 * previous chunk) or unknown.
 *
 * <p>See {@link HistogramChunkCutter}. The owner adds its own reasons to cut (no chunk yet, the
 * chunk range boundary, the sample count, a change between float and histogram samples) through
 * {@code cut}, and calls {@link #forget} when its series went on with another kind of chunk. Not
 * thread-safe.
 */
public final class FloatHistogramChunkCutter {
  private FloatHistogramChunk chunk;

  /** The open chunk, or null before the first append and after {@link #forget}. */
  public FloatHistogramChunk chunk() {
    return chunk;
  }

  /** Drops the open chunk: the next append starts a new one with an unknown header. */
  public void forget() {
    chunk = null;
  }

  /**
   * Appends {@code h} at {@code t}, starting a new chunk when the rules above or {@code cut} say
   * so.
   *
   * @param cut the owner starts a new chunk for reasons of its own
   * @return the chunk this append closed, or null if it went into the open chunk (or there was
   *     none)
   */
  public FloatHistogramChunk append(long t, FloatHistogram h, boolean cut) {
    FloatHistogramChunk app = chunk;
    boolean created = cut || app == null;
    boolean gauge = h.counterResetHint() == 3;
    HistogramAppendability a = HistogramAppendability.NO;
    boolean reset = false;
    if (gauge) {
      if (app != null) {
        a = app.appendableGauge(h);
      }
    } else if (h.counterResetHint() == 1) {
      reset = true;
    } else if (app != null) {
      a = app.appendable(h);
      reset = a.counterReset();
    }
    FloatHistogramChunk closed = null;
    if (!created) {
      if (a.needsBackward()) {
        h = FloatHistogramChunk.widen(h, a);
      }
      if (!a.ok() || reset) {
        created = true;
      } else if (a.needsRecode()) {
        chunk =
            app.recode(
                a.positiveInserts(), a.negativeInserts(), h.positiveSpans(), h.negativeSpans());
      }
    }
    if (created) {
      closed = app;
      chunk = new FloatHistogramChunk();
      chunk.setCounterResetHeader(HistogramChunkCutter.header(gauge, reset, a.ok()));
    }
    chunk.append(t, h);
    return closed;
  }
}
