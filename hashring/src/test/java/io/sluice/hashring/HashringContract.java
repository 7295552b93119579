// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What every {@link Hashring} algorithm must do to place series exactly as Thanos does; run for
 * {@link HashmodHashring} and {@link KetamaHashring}.
 */
abstract class HashringContract {
  /** {@return the algorithm under test} */
  abstract HashringAlgorithm algorithm();

  /** Builds a ring of the algorithm under test. */
  abstract Hashring create(List<Endpoint> endpoints, int sectionsPerNode, int replicationFactor)
      throws InvalidHashringException;

  /** {@return whether adding an endpoint moves series only onto it} */
  abstract boolean consistent();

  /** {@return whether endpoints may have availability zones} */
  abstract boolean supportsAvailabilityZones();

  final Hashring create(List<Endpoint> endpoints, int replicationFactor)
      throws InvalidHashringException {
    return create(endpoints, KetamaHashring.SECTIONS_PER_NODE, replicationFactor);
  }

  static List<Endpoint> endpoints(String... addresses) {
    List<Endpoint> out = new ArrayList<>();
    for (String a : addresses) {
      out.add(Endpoint.of(a));
    }
    return out;
  }

  /** Series {@code pod="nginx-i"}, as Thanos' consistency tests make them. */
  static long[] series(int count, String tenant) {
    long[] hashes = new long[count];
    for (int i = 0; i < count; i++) {
      hashes[i] = SeriesHasher.hashOf(tenant, "pod", "nginx-" + i);
    }
    return hashes;
  }

  static long[] randomSeries(Random random, int count) {
    long[] hashes = new long[count];
    for (int i = 0; i < count; i++) {
      hashes[i] =
          SeriesHasher.hashOf(
              "tenant-" + random.nextInt(5), "__name__", "m" + random.nextInt(), "i", "x" + i);
    }
    return hashes;
  }

  @TestFactory
  Stream<DynamicTest> placesSeriesAsTheGoldenVectorsSay() {
    return Golden.rows("thanos-v0.42/placement.tsv").stream()
        .filter(r -> r[1].equals(algorithm().configName()))
        .map(
            r ->
                DynamicTest.dynamicTest(
                    String.join(" ", r),
                    () -> {
                      Hashring ring =
                          create(
                              Golden.endpoints(r[4]),
                              Integer.parseInt(r[2]),
                              Integer.parseInt(r[3]));
                      long hash = SeriesHasher.hashOf(Golden.text(r[5]), Golden.labels(r[6]));
                      assertThat(
                              ring.getN(Golden.text(r[5]), hash, Integer.parseInt(r[7])).address())
                          .isEqualTo(r[8]);
                    }));
  }

  @Test
  void goldenVectorsCoverThisAlgorithm() {
    assertThat(Golden.rows("thanos-v0.42/placement.tsv"))
        .filteredOn(r -> r[1].equals(algorithm().configName()))
        .hasSizeGreaterThan(10);
  }

  @Test
  void placementDoesNotDependOnTheOrderOfEndpoints() throws Exception {
    List<Endpoint> ordered = endpoints("node-1", "node-2", "node-3", "node-4", "node-5");
    List<Endpoint> shuffled = new ArrayList<>(ordered);
    Collections.shuffle(shuffled, new Random(7));
    Collections.reverse(ordered);
    Hashring a = create(ordered, 3);
    Hashring b = create(shuffled, 3);
    for (long h : randomSeries(new Random(1), 5000)) {
      for (int n = 0; n < 3; n++) {
        assertThat(b.getN("t", h, n)).isEqualTo(a.getN("t", h, n));
      }
    }
  }

  @Test
  void replicasOfASeriesAreDistinctEndpoints() throws Exception {
    Hashring ring = create(endpoints("a", "b", "c", "d", "e"), 3);
    for (long h : randomSeries(new Random(2), 5000)) {
      Set<Endpoint> replicas = new HashSet<>();
      for (int n = 0; n < 3; n++) {
        replicas.add(ring.getN("t", h, n));
      }
      assertThat(replicas).hasSize(3);
    }
  }

