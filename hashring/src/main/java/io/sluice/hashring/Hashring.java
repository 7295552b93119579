// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import java.util.List;

/**
 * Finds the receivers that store a series, by its {@link SeriesHasher series hash}, exactly as a
 * Thanos receiver does, so that Sluice and Go receivers can share one ring.
 *
 * <p>Implementations are immutable after construction (caches aside) and thread-safe. {@link #getN}
 * allocates nothing; callers on the write path should resolve {@link #forTenant} once per request
 * and tenant, then call {@link #getN} per series and replica.
 */
public interface Hashring {
  /**
   * The endpoint that stores replica {@code n} of a series.
   *
   * @param tenant the tenant that owns the series (rings that route by tenant use it)
   * @param seriesHash the series hash of {@link SeriesHasher}, over this tenant
   * @param n the replica index, {@code 0 <= n < replication factor}
   * @return the endpoint; replicas {@code 0..RF-1} of one series are distinct endpoints
   * @throws InsufficientEndpointsException if the ring has {@code n} or fewer endpoints
   * @throws HashringException if the tenant cannot be placed at all (no matching ring, a bad glob
   *     pattern, a shuffle shard that cannot be built)
   * @throws IllegalArgumentException if {@code n} is negative or, for ketama, not below the
   *     replication factor the ring was built with
   */
  Endpoint getN(String tenant, long seriesHash, int n) throws HashringException;

  /**
   * Places replicas {@code first .. first + count - 1} of a series at once: {@code out[k]} is the
   * position in {@link #nodes()} of the endpoint that {@link #getN getN(tenant, seriesHash, first +
   * k)} returns. The write path groups series by these positions, with no address lookups; ketama
   * finds the series' ring point once for all its replicas. Allocates nothing in ketama and
   * hashmod.
   *
   * @param out receives {@code count} positions from index 0
   * @throws HashringException as {@link #getN}
   */
  default void placeReplicas(String tenant, long seriesHash, int first, int count, int[] out)
      throws HashringException {
    List<Endpoint> nodes = nodes();
    for (int k = 0; k < count; k++) {
      out[k] = nodes.indexOf(getN(tenant, seriesHash, first + k));
    }
  }

  /**
   * The endpoint that stores replica 0 of a series; see {@link #getN}.
   *
   * @throws HashringException as {@link #getN}
   */
  default Endpoint get(String tenant, long seriesHash) throws HashringException {
    return getN(tenant, seriesHash, 0);
  }

  /**
   * The endpoints of this ring. For hashmod and for several rings: sorted by address (a multi-ring
   * lists an endpoint once per ring it is in); for ketama: in file order; for a shuffle-sharded
   * ring: without duplicates, in {@link Endpoint#ORDER}.
   *
   * @return an immutable list
   */
  List<Endpoint> nodes();

  /**
   * The ring that places this tenant's series: a multi-ring's matching ring, a shuffle-sharded
   * ring's sub-ring for the tenant, or this ring. Placement through it equals placement through
   * this ring; it only saves the per-series tenant lookup.
   *
   * @throws HashringException if the tenant cannot be placed
   */
  default Hashring forTenant(String tenant) throws HashringException {
    return this;
  }
}
