// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.record.HistogramSpan;
import java.util.List;

/**
 * Whether a histogram can go into an open histogram chunk, and how (Prometheus 2.42's {@code
 * Appendable} / {@code AppendableGauge}).
 *
 * @param ok the sample fits the chunk, after {@code positiveInserts} / {@code negativeInserts} (if
 *     any) re-encode the chunk to a wider layout
 * @param counterReset the sample is a counter reset; then {@code ok} is false
 * @param positiveInserts inserts that widen the chunk's positive buckets (see {@code
 *     HistogramSpans}); empty if none
 * @param negativeInserts the same for the negative buckets
 * @param positiveBackward gauges only: inserts that widen the sample's positive buckets to {@code
 *     positiveSpans}; empty if none
 * @param negativeBackward the same for the negative buckets
 * @param positiveSpans gauges only: the merged positive layout; null otherwise
 * @param negativeSpans gauges only: the merged negative layout; null otherwise
 */
public record HistogramAppendability(
    boolean ok,
    boolean counterReset,
    int[] positiveInserts,
    int[] negativeInserts,
    int[] positiveBackward,
    int[] negativeBackward,
    List<HistogramSpan> positiveSpans,
    List<HistogramSpan> negativeSpans) {
  static final HistogramAppendability NO = of(false, false);
  static final HistogramAppendability YES = of(true, false);
  static final HistogramAppendability RESET = of(false, true);

  private static HistogramAppendability of(boolean ok, boolean reset) {
    int[] none = HistogramSpans.NO_INSERTS;
    return new HistogramAppendability(ok, reset, none, none, none, none, null, null);
  }

  static HistogramAppendability forward(int[] positive, int[] negative) {
    int[] none = HistogramSpans.NO_INSERTS;
    return new HistogramAppendability(true, false, positive, negative, none, none, null, null);
  }

  /** Whether the chunk must be re-encoded to a wider layout before the sample is appended. */
  public boolean needsRecode() {
    return positiveInserts.length > 0 || negativeInserts.length > 0;
  }

  /** Whether the sample must be widened to the merged layout before it is appended (gauges). */
  public boolean needsBackward() {
    return positiveBackward.length > 0 || negativeBackward.length > 0;
  }
}
