// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.HashringAlgorithm;
import io.sluice.hashring.HashringConfig;
import io.sluice.hashring.MultiHashring;
import io.sluice.hashring.ShuffleShardingConfig;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The estimate of a tenant's active series, summed over its ring's receivers as Thanos'
 * meta-monitoring query does, from this receiver's head alone: local series × nodes of the tenant's
 * ring.
 */
class LocalActiveSeriesTest {
  private static final String SELF = "10.0.0.1:10901";

  private static List<Endpoint> endpoints(int n) {
    return java.util.stream.IntStream.range(1, n + 1)
        .mapToObj(i -> Endpoint.of("10.0.0." + i + ":10901"))
        .toList();
  }

  private static MultiHashring ring(HashringAlgorithm algorithm, int rf, HashringConfig... c)
      throws Exception {
    return MultiHashring.create(algorithm, rf, List.of(c));
  }

  static Stream<Arguments> estimates() throws Exception {
    // A tenant "acme" on its own ring of two nodes (this one and .5), everybody else on three.
    MultiHashring split =
        ring(
            HashringAlgorithm.HASHMOD,
            1,
            new HashringConfig(
                "acme",
                List.of("acme"),
                "",
                List.of(Endpoint.of(SELF), Endpoint.of("10.0.0.5:10901")),
                "",
                Map.of(),
                null),
            HashringConfig.of(endpoints(3)));
    MultiHashring elsewhere =
        ring(
            HashringAlgorithm.HASHMOD,
            1,
            new HashringConfig(
                "acme", List.of("acme"), "", endpoints(4).subList(1, 3), "", Map.of(), null));
    MultiHashring sharded =
        ring(
            HashringAlgorithm.KETAMA,
            1,
            new HashringConfig(
                "",
                List.of(),
                "",
                endpoints(6),
                "",
                Map.of(),
                new ShuffleShardingConfig(2, 0, true, List.of())));
    List<Endpoint> shard = sharded.forTenant("t").nodes();
    String inShard = shard.get(0).address();
    String outOfShard =
        endpoints(6).stream().filter(e -> !shard.contains(e)).findFirst().orElseThrow().address();
    return Stream.of(
        // no ring: an ingestor is a ring of itself
        Arguments.of("ingestor only", null, SELF, "t", 40L, 40L),
        Arguments.of("ingestor only, tenant not here yet", null, SELF, "t", 0L, 0L),
        // RF=1 over 3 nodes: each holds a third; RF=3: each holds all, the sum counts 3 replicas
        Arguments.of(
            "hashmod of 3, RF 1", ring(HashringAlgorithm.HASHMOD, 1, cfg(3)), SELF, "t", 40L, 120L),
        Arguments.of(
            "ketama of 3, RF 3", ring(HashringAlgorithm.KETAMA, 3, cfg(3)), SELF, "t", 40L, 120L),
        Arguments.of(
            "ketama of 5, RF 3", ring(HashringAlgorithm.KETAMA, 3, cfg(5)), SELF, "t", 24L, 120L),
        Arguments.of("the tenant's own ring of 2", split, SELF, "acme", 40L, 80L),
        Arguments.of("the default ring of 3", split, SELF, "other", 40L, 120L),
        Arguments.of("this node not in the tenant's ring", elsewhere, SELF, "acme", 40L, -1L),
        Arguments.of("no ring for the tenant", elsewhere, SELF, "other", 40L, -1L),
        Arguments.of("in the tenant's shard of 2 out of 6", sharded, inShard, "t", 40L, 80L),
        Arguments.of("not in the tenant's shard", sharded, outOfShard, "t", 40L, -1L));
  }

  private static HashringConfig cfg(int nodes) {
    return HashringConfig.of(endpoints(nodes));
  }

  @ParameterizedTest(name = "{0}: local {4} -> {5}")
  @MethodSource("estimates")
  void estimatesTheTenantWideCountFromTheLocalHead(
      String name, MultiHashring ring, String self, String tenant, long local, long want) {
    LocalActiveSeries a =
        new LocalActiveSeries(
            t -> t.equals(tenant) ? local : 0, ring == null ? null : () -> ring, self);
    assertThat(a.of(tenant)).isEqualTo(want);
  }
}
