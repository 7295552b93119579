// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.testing.MutableClock;
import org.junit.jupiter.api.Test;

class HeadOptionsTest {
  private final MutableClock clock = new MutableClock(0);

  @Test
  void defaultsToPrometheusTwoHoursAnd120SamplesWithoutFutureCheckOrPrefix() {
    HeadOptions o = HeadOptions.defaults(clock);
    assertThat(o.chunkRangeMs()).isEqualTo(7_200_000L);
    assertThat(o.samplesPerChunk()).isEqualTo(120);
    assertThat(o.tooFarInFutureMs()).isZero();
    assertThat(o.clock()).isSameAs(clock);
    assertThat(o.hashPrefix()).isEmpty();
  }

  @Test
  void copiesTheHashPrefixInAndOut() {
    byte[] prefix = {'t', (byte) 0xFF};
    HeadOptions o = HeadOptions.defaults(clock).withHashPrefix(prefix);
    prefix[0] = 'x';
    assertThat(o.hashPrefix()).containsExactly('t', 0xFF);
    o.hashPrefix()[0] = 'y';
    assertThat(o.hashPrefix()).containsExactly('t', 0xFF);
    assertThat(o).isEqualTo(HeadOptions.defaults(clock).withHashPrefix(new byte[] {'t', -1}));
    assertThat(o).hasSameHashCodeAs(HeadOptions.defaults(clock).withHashPrefix(o.hashPrefix()));
  }

  @Test
  void rejectsNonsensicalValuesNamingThem() {
    assertThatThrownBy(() -> new HeadOptions(0, 120, 0, clock, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chunkRangeMs");
    assertThatThrownBy(() -> new HeadOptions(1, 0, 0, clock, new byte[0]))
        .hasMessageContaining("samplesPerChunk");
    assertThatThrownBy(() -> new HeadOptions(1, 40_000, 0, clock, new byte[0]))
        .hasMessageContaining("samplesPerChunk");
    assertThatThrownBy(() -> new HeadOptions(1, 120, -1, clock, new byte[0]))
        .hasMessageContaining("tooFarInFutureMs");
    assertThatThrownBy(() -> new HeadOptions(1, 120, 0, null, new byte[0]))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void outOfOrderIngestionIsOffByDefaultAndItsWindowAndCapacityAreValidated() {
    HeadOptions d = HeadOptions.defaults(clock);
    assertThat(d.oooTimeWindowMs()).isZero();
    assertThat(d.oooCapMax()).isEqualTo(32);
    HeadOptions o = d.withOutOfOrder(600_000, 255);
    assertThat(o.oooTimeWindowMs()).isEqualTo(600_000);
    assertThat(o.oooCapMax()).isEqualTo(255);
    assertThat(o).isNotEqualTo(d);
    assertThat(o.withHashPrefix(new byte[] {1}).oooTimeWindowMs()).isEqualTo(600_000);
    assertThatThrownBy(() -> d.withOutOfOrder(-1, 32)).hasMessageContaining("oooTimeWindowMs");
    assertThatThrownBy(() -> d.withOutOfOrder(0, 0)).hasMessageContaining("oooCapMax");
    assertThatThrownBy(() -> d.withOutOfOrder(0, 256)).hasMessageContaining("oooCapMax");
  }
}
