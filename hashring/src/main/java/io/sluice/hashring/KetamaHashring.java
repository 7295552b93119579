// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import io.sluice.tsdb.labels.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Thanos' {@code ketama} ring: consistent hashing with {@value #SECTIONS_PER_NODE} points per
 * endpoint, so that adding an endpoint moves series only onto it.
 *
 * <p>Construction, as Thanos:
 *
 * <ol>
 *   <li>For endpoint {@code e} (in file order) and {@code i = 1..sectionsPerNode}, a point with
 *       hash {@code XXH64(UTF-8(e.address + ":" + i))}. Only the address counts.
 *   <li>Points sorted by hash, unsigned.
 *   <li>For each point, its replica list of {@code RF} endpoints: walk the ring from the point
 *       itself, skip endpoints already chosen, and, when the ring has more than one distinct AZ
 *       (the empty AZ counts as one), skip a point whose AZ already holds a replica and more
 *       replicas than the least-occupied AZ. So replicas fill every AZ once before any AZ gets a
 *       second.
 * </ol>
 *
 * <p>Replica {@code n} of a series with hash {@code h} is entry {@code n} of the replica list of
 * the first point with hash {@code >= h} (unsigned), or of point 0 if there is none.
 *
 * <p>Points of equal hash (only when an address is listed twice) are ordered by file position, so
 * that the ring is deterministic; Go's unstable sort may order them otherwise, which only matters
 * for which of the duplicate entries is returned.
 *
 * <p>Immutable and thread-safe; {@link #getN} and {@link #placeReplicas} allocate nothing, and find
 * a series' point through a table of the points' top hash bits in about one step. Memory: about
 * {@code sectionsPerNode * endpoints * (16 + 4 * RF)} bytes.
 */
public final class KetamaHashring implements Hashring {
  /** Thanos' {@code SectionsPerNode}: ring points per endpoint. */
  public static final int SECTIONS_PER_NODE = 1000;

  static final String TOO_FEW_ENDPOINTS =
      "ketama: amount of endpoints needs to be larger than replication factor";

  private final Endpoint[] endpoints;
  private final List<Endpoint> nodes;
  // Point hashes with the sign bit flipped, so that signed order is unsigned order; ascending.
  private final long[] flippedHashes;
  // Endpoint index of each point.
  private final int[] pointEndpoint;
  // Replica lists, replicationFactor entries per point.
  private final int[] replicas;
  private final int replicationFactor;
  // The series' point in about one step instead of a binary search: points are grouped by the top
  // bucketBits bits of their (unsigned) hash; bucketStart[b] is the first point of group b and
  // bucketStart[b + 1] the end of it. About one point per group.
  private final int bucketBits;
  private final int[] bucketStart;

  private KetamaHashring(
      Endpoint[] endpoints, long[] flippedHashes, int[] pointEndpoint, int[] replicas, int rf) {
    this.endpoints = endpoints;
    this.nodes = List.of(endpoints);
    this.flippedHashes = flippedHashes;
    this.pointEndpoint = pointEndpoint;
    this.replicas = replicas;
    this.replicationFactor = rf;
    this.bucketBits = Math.min(20, 64 - Long.numberOfLeadingZeros(flippedHashes.length));
    this.bucketStart = bucketStarts(flippedHashes, bucketBits);
  }

  private static int[] bucketStarts(long[] flippedHashes, int bits) {
    int buckets = 1 << bits;
    int[] start = new int[buckets + 1];
    int p = 0;
    for (int b = 0; b < buckets; b++) {
      start[b] = p;
      while (p < flippedHashes.length && bucket(flippedHashes[p] ^ Long.MIN_VALUE, bits) == b) {
        p++;
      }
    }
    start[buckets] = flippedHashes.length;
    return start;
  }

  private static int bucket(long unsignedHash, int bits) {
    return (int) (unsignedHash >>> (64 - bits));
  }

  /**
   * Builds a ring with {@value #SECTIONS_PER_NODE} points per endpoint.
   *
   * @param endpoints the endpoints in file order
   * @param replicationFactor replicas per series, at least 1
   * @throws InvalidHashringException if there are fewer endpoints than {@code replicationFactor},
   *     or the AZs cannot hold {@code replicationFactor} replicas under the AZ rule
   */
  public static KetamaHashring create(List<Endpoint> endpoints, int replicationFactor)
      throws InvalidHashringException {
    return create(endpoints, SECTIONS_PER_NODE, replicationFactor);
  }

  /**
   * Builds a ring with a chosen number of points per endpoint; Thanos' unit tests use 10.
   *
   * @param endpoints the endpoints in file order
   * @param sectionsPerNode ring points per endpoint, at least 1
   * @param replicationFactor replicas per series, at least 1
   * @throws InvalidHashringException if there are fewer endpoints than {@code replicationFactor},
   *     or the AZs cannot hold {@code replicationFactor} replicas under the AZ rule (Thanos loops
   *     forever there: e.g. AZ {@code a} with one endpoint, {@code b} with three, RF 4)
   * @throws IllegalArgumentException if {@code sectionsPerNode} or {@code replicationFactor} is
   *     less than 1
   */
  public static KetamaHashring create(
      List<Endpoint> endpoints, int sectionsPerNode, int replicationFactor)
      throws InvalidHashringException {
    if (sectionsPerNode < 1) {
      throw new IllegalArgumentException("sectionsPerNode must be >= 1: " + sectionsPerNode);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replicationFactor must be >= 1: " + replicationFactor);
    }
    if (endpoints.size() < replicationFactor) {
      throw new InvalidHashringException(TOO_FEW_ENDPOINTS);
    }
    Endpoint[] eps = endpoints.toArray(Endpoint[]::new);
    int count = Math.multiplyExact(eps.length, sectionsPerNode);

    // Sort (hash, endpoint) pairs: the flipped hash in the high bits is not enough on its own, so
    // sort point numbers by (flipped hash, number); the number gives file order for equal hashes.
    long[] hashes = new long[count];
    for (int e = 0; e < eps.length; e++) {
      for (int i = 1; i <= sectionsPerNode; i++) {
        byte[] key = (eps[e].address() + ":" + i).getBytes(StandardCharsets.UTF_8);
        hashes[e * sectionsPerNode + i - 1] = XxHash64.hash(key, 0, key.length) ^ Long.MIN_VALUE;
      }
    }
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Long.compare(hashes[a], hashes[b]);
          return c != 0 ? c : Integer.compare(a, b);
        });
    long[] flipped = new long[count];
    int[] pointEndpoint = new int[count];
    for (int j = 0; j < count; j++) {
      flipped[j] = hashes[order[j]];
      pointEndpoint[j] = order[j] / sectionsPerNode;
    }

    // AZs as small integers; Go's map of AZs includes "" when an endpoint has none.
    Map<String, Integer> azIds = new HashMap<>();
    int[] endpointAz = new int[eps.length];
    for (int e = 0; e < eps.length; e++) {
      endpointAz[e] = azIds.computeIfAbsent(eps[e].az(), k -> azIds.size());
    }
    int[] replicas =
        computeReplicas(pointEndpoint, endpointAz, azIds.size(), eps.length, replicationFactor);
    return new KetamaHashring(eps, flipped, pointEndpoint, replicas, replicationFactor);
  }

  private static int[] computeReplicas(
      int[] pointEndpoint, int[] endpointAz, int azCount, int endpointCount, int rf)
      throws InvalidHashringException {
    int points = pointEndpoint.length;
    int[] replicas = new int[points * rf];
    boolean[] chosen = new boolean[endpointCount];
    int[] azSpread = new int[azCount];
    for (int i = 0; i < points; i++) {
      Arrays.fill(azSpread, 0);
      int taken = 0;
      int j = i;
      int sinceTaken = 0;
      while (taken < rf) {
        int e = pointEndpoint[j];
        int az = endpointAz[e];
        boolean take = !chosen[e];
        if (take && azCount > 1 && azSpread[az] > 0 && azSpread[az] > min(azSpread)) {
          take = false; // even out the AZs before a second replica goes to this one
        }
        if (take) {
          chosen[e] = true;
          azSpread[az]++;
          replicas[i * rf + taken++] = e;
          sinceTaken = 0;
        } else if (++sinceTaken > points) {
          throw new InvalidHashringException(
              "ketama: the availability zones cannot hold "
                  + rf
                  + " replicas on distinct endpoints with an even spread");
        }
        j = j + 1 == points ? 0 : j + 1;
      }
      for (int k = 0; k < rf; k++) {
        chosen[replicas[i * rf + k]] = false;
      }
    }
    return replicas;
  }

  private static int min(int[] values) {
    int m = Integer.MAX_VALUE;
    for (int v : values) {
      m = Math.min(m, v);
    }
    return m;
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
    if (n >= replicationFactor) {
      // Go indexes past the replica list and panics here.
      throw new IllegalArgumentException(
          "replica index " + n + " not below the replication factor " + replicationFactor);
    }
    return endpoints[replicas[point(seriesHash) * replicationFactor + n]];
  }

  @Override
  public void placeReplicas(String tenant, long seriesHash, int first, int count, int[] out)
      throws InsufficientEndpointsException {
    if (count == 0) {
      return;
    }
    int last = first + count - 1;
    if (first < 0) {
      throw new IllegalArgumentException("negative replica index " + first);
    }
    if (last >= endpoints.length) {
      throw new InsufficientEndpointsException(endpoints.length, last + 1L);
    }
    if (last >= replicationFactor) {
      throw new IllegalArgumentException(
          "replica index " + last + " not below the replication factor " + replicationFactor);
    }
    System.arraycopy(replicas, point(seriesHash) * replicationFactor + first, out, 0, count);
  }

  /** The first point with hash >= h (unsigned), or 0 if there is none. */
  int point(long h) {
    int b = bucket(h, bucketBits);
    int p = bucketStart[b];
    int end = bucketStart[b + 1];
    long key = h ^ Long.MIN_VALUE;
    while (p < end && flippedHashes[p] < key) {
      p++;
    }
    // Every point of a later group is above h; p is the first of them when none of b's is.
    return p == flippedHashes.length ? 0 : p;
  }

  /** {@return the endpoints in file order} */
  @Override
  public List<Endpoint> nodes() {
    return nodes;
  }

  /** {@return the replication factor the replica lists were built for} */
  public int replicationFactor() {
    return replicationFactor;
  }

  // For shuffle sharding, which walks the base ring's points per AZ.
  int pointCount() {
    return flippedHashes.length;
  }

  long pointHash(int point) {
    return flippedHashes[point] ^ Long.MIN_VALUE;
  }

  int pointEndpoint(int point) {
    return pointEndpoint[point];
  }

  Endpoint endpoint(int index) {
    return endpoints[index];
  }

  @Override
  public String toString() {
    return "KetamaHashring" + nodes;
  }
}
