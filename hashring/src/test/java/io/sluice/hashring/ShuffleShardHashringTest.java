// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShuffleShardHashringTest {
  private static List<Endpoint> sixInThreeZones() {
    return List.of(
        Endpoint.of("node-1", "az-1"),
        Endpoint.of("node-2", "az-1"),
        Endpoint.of("node-3", "az-2"),
        Endpoint.of("node-4", "az-2"),
        Endpoint.of("node-5", "az-3"),
        Endpoint.of("node-6", "az-3"));
  }

  private static ShuffleShardHashring ring(List<Endpoint> eps, ShuffleShardingConfig c, int rf)
      throws InvalidHashringException {
    return new ShuffleShardHashring("test", KetamaHashring.create(eps, rf), c, rf);
  }

  private static Set<String> usedNodes(Hashring ring, String tenant, int series)
      throws HashringException {
    Set<String> used = new HashSet<>();
    for (int i = 0; i < series; i++) {
      used.add(
          ring.getN(tenant, SeriesHasher.hashOf(tenant, "iteration", String.valueOf(i)), 0)
              .address());
    }
    return used;
  }

  @Test
  void seedIsTheFirstEightBytesOfMd5BigEndian() {
    assertThat(ShuffleShardHashring.seed("tenant-1", "")).isEqualTo(-2305785636457368283L);
    assertThat(ShuffleShardHashring.seed("tenant-1", "az-1")).isEqualTo(-7786070292677522811L);
  }

  // The cases of Thanos' TestShuffleShardHashring.

  @Test
  void takesCeilShardSizeOverZonesFromEveryZone() throws Exception {
    ShuffleShardHashring r =
        ring(
            sixInThreeZones(),
            new ShuffleShardingConfig(
                2,
                0,
                false,
                List.of(new ShuffleShardingOverride(2, List.of("special-tenant"), ""))),
            2);
    Set<String> used = usedNodes(r, "tenant-1", 100);
    assertThat(used).hasSize(3);
    Set<String> zones = new HashSet<>();
    for (Endpoint e : sixInThreeZones()) {
      if (used.contains(e.address())) {
        zones.add(e.az());
      }
    }
    assertThat(zones).hasSize(3);
    for (int trial = 0; trial < 50; trial++) {
      Set<String> trialNodes = new HashSet<>();
      for (int i = 0; i < 10 + trial; i++) {
        long h = SeriesHasher.hashOf("tenant-1", "iteration", "" + i, "trial", "" + trial);
        trialNodes.add(r.getN("tenant-1", h, 0).address());
      }
      assertThat(used).containsAll(trialNodes);
    }
  }

  @Test
  void aGlobOverrideSetsTheShardSize() throws Exception {
    ShuffleShardHashring r =
        ring(
            sixInThreeZones(),
            new ShuffleShardingConfig(
                2, 0, false, List.of(new ShuffleShardingOverride(3, List.of("prefix*"), "glob"))),
            2);
    assertThat(r.shardSize("prefix-tenant")).isEqualTo(3);
    assertThat(usedNodes(r, "prefix-tenant", 100)).hasSize(3);
  }

  @Test
  void anOverrideWithoutMatcherTypeNeverMatchesAsInThanos() throws Exception {
    ShuffleShardHashring r =
        ring(
            sixInThreeZones(),
            new ShuffleShardingConfig(
                1, 0, true, List.of(new ShuffleShardingOverride(4, List.of("special"), ""))),
            1);
    assertThat(r.shardSize("special")).isEqualTo(1);
  }

  @Test
  void aShardLargerThanAZoneFailsOnTheTenantsFirstLookup() throws Exception {
    ShuffleShardHashring r =
        ring(
            sixInThreeZones(),
            new ShuffleShardingConfig(
                2, 0, false, List.of(new ShuffleShardingOverride(20, List.of("prefix*"), "glob"))),
            2);
    assertThatThrownBy(() -> r.getN("prefix-tenant", 1, 0))
        .isInstanceOf(ShuffleShardException.class)
        .hasMessage("shard size 20 is larger than number of nodes in AZ az-1 (2)");
  }

  @Test
  void withZoneAwarenessDisabledTheShardSizeIsTakenFromOneZone() throws Exception {
    List<Endpoint> eps =
        List.of(
            Endpoint.of("node-1", "az-1"),
            Endpoint.of("node-2", "az-1"),
            Endpoint.of("node-3", "az-2"),
            Endpoint.of("node-4", "az-2"),
            Endpoint.of("node-5", "az-2"),
            Endpoint.of("node-6", "az-2"),
            Endpoint.of("node-7", "az-3"),
            Endpoint.of("node-8", "az-3"));
    ShuffleShardHashring r =
        ring(
            eps,
            new ShuffleShardingConfig(
                1, 0, true, List.of(new ShuffleShardingOverride(3, List.of("prefix*"), "glob"))),
            2);
    assertThat(usedNodes(r, "prefix-tenant", 100)).hasSize(3);
  }

  @Test
  void aShardSmallerThanTheReplicationFactorFailsOnLookup() throws Exception {
    ShuffleShardHashring r =
        ring(
            HashringContract.endpoints("a", "b", "c"),
            new ShuffleShardingConfig(1, 0, true, List.of()),
            2);
    assertThatThrownBy(() -> r.getN("t", 1, 0))
        .isInstanceOf(ShuffleShardException.class)
        .hasMessage("ketama: amount of endpoints needs to be larger than replication factor");
  }

  // Thanos' TestShuffleShardHashringStability: scaling by one node changes at most one node of a
  // tenant's shard.
  @Test
  void scalingByOneNodeChangesAtMostOneNodeOfAShard() throws Exception {
    int[][] cases = {{10, 11}, {20, 21}, {11, 10}};
    for (int[] c : cases) {
      ShuffleShardingConfig cfg = new ShuffleShardingConfig(5, 0, true, List.of());
      ShuffleShardHashring before = ring(nodes(c[0]), cfg, 1);
      ShuffleShardHashring after = ring(nodes(c[1]), cfg, 1);
      for (int t = 0; t < 100; t++) {
        String tenant = "tenant-" + t;
        Set<String> a = shard(before, tenant);
        Set<String> b = shard(after, tenant);
        assertThat(a).hasSize(5);
        assertThat(b).hasSize(5);
        Set<String> added = new HashSet<>(b);
        added.removeAll(a);
        assertThat(added).as("%s: %s -> %s", tenant, a, b).hasSizeLessThanOrEqualTo(1);
      }
    }
  }

  private static List<Endpoint> nodes(int n) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Endpoint.of("node-" + i));
    }
    return out;
  }

  private static Set<String> shard(ShuffleShardHashring r, String tenant) throws Exception {
    Set<String> out = new HashSet<>();
    r.forTenant(tenant).nodes().forEach(e -> out.add(e.address()));
    return out;
  }

  @Test
  void nodesAreDedupedAndSorted() throws Exception {
    ShuffleShardHashring r =
        ring(
            HashringContract.endpoints("c", "a", "b", "a"),
            new ShuffleShardingConfig(1, 0, true, List.of()),
            1);
    assertThat(r.nodes()).extracting(Endpoint::address).containsExactly("a", "b", "c");
  }

  @Test
  void subRingsAreCachedLeastRecentlyUsedFirstOut() throws Exception {
    ShuffleShardHashring r = ring(nodes(6), new ShuffleShardingConfig(2, 2, true, List.of()), 1);
    assertThat(r.cacheMaxItems()).isEqualTo(2);
    KetamaHashring a = r.forTenant("a");
    r.forTenant("b");
    assertThat(r.forTenant("a")).isSameAs(a); // a is now the most recent
    r.forTenant("c"); // evicts b
    assertThat(r.cacheItems()).isEqualTo(2);
    assertThat(r.cacheEvicted()).isEqualTo(1);
    assertThat(r.forTenant("a")).isSameAs(a);
    assertThat(r.cacheRequests()).isEqualTo(5);
    assertThat(r.cacheHits()).isEqualTo(2);
    assertThat(new ShuffleShardingConfig(2, 0, true, List.of()).effectiveCacheSize())
        .isEqualTo(100);
  }
}
