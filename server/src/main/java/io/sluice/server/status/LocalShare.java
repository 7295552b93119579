// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.HashringException;
import java.util.SplittableRandom;

/**
 * Estimates the share of a ring's series one node stores a replica of, by placing a fixed set of
 * pseudo-random series hashes through the ring exactly as writes are placed: {@code RF / nodes} for
 * hashmod, whatever the ring's points give for ketama, with AZ-aware replicas counted as they fall.
 * {@value #SAMPLES} hashes from a fixed seed: the same ring always gives the same figure, within
 * about a percent of the exact one.
 *
 * <p>Stateless and thread-safe; costs {@value #SAMPLES} × RF look-ups, for the status page only.
 */
public final class LocalShare {
  static final int SAMPLES = 8192;
  private static final long SEED = 0x5117CE5EEDL;

  private LocalShare() {}

  /**
   * {@return the fraction of series whose replicas include {@code self}, in [0, 1]; 0 when it is
   * not in the ring, null when the ring cannot place series (too few endpoints for the factor)}
   *
   * @param ring one ring (not a multi-ring: its tenants choose the ring)
   * @param tenant the tenant to place for (only shuffle-sharded rings depend on it)
   * @param self this node's address
   * @param replicationFactor replicas per series
   */
  public static Double of(Hashring ring, String tenant, String self, int replicationFactor) {
    boolean member = false;
    for (Endpoint e : ring.nodes()) {
      member |= e.hasAddress(self);
    }
    if (!member) {
      return 0.0;
    }
    SplittableRandom random = new SplittableRandom(SEED);
    int rf = Math.max(1, replicationFactor);
    if (ring.nodes().size() < rf) {
      return null;
    }
    int local = 0;
    try {
      for (int i = 0; i < SAMPLES; i++) {
        long hash = random.nextLong();
        for (int n = 0; n < rf; n++) {
          if (ring.getN(tenant, hash, n).hasAddress(self)) {
            local++;
            break;
          }
        }
      }
    } catch (HashringException | IllegalArgumentException e) {
      return null;
    }
    return (double) local / SAMPLES;
  }
}
