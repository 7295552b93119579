// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import io.sluice.hashring.internal.GoGlob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rings of a hashring file, routing each tenant to one of them as Thanos' {@code multiHashring}
 * does.
 *
 * <p>Rings are tried in file order and the first match wins: a ring without tenants matches every
 * tenant (so a default ring listed first shadows the rings after it); an exact ring ({@code
 * tenant_matcher_type} {@code "exact"} or empty) matches the names it lists; a glob ring matches
 * its patterns with Go's {@code path/filepath.Match} (see {@link GoGlob}), in the order written,
 * and a malformed pattern met on the way fails the lookup; a ring with another matcher type matches
 * no tenant. No match fails with {@link NoMatchingHashringException}.
 *
 * <p>The decision is cached per tenant for the life of this object, as in Thanos (a new file gives
 * a new object); failed lookups are not cached, and at most {@value #MAX_CACHED_TENANTS} tenants
 * are, so that arbitrary tenant headers cannot grow it without bound.
 *
 * <p>Immutable apart from the cache, and thread-safe; a cached lookup allocates nothing.
 */
public final class MultiHashring implements Hashring {
  /** The most tenants whose ring is remembered. */
  public static final int MAX_CACHED_TENANTS = 1 << 16;

  private static final Logger log = LoggerFactory.getLogger(MultiHashring.class);

  static final String HASHMOD_NO_SHUFFLE_SHARDING =
      "hashmod algorithm does not support shuffle sharding. Either use Ketama or remove shuffle"
          + " sharding configuration";

  private final List<HashringConfig> configs;
  private final List<Hashring> rings;
  private final List<Set<String>> exactTenants;
  private final List<Endpoint> nodes;
  private final int replicationFactor;
  private final ConcurrentHashMap<String, Hashring> cache = new ConcurrentHashMap<>();

  private MultiHashring(
      List<HashringConfig> configs,
      List<Hashring> rings,
      List<Set<String>> exactTenants,
      List<Endpoint> nodes,
      int replicationFactor) {
    this.configs = configs;
    this.rings = rings;
    this.exactTenants = exactTenants;
    this.nodes = nodes;
    this.replicationFactor = replicationFactor;
  }

  /**
   * Builds every ring of a hashring file, as Thanos' {@code NewMultiHashring}.
   *
   * @param defaultAlgorithm the algorithm of rings that name none (Thanos' {@code
   *     --receive.hashrings-algorithm})
   * @param replicationFactor replicas per series, at least 1 ({@code --receive.replication-factor})
   * @param configs the rings in file order; may be empty (every lookup then fails)
   * @throws InvalidHashringException if a ring cannot be built, with Thanos' message
   * @throws IllegalArgumentException if {@code replicationFactor} is less than 1
   */
  public static MultiHashring create(
      HashringAlgorithm defaultAlgorithm, int replicationFactor, List<HashringConfig> configs)
      throws InvalidHashringException {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replicationFactor must be >= 1: " + replicationFactor);
    }
    List<Hashring> rings = new ArrayList<>();
    List<Set<String>> exact = new ArrayList<>();
    List<Endpoint> nodes = new ArrayList<>();
    for (HashringConfig c : configs) {
      Hashring ring = build(defaultAlgorithm, replicationFactor, c);
      rings.add(ring);
      nodes.addAll(ring.nodes());
      exact.add(Set.copyOf(new HashSet<>(c.tenants())));
    }
    nodes.sort(Endpoint.ADDRESS_ORDER);
    return new MultiHashring(
        List.copyOf(configs),
        List.copyOf(rings),
        List.copyOf(exact),
        List.copyOf(nodes),
        replicationFactor);
  }

  /** One ring, as Thanos' {@code newHashring}, with its checks in the same order. */
  static Hashring build(HashringAlgorithm defaultAlgorithm, int replicationFactor, HashringConfig c)
      throws InvalidHashringException {
    ShuffleShardingConfig shuffle = c.shuffleShardingConfig();
    if (!c.algorithm().isEmpty() && !HashringAlgorithm.isKnown(c.algorithm())) {
      log.warn(
          "Unrecognizable hashring algorithm \"{}\" for hashring \"{}\" (tenants {}). Fall back to"
              + " hashmod algorithm.",
          c.algorithm(),
          c.hashring(),
          c.tenants());
      if (shuffle.enabled()) {
        throw new InvalidHashringException(HASHMOD_NO_SHUFFLE_SHARDING);
      }
      return HashmodHashring.create(c.endpoints());
    }
    switch (HashringAlgorithm.resolve(c.algorithm(), defaultAlgorithm)) {
      case HASHMOD -> {
        HashmodHashring ring = HashmodHashring.create(c.endpoints());
        if (shuffle.enabled()) {
          throw new InvalidHashringException(HASHMOD_NO_SHUFFLE_SHARDING);
        }
        return ring;
      }
      case KETAMA -> {
        KetamaHashring ring = KetamaHashring.create(c.endpoints(), replicationFactor);
        if (!shuffle.enabled()) {
          return ring;
        }
        if (shuffle.shardSize() > c.endpoints().size()) {
          throw new InvalidHashringException(
              "shard size "
                  + shuffle.shardSize()
                  + " is larger than number of nodes in hashring "
                  + c.hashring()
                  + " ("
                  + c.endpoints().size()
                  + ")");
        }
        return new ShuffleShardHashring(c.hashring(), ring, shuffle, replicationFactor);
      }
      default -> throw new AssertionError(c.algorithm());
    }
  }

  @Override
  public Endpoint getN(String tenant, long seriesHash, int n) throws HashringException {
    return ringOf(tenant).getN(tenant, seriesHash, n);
  }

  @Override
  public Hashring forTenant(String tenant) throws HashringException {
    return ringOf(tenant).forTenant(tenant);
  }

  /**
   * The ring of the file that serves a tenant (for a shuffle-sharded ring, the whole ring).
   *
   * @throws NoMatchingHashringException if no ring matches
   * @throws InvalidTenantPatternException if a glob ring tried on the way has a malformed pattern
   */
  public Hashring ringOf(String tenant) throws HashringException {
    Hashring cached = cache.get(tenant);
    if (cached != null) {
      return cached;
    }
    for (int i = 0; i < rings.size(); i++) {
      if (matches(i, tenant)) {
        Hashring ring = rings.get(i);
        if (cache.size() < MAX_CACHED_TENANTS) {
          cache.put(tenant, ring);
        }
        return ring;
      }
    }
    throw new NoMatchingHashringException(tenant);
  }

  /**
   * The index in the file of the ring that serves a tenant.
   *
   * @throws HashringException as {@link #ringOf}
   */
  public int ringIndexOf(String tenant) throws HashringException {
    Hashring ring = ringOf(tenant);
    return rings.indexOf(ring);
  }

  private boolean matches(int ring, String tenant) throws InvalidTenantPatternException {
    HashringConfig c = configs.get(ring);
    if (c.tenants().isEmpty()) {
      return true;
    }
    if (c.exactMatcher()) {
      return exactTenants.get(ring).contains(tenant);
    }
    if (c.globMatcher()) {
      for (String pattern : c.tenants()) {
        try {
          if (GoGlob.match(pattern, tenant)) {
            return true;
          }
        } catch (GoGlob.BadPatternException e) {
          throw new InvalidTenantPatternException(pattern, tenant);
        }
      }
    }
    return false;
  }

  /**
   * {@return every ring's endpoints, sorted by address; an endpoint in two rings is listed twice}
   */
  @Override
  public List<Endpoint> nodes() {
    return nodes;
  }

  /** {@return the configurations this was built from, in file order} */
  public List<HashringConfig> configs() {
    return configs;
  }

  /** {@return the rings, in file order, as built from {@link #configs()}} */
  public List<Hashring> rings() {
    return rings;
  }

  /** {@return the replication factor the rings were built with} */
  public int replicationFactor() {
    return replicationFactor;
  }

  @Override
  public String toString() {
    return "MultiHashring" + rings;
  }
}
