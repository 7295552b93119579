// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HashmodHashringTest extends HashringContract {
  @Override
  HashringAlgorithm algorithm() {
    return HashringAlgorithm.HASHMOD;
  }

  @Override
  Hashring create(List<Endpoint> endpoints, int sectionsPerNode, int replicationFactor)
      throws InvalidHashringException {
    return HashmodHashring.create(endpoints);
  }

  @Override
  boolean consistent() {
    return false;
  }

  @Override
  boolean supportsAvailabilityZones() {
    return false;
  }

  @Test
  void rejectsAvailabilityZonesWithThanosMessage() {
    assertThatThrownBy(
            () -> HashmodHashring.create(List.of(Endpoint.of("a", "1"), Endpoint.of("b", "2"))))
        .isInstanceOf(InvalidHashringException.class)
        .hasMessage(
            "Hashmod algorithm does not support AZ aware hashring configuration. Either use Ketama"
                + " or remove AZ configuration.");
  }

  @Test
  void sortsEndpointsByUtf8BytesNotUtf16() throws Exception {
    // String.compareTo puts U+1F600 (surrogate 0xD83D) before U+FF61; Go's byte order does not:
    // U+FF61 is EF BD A1 and U+1F600 is F0 9F 98 80.
    HashmodHashring ring = HashmodHashring.create(endpoints("\uD83D\uDE00", "\uFF61", "a"));
    assertThat(ring.nodes())
        .extracting(Endpoint::address)
        .containsExactly("a", "\uFF61", "\uD83D\uDE00");
  }

  @Test
  void addsTheReplicaIndexWithUnsignedWrapAround() throws Exception {
    HashmodHashring ring = HashmodHashring.create(endpoints("a", "b", "c"));
    // -1 is 2^64-1 = 0 mod 3; + 1 wraps to 0 = 0 mod 3: Go's uint64 arithmetic.
    assertThat(ring.getN("t", -1L, 0).address()).isEqualTo("a");
    assertThat(ring.getN("t", -1L, 1).address()).isEqualTo("a");
    assertThat(ring.getN("t", -1L, 2).address()).isEqualTo("b");
  }

  @Test
  void addingAnEndpointMovesSeriesBetweenOldEndpoints() throws Exception {
    // Why Thanos recommends ketama: with hashmod most series change endpoint.
    Hashring a = create(endpoints("node-1", "node-2", "node-3"), 1);
    Hashring b = create(endpoints("node-1", "node-2", "node-3", "node-4"), 1);
    int movedBetweenOld = 0;
    for (long h : series(1000, "tenant")) {
      String before = a.get("tenant", h).address();
      String after = b.get("tenant", h).address();
      if (!after.equals("node-4") && !after.equals(before)) {
        movedBetweenOld++;
      }
    }
    assertThat(movedBetweenOld).isGreaterThan(300);
  }
}
