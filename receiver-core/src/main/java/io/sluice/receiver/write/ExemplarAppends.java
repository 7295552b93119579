// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.decode.WriteBatch;
import io.sluice.tsdb.exemplar.ExemplarResult;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;

/**
 * Appends the exemplars of one series of a request to the series a {@link HeadAppender} has
 * selected, as Thanos' writer does ({@code pkg/receive/writer.go}): each exemplar's labels without
 * empty values (Prometheus' {@code WithoutEmpty}), its value and timestamp; out-of-order exemplars
 * and label sets over 128 runes are counted in the outcome and make the series a conflict,
 * duplicates are dropped silently (Prometheus' head appender returns no error for them). An
 * exemplar whose label names repeat cannot be a label set and is dropped.
 *
 * <p>Exemplars are rare: this builds a {@link Labels} per exemplar, off the float path.
 */
final class ExemplarAppends {
  private ExemplarAppends() {}

  /** Appends the exemplars of the request's {@code row}-th series to the selected series. */
  static void append(HeadAppender app, WriteRequest request, int row, WriteOutcome outcome) {
    WriteBatch batch = request.batch();
    int s = request.series(row);
    for (int i = 0, n = batch.exemplarCount(s); i < n; i++) {
      Labels labels = labels(batch, s, i);
      if (labels == null) {
        continue;
      }
      ExemplarResult r =
          app.appendExemplar(batch.exemplarTimestamp(s, i), batch.exemplarValueBits(s, i), labels);
      outcome.exemplar(r);
      if (r.isError()) {
        outcome.seriesFailed(row, ErrorKind.CONFLICT);
      }
    }
  }

  /** The exemplar's labels without empty values, or null when a name repeats. */
  static Labels labels(WriteBatch batch, int s, int i) {
    int n = batch.exemplarLabelCount(s, i);
    if (n == 0) {
      return Labels.EMPTY;
    }
    byte[] buf = batch.buffer();
    String[] nv = new String[2 * n];
    int k = 0;
    for (int l = 0; l < n; l++) {
      int valueLength = batch.exemplarLabelValueLength(s, i, l);
      if (valueLength == 0) {
        continue;
      }
      nv[k++] =
          new String(
              buf,
              batch.exemplarLabelNameOffset(s, i, l),
              batch.exemplarLabelNameLength(s, i, l),
              StandardCharsets.UTF_8);
      nv[k++] =
          new String(
              buf, batch.exemplarLabelValueOffset(s, i, l), valueLength, StandardCharsets.UTF_8);
    }
    try {
      return Labels.of(k == nv.length ? nv : java.util.Arrays.copyOf(nv, k));
    } catch (IllegalArgumentException duplicateName) {
      return null;
    }
  }
}
