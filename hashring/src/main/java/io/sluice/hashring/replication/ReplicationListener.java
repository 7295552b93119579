// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

/**
 * What the replicator reports for metrics: {@code thanos_receive_forward_requests_total{result}}
 * and {@code thanos_receive_replications_total{result}}. Implementations are thread-safe and fast.
 */
public interface ReplicationListener {
  /** Ignores everything. */
  ReplicationListener NONE = new ReplicationListener() {};

  /** One forward to a peer ended; {@code ok} when the peer wrote the series. */
  default void forwarded(boolean ok) {}

  /** One request's replication ended; {@code ok} when every series reached quorum. */
  default void replicated(boolean ok) {}
}
