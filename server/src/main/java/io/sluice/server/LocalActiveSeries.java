// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.HashringException;
import io.sluice.receiver.limits.ActiveSeries;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * A tenant's active series as Thanos' head-series limit counts them — summed over every receiver of
 * the tenant's hashring, replicas included ({@code sum(prometheus_tsdb_head_series) by (tenant)}) —
 * estimated from this receiver's own head: {@code local head series × nodes in the tenant's
 * hashring}. Placement spreads a tenant's series evenly, so every node of its ring holds about the
 * same number of them ({@code unique series × RF / nodes}, or all of them when {@code RF >=
 * nodes}); the sum over the nodes is then {@code local × nodes}.
 *
 * <p>Unknown (the request is allowed) when this receiver is not a node of the tenant's ring, or the
 * tenant matches no ring: its head then holds nothing of the tenant, or only what an older ring
 * placed here. An ingestor without a hashring is a ring of itself: the estimate is its own count.
 *
 * <p>Thread-safe; allocates nothing.
 */
final class LocalActiveSeries implements ActiveSeries {
  private final ToLongFunction<String> localSeries;
  private final Supplier<Hashring> ring;
  private final String self;

  /**
   * @param localSeries the series in this receiver's head of a tenant (0 when it has none)
   * @param ring the current hashring; null for an ingestor without one
   * @param self this receiver's address in the ring ({@code --receive.local-endpoint})
   */
  LocalActiveSeries(ToLongFunction<String> localSeries, Supplier<Hashring> ring, String self) {
    this.localSeries = localSeries;
    this.ring = ring;
    this.self = self;
  }

  @Override
  public long of(String tenant) {
    long local = localSeries.applyAsLong(tenant);
    if (ring == null) {
      return local;
    }
    Hashring r;
    try {
      r = ring.get().forTenant(tenant);
    } catch (HashringException e) {
      return -1;
    }
    int nodes = 0;
    boolean member = false;
    for (Endpoint e : r.nodes()) {
      nodes++;
      member |= e.hasAddress(self);
    }
    return member ? local * nodes : -1;
  }
}
