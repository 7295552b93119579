// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.exemplar;

import io.sluice.tsdb.labels.Labels;
import java.util.List;
import java.util.Objects;

/**
 * The exemplars of one series a query selected, oldest first (Prometheus' {@code
 * exemplar.QueryResult}).
 *
 * @param seriesLabels the series' labels
 * @param exemplars its exemplars in the query's range, in the order they were stored
 */
public record SeriesExemplars(Labels seriesLabels, List<Exemplar> exemplars) {
  /** Copies the list. */
  public SeriesExemplars {
    Objects.requireNonNull(seriesLabels, "seriesLabels");
    exemplars = List.copyOf(exemplars);
  }
}
