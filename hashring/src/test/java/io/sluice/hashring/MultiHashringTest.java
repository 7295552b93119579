// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultiHashringTest {
  private static List<Endpoint> eps(String... a) {
    return HashringContract.endpoints(a);
  }

  private static HashringConfig ring(
      String name, List<String> tenants, String matcher, String algorithm, List<Endpoint> e) {
    return new HashringConfig(name, tenants, matcher, e, algorithm, Map.of(), null);
  }

  @Test
  void aRingsAlgorithmOverridesTheDefault() throws Exception {
    MultiHashring m =
        MultiHashring.create(
            HashringAlgorithm.HASHMOD,
            1,
            List.of(
                ring("k", List.of("k"), "", "ketama", eps("a", "b")),
                ring("h", List.of("h"), "", "", eps("a", "b")),
                ring("u", List.of("u"), "", "Ketama", eps("a", "b"))));
    assertThat(m.rings().get(0)).isInstanceOf(KetamaHashring.class);
    assertThat(m.rings().get(1)).isInstanceOf(HashmodHashring.class);
    // Unknown values, even in another case, fall back to hashmod as in Thanos.
    assertThat(m.rings().get(2)).isInstanceOf(HashmodHashring.class);
    assertThat(m.ringOf("k")).isSameAs(m.rings().get(0));
    assertThat(m.ringIndexOf("u")).isEqualTo(2);
  }

  @Test
  void theFirstMatchingRingWinsSoADefaultRingFirstShadowsTheRest() throws Exception {
    MultiHashring m =
        MultiHashring.create(
            HashringAlgorithm.HASHMOD,
            1,
            List.of(
                ring("default", List.of(), "", "", eps("d")),
                ring("t", List.of("t"), "", "", eps("t"))));
    assertThat(m.get("t", 1).address()).isEqualTo("d");
  }

  @Test
  void unknownMatcherTypesMatchNoTenant() throws Exception {
    MultiHashring m =
        MultiHashring.create(
            HashringAlgorithm.HASHMOD, 1, List.of(ring("x", List.of("t"), "regex", "", eps("a"))));
    assertThatThrownBy(() -> m.get("t", 1)).isInstanceOf(NoMatchingHashringException.class);
  }

  @Test
  void aMalformedGlobFailsTheLookupWithThanosMessage() throws Exception {
    MultiHashring m =
        MultiHashring.create(
            HashringAlgorithm.HASHMOD,
            1,
            List.of(
                ring("g", List.of("a["), "glob", "", eps("a")),
                ring("d", List.of(), "", "", eps("d"))));
    assertThatThrownBy(() -> m.get("tenant", 1))
        .isInstanceOf(InvalidTenantPatternException.class)
        .hasMessage("error matching tenant pattern a[ (tenant tenant): syntax error in pattern");
  }

  @Test
  void exactRingsDoNotTreatNamesAsPatterns() throws Exception {
    MultiHashring m =
        MultiHashring.create(
            HashringAlgorithm.HASHMOD,
            1,
            List.of(
                ring("e", List.of("t*"), "exact", "", eps("e")),
                ring("d", List.of(), "", "", eps("d"))));
    assertThat(m.get("t1", 1).address()).isEqualTo("d");
    assertThat(m.get("t*", 1).address()).isEqualTo("e");
  }

  @Test
  void nodesOfAllRingsAreSortedByAddress() throws Exception {
    MultiHashring m =
        MultiHashring.create(
            HashringAlgorithm.KETAMA,
            1,
            List.of(
                ring("a", List.of("x"), "", "", eps("c", "a")),
                ring("b", List.of(), "", "", eps("b", "a"))));
    assertThat(m.nodes()).extracting(Endpoint::address).containsExactly("a", "a", "b", "c");
  }

  @Test
  void buildErrorsCarryThanosMessages() {
    assertThatThrownBy(
            () ->
                MultiHashring.create(
                    HashringAlgorithm.HASHMOD,
                    2,
                    List.of(
                        HashringConfig.of(List.of(Endpoint.of("a", "1"), Endpoint.of("b", "2"))))))
        .isInstanceOf(InvalidHashringException.class)
        .hasMessage(HashmodHashring.AZ_NOT_SUPPORTED);
    ShuffleShardingConfig shard = new ShuffleShardingConfig(2, 0, false, List.of());
    assertThatThrownBy(
            () ->
                MultiHashring.create(
                    HashringAlgorithm.HASHMOD,
                    1,
                    List.of(
                        new HashringConfig(
                            "h", List.of(), "", eps("a", "b"), "", Map.of(), shard))))
        .isInstanceOf(InvalidHashringException.class)
        .hasMessage(
            "hashmod algorithm does not support shuffle sharding. Either use Ketama or remove"
                + " shuffle sharding configuration");
    ShuffleShardingConfig big = new ShuffleShardingConfig(3, 0, false, List.of());
    assertThatThrownBy(
            () ->
                MultiHashring.create(
                    HashringAlgorithm.KETAMA,
                    1,
                    List.of(
                        new HashringConfig("k", List.of(), "", eps("a", "b"), "", Map.of(), big))))
        .isInstanceOf(InvalidHashringException.class)
        .hasMessage("shard size 3 is larger than number of nodes in hashring k (2)");
    assertThatThrownBy(
            () ->
                MultiHashring.create(
                    HashringAlgorithm.KETAMA, 3, List.of(HashringConfig.of(eps("a", "b")))))
        .isInstanceOf(InvalidHashringException.class)
        .hasMessage("ketama: amount of endpoints needs to be larger than replication factor");
  }

  @Test
  void aHashmodRingWithoutEndpointsFailsOnLookup() throws Exception {
    MultiHashring m =
        MultiHashring.create(HashringAlgorithm.HASHMOD, 1, List.of(HashringConfig.of(List.of())));
    assertThatThrownBy(() -> m.get("t", 1))
        .isInstanceOf(InsufficientEndpointsException.class)
        .hasMessage("insufficient nodes; have 0, want 1");
  }

  @Test
  void forTenantPlacesLikeGetN() throws Exception {
    ShuffleShardingConfig shard = new ShuffleShardingConfig(2, 0, true, List.of());
    MultiHashring m =
        MultiHashring.create(
            HashringAlgorithm.KETAMA,
            2,
            List.of(
                new HashringConfig(
                    "k", List.of("a"), "", eps("n1", "n2", "n3", "n4"), "", Map.of(), shard),
                HashringConfig.of(eps("d1", "d2"))));
    for (String tenant : List.of("a", "b")) {
      Hashring ring = m.forTenant(tenant);
      for (int i = 0; i < 500; i++) {
        long h = SeriesHasher.hashOf(tenant, "i", String.valueOf(i));
        assertThat(ring.getN(tenant, h, 1)).isEqualTo(m.getN(tenant, h, 1));
      }
    }
    assertThat(m.forTenant("a")).isInstanceOf(KetamaHashring.class);
    assertThat(m.forTenant("a").nodes()).hasSize(2);
  }
}
