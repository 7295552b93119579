// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.decode.HistogramDecoder;
import io.sluice.receiver.decode.ProtobufDecodeException;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HistogramValidation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the native histograms of one series of a request, after its float samples, as Thanos'
 * writer does ({@code pkg/receive/writer.go}): always accepted, integer or float, with the head's
 * out-of-order / duplicate / out-of-bounds outcomes counted like float samples' (a conflict, 409).
 * A histogram that does not decode or is invalid (Prometheus 2.42's validation, plus a schema
 * outside -4..8) is dropped and logged, and does not fail the request: Thanos' writer only logs
 * such errors, so the request still answers 200 and the rest of it is stored.
 */
final class HistogramAppends {
  private static final Logger LOG = LoggerFactory.getLogger(HistogramAppends.class);

  private HistogramAppends() {}

  /**
   * Appends the histograms of series {@code s} (request row {@code row}) to the selected series.
   *
   * @return whether the last histogram was appended: Thanos appends a series' exemplars to the ref
   *     its last append returned, none after a dropped or rejected one
   */
  static boolean append(HeadAppender app, WriteBatch batch, int s, int row, WriteOutcome outcome) {
    boolean last = true;
    for (int i = 0, n = batch.histogramCount(s); i < n; i++) {
      last = false;
      HistogramDecoder.Decoded h;
      try {
        h =
            HistogramDecoder.decode(
                batch.buffer(), batch.histogramOffset(s, i), batch.histogramLength(s, i));
      } catch (ProtobufDecodeException e) {
        drop(outcome, e.getMessage());
        continue;
      }
      String invalid =
          h.histogram() != null
              ? validate(h.histogram().schema(), HistogramValidation.validate(h.histogram()))
              : validate(
                  h.floatHistogram().schema(), HistogramValidation.validate(h.floatHistogram()));
      if (invalid != null) {
        drop(outcome, invalid);
        continue;
      }
      AppendResult r =
          h.histogram() != null
              ? app.appendHistogram(h.timestamp(), h.histogram())
              : app.appendFloatHistogram(h.timestamp(), h.floatHistogram());
      outcome.histogram(r);
      if (r != AppendResult.OK) {
        outcome.seriesFailed(row, ErrorKind.CONFLICT);
      }
      last = r == AppendResult.OK;
    }
    return last;
  }

  // Prometheus 2.42 stores any schema; Thanos' Prometheus (3.x) rejects those outside -4..8 (and
  // takes -53, custom buckets, which 2.42 cannot read): Sluice drops them all.
  private static String validate(int schema, String invalid) {
    if (invalid == null && (schema < -4 || schema > 8)) {
      return "histogram has an invalid schema, which must be between -4 and 8, got " + schema;
    }
    return invalid;
  }

  private static void drop(WriteOutcome outcome, String why) {
    outcome.histogramDropped();
    LOG.debug("Error ingesting histogram: {}", why);
  }
}
