// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

/**
 * Thanos receive's modes (reference {@code thanos-receive.md} §1.2), chosen from the flags: a
 * hashring and a local endpoint make a router that also ingests; a hashring alone a router; no
 * hashring an ingestor whose ring is itself.
 */
public enum ReceiveMode {
  /** Hashring and local endpoint: routes, ingests its share, honours incoming replica numbers. */
  ROUTER_INGESTOR,
  /** Hashring without local endpoint: forwards everything, stores nothing (no TSDB, no shipper). */
  ROUTER_ONLY,
  /** No hashring: stores everything it gets; incoming replica numbers are reset to 0. */
  INGESTOR_ONLY;

  /** Thanos' {@code determineMode}. */
  public static ReceiveMode of(boolean hashringConfigured, boolean localEndpointSet) {
    if (!hashringConfigured) {
      return INGESTOR_ONLY;
    }
    return localEndpointSet ? ROUTER_INGESTOR : ROUTER_ONLY;
  }

  /** Whether this mode keeps a local TSDB. */
  public boolean ingests() {
    return this != ROUTER_ONLY;
  }
}
