// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.HashmodHashring;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.KetamaHashring;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalShareTest {
  private static final List<Endpoint> THREE =
      List.of(Endpoint.of("a:10901"), Endpoint.of("b:10901"), Endpoint.of("c:10901"));

  @Test
  void aHashmodNodeHoldsOneNthOfTheSeriesPerReplica() throws Exception {
    Hashring ring = HashmodHashring.create(THREE);
    assertThat(LocalShare.of(ring, "t", "b:10901", 1)).isCloseTo(1 / 3.0, within(0.02));
    assertThat(LocalShare.of(ring, "t", "b:10901", 2)).isCloseTo(2 / 3.0, within(0.02));
    assertThat(LocalShare.of(ring, "t", "b:10901", 3)).isEqualTo(1.0);
  }

  @Test
  void aKetamaRingSharesAboutEvenly() throws Exception {
    Hashring ring = KetamaHashring.create(THREE, 1);
    double a = LocalShare.of(ring, "t", "a:10901", 1);
    double b = LocalShare.of(ring, "t", "b:10901", 1);
    double c = LocalShare.of(ring, "t", "c:10901", 1);
    assertThat(a + b + c).isCloseTo(1.0, within(1e-9));
    assertThat(a).isCloseTo(1 / 3.0, within(0.08));
  }

  @Test
  void aNodeOutsideTheRingHoldsNothing() throws Exception {
    assertThat(LocalShare.of(HashmodHashring.create(THREE), "t", "d:10901", 1)).isZero();
  }

  @Test
  void isUnknownWhenTheRingCannotPlaceEveryReplica() throws Exception {
    assertThat(LocalShare.of(HashmodHashring.create(THREE.subList(0, 1)), "t", "a:10901", 2))
        .isNull();
  }
}
