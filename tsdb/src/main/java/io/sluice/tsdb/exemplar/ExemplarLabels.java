// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.exemplar;

import io.sluice.tsdb.labels.Labels;

/** The OpenMetrics limit on an exemplar's label set, as Prometheus checks it. */
public final class ExemplarLabels {
  /**
   * Prometheus' {@code exemplar.ExemplarMaxLabelSetLength}: label names and values of one exemplar
   * may hold at most this many runes (Unicode code points, not bytes) together; the quotes, {@code
   * =} and commas of the text form do not count.
   */
  public static final int MAX_RUNES = 128;

  private ExemplarLabels() {}

  /** Whether the names and values of {@code labels} hold more than {@link #MAX_RUNES} runes. */
  public static boolean tooLong(Labels labels) {
    int n = 0;
    for (int i = 0; i < labels.size(); i++) {
      String name = labels.name(i);
      String value = labels.value(i);
      n += name.codePointCount(0, name.length());
      n += value.codePointCount(0, value.length());
      if (n > MAX_RUNES) {
        return true;
      }
    }
    return false;
  }
}
