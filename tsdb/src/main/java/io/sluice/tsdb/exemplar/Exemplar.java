// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.exemplar;

import io.sluice.tsdb.labels.Labels;
import java.util.Objects;

/**
 * One exemplar: its own labels (for example {@code trace_id}), a value and a timestamp, as
 * Prometheus' {@code exemplar.Exemplar}.
 *
 * @param labels the exemplar's labels (empty labels already dropped)
 * @param valueBits raw IEEE-754 bits of the value, kept bit-exactly for the WAL
 * @param timestampMs the exemplar's time in ms
 * @param hasTimestamp whether the timestamp was sent with the exemplar (remote write: always);
 *     exemplars replayed from the WAL have none, as in Prometheus, which makes two of them with the
 *     same labels and value duplicates whatever their timestamps
 */
public record Exemplar(Labels labels, long valueBits, long timestampMs, boolean hasTimestamp) {
  /** Checks for null labels. */
  public Exemplar {
    Objects.requireNonNull(labels, "labels");
  }

  /** An exemplar with a timestamp of its own (as remote write sends them). */
  public static Exemplar of(Labels labels, double value, long timestampMs) {
    return new Exemplar(labels, Double.doubleToRawLongBits(value), timestampMs, true);
  }

  /** The value as a double. */
  public double value() {
    return Double.longBitsToDouble(valueBits);
  }

  /**
   * Prometheus' {@code Exemplar.Equals}: same labels and value ({@code ==} on doubles, so NaN never
   * equals itself), and the same timestamp unless neither has one.
   */
  public boolean sameAs(Exemplar o) {
    if (!labels.equals(o.labels)) {
      return false;
    }
    if ((hasTimestamp || o.hasTimestamp) && timestampMs != o.timestampMs) {
      return false;
    }
    return value() == o.value();
  }
}
