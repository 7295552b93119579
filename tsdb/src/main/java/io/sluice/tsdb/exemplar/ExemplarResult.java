// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.exemplar;

/**
 * What happened to one exemplar, with Prometheus' error names ({@code storage/interface.go}).
 * {@link #OK} and {@link #DUPLICATE} are not errors: Prometheus' head appender drops a duplicate
 * silently.
 */
public enum ExemplarResult {
  /** Accepted. */
  OK("ok"),
  /** The same as the series' newest exemplar (labels, value, timestamp): dropped, not an error. */
  DUPLICATE("duplicate exemplar"),
  /** Not newer than the series' newest exemplar. */
  OUT_OF_ORDER("out of order exemplar"),
  /** Label names and values together longer than {@value ExemplarLabels#MAX_RUNES} runes. */
  LABEL_LENGTH(
      "label length for exemplar exceeds maximum of "
          + ExemplarLabels.MAX_RUNES
          + " UTF-8 characters"),
  /** The storage holds no exemplars ({@code --tsdb.max-exemplars} is 0): dropped, not an error. */
  DISABLED("exemplar storage is disabled or max exemplars is less than or equal to 0");

  private final String message;

  ExemplarResult(String message) {
    this.message = message;
  }

  /** Prometheus' error text, e.g. {@code out of order exemplar}. */
  public String message() {
    return message;
  }

  /** Whether this is an error a writer counts (a conflict): out of order or label length. */
  public boolean isError() {
    return this == OUT_OF_ORDER || this == LABEL_LENGTH;
  }
}
