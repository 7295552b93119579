// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import io.sluice.hashring.internal.GoGlob;
import io.sluice.hashring.internal.GoRand;
import io.sluice.tsdb.labels.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Thanos' shuffle sharding over a {@link KetamaHashring}: each tenant's series are placed by a
 * ketama ring ({@value KetamaHashring#SECTIONS_PER_NODE} points per node, the same replication
 * factor) over a stable subset of the base ring's endpoints, its shard.
 *
 * <p>The shard of a tenant, as Thanos (and Cortex before it) picks it:
 *
 * <ol>
 *   <li>Shard size: the first override whose tenants match (type {@code "exact"}: equal names;
 *       {@code "glob"}: {@code path/filepath.Match}; any other type, including none, never
 *       matches), else {@code shard_size}.
 *   <li>Zones: the endpoints' AZs, or one zone if {@code zone_awareness_disabled}. Per zone take
 *       {@code ceil(shardSize / zones)} endpoints (all {@code shardSize} if zone awareness is
 *       disabled); more than a zone has is an error.
 *   <li>Per zone, a Go {@code math/rand} generator seeded with the first 8 bytes (big endian) of
 *       {@code MD5(tenant)}, or {@code MD5(tenant 0x00 az)} for a non-empty zone, yields {@code
 *       Uint64} positions; each selects the first not yet selected endpoint walking the zone's ring
 *       points from the first with hash {@code >= position} (unsigned, wrapping).
 * </ol>
 *
 * <p>Sub-rings are cached per tenant (LRU of {@link ShuffleShardingConfig#effectiveCacheSize()}
 * entries); the cache counters are the values of Thanos' {@code thanos_shuffle_shard_cache_*}
 * metrics, counted per {@link #forTenant} or {@link #getN} call. Thread-safe; a cache hit allocates
 * nothing, though it takes a lock, so the write path should call {@link #forTenant} once per
 * request.
 */
public final class ShuffleShardHashring implements Hashring {
  private final String name;
  private final KetamaHashring base;
  private final ShuffleShardingConfig config;
  private final int replicationFactor;
  private final List<Endpoint> nodes;
  private final int cacheSize;
  private final LinkedHashMap<String, KetamaHashring> cache;
  private long requests;
  private long hits;
  private long evicted;

  /**
   * Wraps a ketama ring.
   *
   * @param name the ring's name, the {@code hashring} label of the cache metrics
   * @param base the ring of all endpoints
   * @param config shuffle sharding settings; {@code shardSize} should be positive
   * @param replicationFactor replicas per series, as {@code base} was built with
   */
  public ShuffleShardHashring(
      String name, KetamaHashring base, ShuffleShardingConfig config, int replicationFactor) {
    this.name = name;
    this.base = base;
    this.config = config;
    this.replicationFactor = replicationFactor;
    Set<Endpoint> unique = new HashSet<>(base.nodes());
    List<Endpoint> sorted = new ArrayList<>(unique);
    sorted.sort(Endpoint.ORDER);
    this.nodes = List.copyOf(sorted);
    this.cacheSize = config.effectiveCacheSize();
    this.cache = new LinkedHashMap<>(16, 0.75f, true);
  }

  @Override
  public Endpoint getN(String tenant, long seriesHash, int n) throws HashringException {
    return forTenant(tenant).getN(tenant, seriesHash, n);
  }

  /**
   * {@return the tenant's sub-ring}
   *
   * @throws ShuffleShardException if the tenant's shard cannot be built
   */
  @Override
  public KetamaHashring forTenant(String tenant) throws ShuffleShardException {
    synchronized (cache) {
      requests++;
      KetamaHashring ring = cache.get(tenant);
      if (ring != null) {
        hits++;
        return ring;
      }
    }
    KetamaHashring ring = shard(tenant);
    synchronized (cache) {
      KetamaHashring raced = cache.putIfAbsent(tenant, ring);
      if (raced != null) {
        return raced;
      }
      if (cache.size() > cacheSize) {
        var eldest = cache.keySet().iterator();
        eldest.next();
        eldest.remove();
        evicted++;
      }
    }
    return ring;
  }

  /** {@return the base ring's endpoints without duplicates, in {@link Endpoint#ORDER}} */
  @Override
  public List<Endpoint> nodes() {
    return nodes;
  }

  /** {@return the ring's name} */
  public String name() {
    return name;
  }

  /** {@return {@code thanos_shuffle_shard_cache_requests_total}} */
  public long cacheRequests() {
    synchronized (cache) {
      return requests;
    }
  }

  /** {@return {@code thanos_shuffle_shard_cache_hits_total}} */
  public long cacheHits() {
    synchronized (cache) {
      return hits;
    }
  }

  /** {@return {@code thanos_shuffle_shard_cache_items}} */
  public int cacheItems() {
    synchronized (cache) {
      return cache.size();
    }
  }

  /** {@return {@code thanos_shuffle_shard_cache_max_items}} */
  public int cacheMaxItems() {
    return cacheSize;
  }

  /** {@return {@code thanos_shuffle_shard_cache_evicted_total}} */
  public long cacheEvicted() {
    synchronized (cache) {
      return evicted;
    }
  }

  /** The tenant's shard size: the first matching override, else the default. */
  int shardSize(String tenant) {
    for (ShuffleShardingOverride o : config.overrides()) {
      if (HashringConfig.MATCHER_EXACT.equals(o.tenantMatcherType())) {
        if (o.tenants().contains(tenant)) {
          return o.shardSize();
        }
      } else if (HashringConfig.MATCHER_GLOB.equals(o.tenantMatcherType())) {
        for (String pattern : o.tenants()) {
          try {
            if (GoGlob.match(pattern, tenant)) {
              return o.shardSize();
            }
          } catch (GoGlob.BadPatternException e) {
            // Thanos skips a malformed override pattern.
          }
        }
      }
    }
    return config.shardSize();
  }

  /** Builds the tenant's sub-ring; see the class comment. */
  KetamaHashring shard(String tenant) throws ShuffleShardException {
    boolean oneZone = config.zoneAwarenessDisabled();
    // Go walks maps here, in random order; the shard does not depend on it, so use AZ order.
    Map<String, Integer> nodesPerAz = new TreeMap<>(Utf8.ORDER);
    for (Endpoint e : nodes) {
      nodesPerAz.merge(oneZone ? "" : e.az(), 1, Integer::sum);
    }
    Map<String, List<Integer>> pointsPerAz = new HashMap<>();
    for (int p = 0; p < base.pointCount(); p++) {
      Endpoint e = base.endpoint(base.pointEndpoint(p));
      pointsPerAz.computeIfAbsent(oneZone ? "" : e.az(), k -> new ArrayList<>()).add(p);
    }
    int shardSize = shardSize(tenant);
    int take =
        oneZone ? shardSize : (int) Math.ceil((double) shardSize / (double) nodesPerAz.size());
    List<Endpoint> chosen = new ArrayList<>();
    for (Map.Entry<String, Integer> zone : nodesPerAz.entrySet()) {
      String az = zone.getKey();
      if (take > zone.getValue()) {
        throw new ShuffleShardException(
            "shard size "
                + shardSize
                + " is larger than number of nodes in AZ "
                + az
                + " ("
                + zone.getValue()
                + ")");
      }
      List<Integer> points = pointsPerAz.getOrDefault(az, List.of());
      if (points.isEmpty()) {
        continue;
      }
      GoRand rand = new GoRand(seed(tenant, az));
      Set<Integer> selected = new HashSet<>();
      for (int i = 0; i < take; i++) {
        int start = firstAtOrAfter(points, rand.uint64());
        for (int j = 0; j < points.size(); j++) {
          int endpoint = base.pointEndpoint(points.get((start + j) % points.size()));
          if (selected.add(endpoint)) {
            chosen.add(base.endpoint(endpoint));
            break;
          }
        }
      }
    }
    try {
      return KetamaHashring.create(chosen, KetamaHashring.SECTIONS_PER_NODE, replicationFactor);
    } catch (InvalidHashringException e) {
      throw new ShuffleShardException(e.getMessage());
    }
  }

  private int firstAtOrAfter(List<Integer> points, long position) {
    int lo = 0;
    int hi = points.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(base.pointHash(points.get(mid)), position) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.size() ? 0 : lo;
  }

  /**
   * Thanos' (Cortex') {@code ShuffleShardSeed}: the first 8 bytes, big endian, of {@code
   * MD5(identifier)} or, for a non-empty zone, {@code MD5(identifier 0x00 zone)}.
   */
  static long seed(String identifier, String zone) {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    }
    md5.update(identifier.getBytes(StandardCharsets.UTF_8));
    if (!zone.isEmpty()) {
      md5.update((byte) 0);
      md5.update(zone.getBytes(StandardCharsets.UTF_8));
    }
    return ByteBuffer.wrap(md5.digest()).getLong();
  }

  @Override
  public String toString() {
    return "ShuffleShardHashring[" + name + ", shard " + config.shardSize() + ", " + nodes + "]";
  }
}