  @Test
  void askingForMoreReplicasThanEndpointsFailsWithInsufficientEndpoints() throws Exception {
    Hashring ring = create(endpoints("a", "b"), 2);
    assertThatThrownBy(() -> ring.getN("t", 42, 2))
        .isInstanceOf(InsufficientEndpointsException.class)
        .hasMessage("insufficient nodes; have 2, want 3");
    assertThatThrownBy(() -> ring.getN("t", 42, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void placingAllReplicasAtOnceGivesTheEndpointsOfGetN() throws Exception {
    Random random = new Random(11);
    for (int size = 1; size <= 7; size++) {
      List<Endpoint> eps = new ArrayList<>();
      for (int e = 0; e < size; e++) {
        eps.add(Endpoint.of("10.0." + random.nextInt(256) + "." + e + ":10901"));
      }
      int rf = Math.min(size, 3);
      Hashring ring = create(eps, rf);
      int[] out = new int[rf];
      for (long h : randomSeries(random, 2000)) {
        for (int first = 0; first < rf; first++) {
          int count = rf - first;
          ring.placeReplicas("t", h, first, count, out);
          for (int k = 0; k < count; k++) {
            assertThat(ring.nodes().get(out[k]))
                .as("ring of %d, series %x, replica %d", size, h, first + k)
                .isSameAs(ring.getN("t", h, first + k));
          }
        }
      }
    }
  }

  @Test
  void placingMoreReplicasThanEndpointsAtOnceFailsAsGetN() throws Exception {
    Hashring ring = create(endpoints("a", "b"), 2);
    assertThatThrownBy(() -> ring.placeReplicas("t", 42, 1, 2, new int[2]))
        .isInstanceOf(InsufficientEndpointsException.class)
        .hasMessage("insufficient nodes; have 2, want 3");
  }

  @Test
  void everyEndpointGetsSeries() throws Exception {
    Hashring ring = create(endpoints("a", "b", "c", "d"), 1);
    Map<String, Integer> counts = new HashMap<>();
    for (long h : series(10_000, "default-tenant")) {
      counts.merge(ring.get("default-tenant", h).address(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("a", "b", "c", "d");
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(1500, 3500));
  }

  private void assertOnlyNewEndpointsGainSeries(
      List<Endpoint> before, List<Endpoint> after, int rf, long[] series) throws Exception {
    Hashring a = create(before, rf);
    Hashring b = create(after, rf);
    Set<String> oldAddresses = new HashSet<>();
    before.forEach(e -> oldAddresses.add(e.address()));
    int moved = 0;
    for (long h : series) {
      Set<String> was = new HashSet<>();
      for (int n = 0; n < rf; n++) {
        was.add(a.getN("tenant", h, n).address());
      }
      for (int n = 0; n < rf; n++) {
        String now = b.getN("tenant", h, n).address();
        if (oldAddresses.contains(now)) {
          assertThat(was).as("series %x replica %d", h, n).contains(now);
        } else {
          moved++;
        }
      }
    }
    assertThat(moved).as("series on the new endpoints").isPositive();
  }

  @Test
  void addingAnEndpointAtTheEndMovesSeriesOnlyOntoIt() throws Exception {
    assumeTrue(consistent(), "only consistent rings keep series on their endpoints");
    assertOnlyNewEndpointsGainSeries(
        endpoints("node-1", "node-2", "node-3"),
        endpoints("node-1", "node-2", "node-3", "node-4", "node-5"),
        1,
        series(10_000, "tenant"));
  }

  @Test
  void addingAnEndpointInTheMiddleMovesSeriesOnlyOntoIt() throws Exception {
    assumeTrue(consistent(), "only consistent rings keep series on their endpoints");
    assertOnlyNewEndpointsGainSeries(
        endpoints("node-1", "node-3"),
        endpoints("node-1", "node-2", "node-3"),
        1,
        series(10_000, "tenant"));
  }

  @Test
  void addingEndpointsMovesReplicasOnlyOntoThemForRandomRings() throws Exception {
    assumeTrue(consistent(), "only consistent rings keep series on their endpoints");
    Random random = new Random(42);
    for (int trial = 0; trial < 5; trial++) {
      int size = 3 + random.nextInt(4);
      List<Endpoint> before = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        before.add(Endpoint.of("10.0." + trial + "." + i + ":10901"));
      }
      List<Endpoint> after = new ArrayList<>(before);
      int added = 1 + random.nextInt(2);
      for (int i = 0; i < added; i++) {
        after.add(random.nextInt(after.size() + 1), Endpoint.of("new-" + trial + "-" + i));
      }
      int rf = 1 + random.nextInt(3);
      assertOnlyNewEndpointsGainSeries(before, after, rf, randomSeries(random, 3000));
    }
  }

  @Test
  void addingEndpointsWithAvailabilityZonesMovesReplicasOnlyOntoThem() throws Exception {
    assumeTrue(consistent() && supportsAvailabilityZones());
    // The AZ cases of Thanos' TestKetamaHashringReplicationConsistencyWithAZs.
    List<Endpoint> abc =
        List.of(Endpoint.of("a", "1"), Endpoint.of("b", "2"), Endpoint.of("c", "3"));
    assertOnlyNewEndpointsGainSeries(
        abc,
        List.of(
            Endpoint.of("b", "2"),
            Endpoint.of("c", "3"),
            Endpoint.of("a", "1"),
            Endpoint.of("d", "2"),
            Endpoint.of("e", "4")),
        3,
        series(3000, "tenant"));
    assertOnlyNewEndpointsGainSeries(
        abc,
        List.of(
            Endpoint.of("a", "1"),
            Endpoint.of("b", "2"),
            Endpoint.of("c", "3"),
            Endpoint.of("d", "1"),
            Endpoint.of("e", "2"),
            Endpoint.of("f", "3")),
        3,
        series(3000, "tenant"));
    assertOnlyNewEndpointsGainSeries(
        List.of(Endpoint.of("a", "1"), Endpoint.of("c", "2"), Endpoint.of("f", "3")),
        List.of(
            Endpoint.of("a", "1"),
            Endpoint.of("b", "1"),
            Endpoint.of("c", "2"),
            Endpoint.of("d", "2"),
            Endpoint.of("f", "3")),
        2,
        series(3000, "tenant"));
  }

  @Test
  void replicasSpreadOverAvailabilityZonesEvenly() throws Exception {
    assumeTrue(supportsAvailabilityZones());
    // Cases of Thanos' TestKetamaHashringEvenAZSpread.
    List<List<Endpoint>> rings =
        List.of(
            List.of(
                Endpoint.of("a", "1"),
                Endpoint.of("b", "2"),
                Endpoint.of("c", "1"),
                Endpoint.of("d", "2")),
            List.of(
                Endpoint.of("a", "1"),
                Endpoint.of("b", "2"),
                Endpoint.of("c", "3"),
                Endpoint.of("d", "1"),
                Endpoint.of("e", "2"),
                Endpoint.of("f", "3")),
            twelveEndpointsInFiveZones());
    int[][] replicationFactors = {{1, 2}, {3}, {10}};
    for (int i = 0; i < rings.size(); i++) {
      List<Endpoint> nodes = rings.get(i);
      Set<String> zones = new HashSet<>();
      nodes.forEach(e -> zones.add(e.az()));
      for (int rf : replicationFactors[i]) {
        Hashring ring = create(nodes, rf);
        for (long h : randomSeries(new Random(rf), 500)) {
          Map<String, Integer> spread = new HashMap<>();
          for (int n = 0; n < rf; n++) {
            spread.merge(ring.getN("default-tenant", h, n).az(), 1, Integer::sum);
          }
          assertThat(spread).hasSize(Math.min(rf, zones.size()));
          int min = Collections.min(spread.values());
          int max = Collections.max(spread.values());
          assertThat(max - min).as("AZ spread %s", spread).isLessThanOrEqualTo(1);
        }
      }
    }
  }

  private static List<Endpoint> twelveEndpointsInFiveZones() {
    String[] zones = {"1", "2", "3", "1", "2", "3", "4", "4", "4", "5", "5", "5"};
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < zones.length; i++) {
      out.add(Endpoint.of(String.valueOf((char) ('a' + i)), zones[i]));
    }
    return out;
  }

  // Tenant routing: the cases of Thanos' TestHashringGet, with this algorithm as the default.

  private MultiHashring multi(List<HashringConfig> configs) throws InvalidHashringException {
    return MultiHashring.create(algorithm(), 1, configs);
  }

  private static HashringConfig ring(List<String> tenants, String matcher, String... addresses) {
    return new HashringConfig("", tenants, matcher, endpoints(addresses), "", Map.of(), null);
  }

  private static final long FOO_BAR_BAZ_QUX = SeriesHasher.hashOf("x", "foo", "bar", "baz", "qux");

  private String route(MultiHashring ring, String tenant) throws HashringException {
    return ring.getN(tenant, SeriesHasher.hashOf(tenant, "foo", "bar", "baz", "qux"), 0).address();
  }

  @Test
  void anEmptyFileRoutesNoTenant() throws Exception {
    MultiHashring ring = multi(List.of());
    assertThatThrownBy(() -> ring.getN("tenant1", FOO_BAR_BAZ_QUX, 0))
        .isInstanceOf(NoMatchingHashringException.class)
        .hasMessage("no matching hashring to handle tenant");
  }

  @Test
  void aSingleDefaultRingRoutesEveryTenant() throws Exception {
    assertThat(route(multi(List.of(ring(List.of(), "", "node1"))), "")).isEqualTo("node1");
  }

  @Test
  void aTenantGoesToItsOwnRingBeforeTheDefault() throws Exception {
    MultiHashring ring =
        multi(List.of(ring(List.of("tenant2"), "", "node2"), ring(List.of(), "", "node1")));
    assertThat(route(ring, "tenant2")).isEqualTo("node2");
  }

  @Test
  void manyTenantRingsRouteTheirTenantsAndRejectOthers() throws Exception {
    MultiHashring ring =
        multi(
            List.of(
                ring(List.of("tenant1"), "", "node1"),
                ring(List.of("tenant2"), "", "node2"),
                ring(List.of("tenant3"), "", "node3")));
    assertThat(route(ring, "tenant1")).isEqualTo("node1");
    assertThatThrownBy(() -> route(ring, "tenant4"))
        .isInstanceOf(NoMatchingHashringException.class);
  }

  @Test
  void manyNodesRingsRouteListedAndDefaultTenants() throws Exception {
    MultiHashring ring =
        multi(
            List.of(
                ring(List.of("tenant1"), "", "node1", "node2", "node3"),
                ring(List.of(), "", "node4", "node5", "node6")));
    assertThat(route(ring, "tenant1")).isIn("node1", "node2", "node3");
    assertThat(route(ring, "")).isIn("node4", "node5", "node6");
  }

  @Test
  void globRingsMatchTheirPatternsOnly() throws Exception {
    MultiHashring prefix =
        multi(
            List.of(
                ring(List.of("prefix*"), "glob", "node1", "node2", "node3"),
                ring(List.of(), "", "node4", "node5", "node6")));
    assertThat(route(prefix, "prefix-1")).isIn("node1", "node2", "node3");
    assertThat(route(prefix, "suffix-1")).isIn("node4", "node5", "node6");
    MultiHashring list =
        multi(
            List.of(
                ring(List.of("t1-*", "t2", "t3-*"), "glob", "node1", "node2", "node3"),
                ring(List.of(), "", "node4", "node5", "node6")));
    assertThat(route(list, "t2")).isIn("node1", "node2", "node3");
  }
}
