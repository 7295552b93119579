// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import java.util.ArrayList;
import java.util.List;

/**
 * Thanos' {@code hashmod} ring ({@code simpleHashring}): endpoints sorted by address (UTF-8 byte
 * order), and replica {@code n} of a series with hash {@code h} on endpoint {@code (h + n) mod
 * count}, with unsigned 64-bit wrap-around. Replicas are consecutive endpoints, so always distinct.
 *
 * <p>Not consistent: adding or removing an endpoint moves most series, also between endpoints that
 * stay. Immutable and thread-safe; {@link #getN} allocates nothing.
 */
public final class HashmodHashring implements Hashring {
  static final String AZ_NOT_SUPPORTED =
      "Hashmod algorithm does not support AZ aware hashring configuration. Either use Ketama or"
          + " remove AZ configuration.";

  private final Endpoint[] endpoints;
  private final List<Endpoint> nodes;

  private HashmodHashring(Endpoint[] sorted) {
    this.endpoints = sorted;
    this.nodes = List.of(sorted);
  }

  /**
   * Builds the ring.
   *
   * @param endpoints the endpoints in any order; may be empty (every lookup then fails)
   * @throws InvalidHashringException if an endpoint has an availability zone, with Thanos' message
   */
  public static HashmodHashring create(List<Endpoint> endpoints) throws InvalidHashringException {
    for (Endpoint e : endpoints) {
      if (!e.az().isEmpty()) {
        throw new InvalidHashringException(AZ_NOT_SUPPORTED);
      }
    }
    List<Endpoint> sorted = new ArrayList<>(endpoints);
    sorted.sort(Endpoint.ADDRESS_ORDER);
    return new HashmodHashring(sorted.toArray(Endpoint[]::new));
  }

  @Override
  public Endpoint getN(String tenant, long seriesHash, int n)
      throws InsufficientEndpointsException {
    if (n < 0) {
      throw new IllegalArgumentException("negative replica index " + n);
    }
    if (n >= endpoints.length) {
      throw new InsufficientEndpointsException(endpoints.length, n + 1L);
    }
    return endpoints[(int) Long.remainderUnsigned(seriesHash + n, endpoints.length)];
  }

  @Override
  public void placeReplicas(String tenant, long seriesHash, int first, int count, int[] out)
      throws InsufficientEndpointsException {
    if (first < 0 || count < 0) {
      throw new IllegalArgumentException("negative replica index " + Math.min(first, count));
    }
    if (first + count > endpoints.length) {
      throw new InsufficientEndpointsException(endpoints.length, first + (long) count);
    }
    for (int k = 0; k < count; k++) {
      out[k] = (int) Long.remainderUnsigned(seriesHash + first + k, endpoints.length);
    }
  }

  /** {@return the endpoints sorted by address} */
  @Override
  public List<Endpoint> nodes() {
    return nodes;
  }

  @Override
  public String toString() {
    return "HashmodHashring" + nodes;
  }
}
