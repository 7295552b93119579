// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

/**
 * How many active (head) series a tenant has, as the head-series limit counts them: across all
 * receivers and replicas, like Thanos' meta-monitoring query {@code
 * sum(prometheus_tsdb_head_series) by (tenant)}. Implementations must be cheap and thread-safe:
 * they are asked once per request.
 */
@FunctionalInterface
public interface ActiveSeries {
  /**
   * @param tenant the tenant of the request
   * @return the tenant's active series, or a negative number when unknown (the request is then
   *     allowed, as Thanos allows a tenant missing from its query result)
   */
  long of(String tenant);
}
