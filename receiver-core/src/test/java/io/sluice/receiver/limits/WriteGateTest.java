// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The concurrent-request gate: waits in order, hands slots over, resizes at a reload. */
class WriteGateTest {
  private final List<String> granted = new ArrayList<>();

  private WriteGate.Waiter acquire(WriteGate g, String name) {
    return g.acquire(() -> granted.add(name));
  }

  @Test
  void letsMaxRequestsInAndHandsFreedSlotsToWaitersInOrder() {
    WriteGate g = new WriteGate(2);
    assertThat(acquire(g, "a")).isNull();
    assertThat(acquire(g, "b")).isNull();
    assertThat(acquire(g, "c")).isNotNull();
    assertThat(acquire(g, "d")).isNotNull();
    assertThat(g.inFlight()).isEqualTo(2);
    assertThat(g.waiting()).isEqualTo(2);
    g.release();
    assertThat(granted).containsExactly("c");
    assertThat(g.inFlight()).isEqualTo(2);
    g.release();
    g.release();
    assertThat(granted).containsExactly("c", "d");
    assertThat(g.inFlight()).isEqualTo(1);
    assertThat(g.total()).isEqualTo(4);
  }

  @Test
  void aCancelledWaiterIsSkipped() {
    WriteGate g = new WriteGate(1);
    acquire(g, "a");
    WriteGate.Waiter b = acquire(g, "b");
    acquire(g, "c");
    assertThat(g.cancel(b)).isTrue();
    g.release();
    assertThat(granted).containsExactly("c");
    assertThat(g.cancel(b)).isFalse();
  }

  @Test
  void aWaiterAlreadyGrantedCannotBeCancelled() {
    WriteGate g = new WriteGate(1);
    acquire(g, "a");
    WriteGate.Waiter b = acquire(g, "b");
    g.release();
    assertThat(g.cancel(b)).isFalse();
    assertThat(g.inFlight()).isEqualTo(1);
  }

  @Test
  void raisingOrRemovingTheMaximumLetsWaitersIn() {
    WriteGate g = new WriteGate(1);
    acquire(g, "a");
    acquire(g, "b");
    acquire(g, "c");
    acquire(g, "d");
    g.setMax(2);
    assertThat(granted).containsExactly("b");
    g.setMax(0);
    assertThat(granted).containsExactly("b", "c", "d");
    assertThat(g.inFlight()).isEqualTo(4);
  }

  @Test
  void countsSlotsWhileOffSoThatTurningItOnIsExact() {
    WriteGate g = new WriteGate(0);
    assertThat(acquire(g, "a")).isNull();
    assertThat(acquire(g, "b")).isNull();
    g.setMax(2);
    assertThat(acquire(g, "c")).isNotNull();
    g.release();
    assertThat(granted).containsExactly("c");
  }

  @Test
  void releasingMoreThanWasTakenIsABug() {
    WriteGate g = new WriteGate(1);
    assertThatThrownBy(g::release).isInstanceOf(IllegalStateException.class);
  }
}
