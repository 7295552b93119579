// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.labels.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class KetamaHashringTest extends HashringContract {
  @Override
  HashringAlgorithm algorithm() {
    return HashringAlgorithm.KETAMA;
  }

  @Override
  Hashring create(List<Endpoint> endpoints, int sectionsPerNode, int replicationFactor)
      throws InvalidHashringException {
    return KetamaHashring.create(endpoints, sectionsPerNode, replicationFactor);
  }

  @Override
  boolean consistent() {
    return true;
  }

  @Override
  boolean supportsAvailabilityZones() {
    return true;
  }

  @Test
  void aSeriesFindsTheFirstPointAtOrAboveItsHashAsABinarySearchWould() throws Exception {
    java.util.Random random = new java.util.Random(5);
    for (int[] shape : new int[][] {{1, 1}, {1, 10}, {3, 1000}, {7, 1000}, {40, 1000}}) {
      List<Endpoint> eps = new java.util.ArrayList<>();
      for (int e = 0; e < shape[0]; e++) {
        eps.add(Endpoint.of("node-" + e + ":10901"));
      }
      KetamaHashring ring = KetamaHashring.create(eps, shape[1], 1);
      long[] probes = new long[20_000];
      for (int i = 0; i < probes.length; i++) {
        probes[i] = random.nextLong();
      }
      // The points themselves, their neighbours and the ends of the unsigned range.
      for (int p = 0; p < ring.pointCount() && p < 5000; p++) {
        probes[3 * p % probes.length] = ring.pointHash(p);
        probes[(3 * p + 1) % probes.length] = ring.pointHash(p) + 1;
        probes[(3 * p + 2) % probes.length] = ring.pointHash(p) - 1;
      }
      probes[0] = 0;
      probes[1] = -1;
      probes[2] = Long.MIN_VALUE;
      probes[3] = Long.MAX_VALUE;
      for (long h : probes) {
        assertThat(ring.point(h)).as("hash %x", h).isEqualTo(firstPointAtOrAbove(ring, h));
      }
    }
  }

  // Go's sort.Search over the unsigned point hashes, wrapping to point 0.
  private static int firstPointAtOrAbove(KetamaHashring ring, long h) {
    int lo = 0;
    int hi = ring.pointCount();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(ring.pointHash(mid), h) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == ring.pointCount() ? 0 : lo;
  }

  @Test
  void ringPointHashesAreTheGoldenValues() {
    for (String[] r : Golden.rows("thanos-v0.42/point-hash.tsv")) {
      byte[] key = Golden.text(r[0]).getBytes(StandardCharsets.UTF_8);
      assertThat(HexFormat.of().toHexDigits(XxHash64.hash(key, 0, key.length)))
          .as(r[0])
          .isEqualTo(r[1]);
    }
  }

  @Test
  void oneEndpointCannotHoldTwoReplicas() {
    assertThatThrownBy(() -> KetamaHashring.create(List.of(Endpoint.of("node-1")), 1, 2))
        .isInstanceOf(InvalidHashringException.class)
        .hasMessage("ketama: amount of endpoints needs to be larger than replication factor");
  }

  @Test
  void zonesThatCannotHoldTheReplicasEvenlyFailInsteadOfLooping() {
    // Thanos never finishes building this ring: after a and one b the rule skips every b.
    List<Endpoint> eps =
        List.of(
            Endpoint.of("a", "x"),
            Endpoint.of("b1", "y"),
            Endpoint.of("b2", "y"),
            Endpoint.of("b3", "y"));
    assertThatThrownBy(() -> KetamaHashring.create(eps, 10, 4))
        .isInstanceOf(InvalidHashringException.class)
        .hasMessageContaining("cannot hold 4 replicas");
  }

  @Test
  void replicaIndexesBeyondTheReplicationFactorAreRejected() throws Exception {
    KetamaHashring ring = KetamaHashring.create(endpoints("a", "b", "c"), 2);
    assertThatThrownBy(() -> ring.getN("t", 1, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nodesAreInFileOrder() throws Exception {
    assertThat(KetamaHashring.create(endpoints("c", "a", "b"), 1).nodes())
        .extracting(Endpoint::address)
        .containsExactly("c", "a", "b");
  }

  @Test
  void aHashAboveTheLastPointWrapsToTheFirst() throws Exception {
    KetamaHashring ring = KetamaHashring.create(endpoints("a", "b", "c"), 10, 1);
    assertThat(ring.point(-1L)).isZero(); // 2^64-1: above every point, unsigned
    assertThat(ring.point(0)).isZero();
    assertThat(ring.point(ring.pointHash(5))).isEqualTo(5);
    assertThat(ring.point(ring.pointHash(5) + 1)).isEqualTo(6);
  }

  @Test
  void seriesSpreadEvenlyOverEndpoints() throws Exception {
    // A case of Thanos' TestKetamaHashringEvenNodeSpread: within 10% of the optimum.
    String[] zones = {"1", "2", "3", "2", "1", "3"};
    List<Endpoint> eps = new java.util.ArrayList<>();
    for (int i = 0; i < zones.length; i++) {
      eps.add(Endpoint.of(String.valueOf((char) ('a' + i)), zones[i]));
    }
    KetamaHashring ring = KetamaHashring.create(eps, 3);
    java.util.Map<String, Integer> spread = new java.util.HashMap<>();
    int series = 10_000;
    for (int i = 0; i < series; i++) {
      long h = SeriesHasher.hashOf("default-tenant", "foo", String.valueOf(i));
      for (int n = 0; n < 3; n++) {
        spread.merge(ring.getN("default-tenant", h, n).address(), 1, Integer::sum);
      }
    }
    int optimal = series * 3 / eps.size();
    assertThat(spread.values())
        .allSatisfy(c -> assertThat(Math.abs(c - optimal)).isLessThan(optimal / 10));
  }
}
