// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class GcLiveHeapTest {
  private static final int MIB = 1 << 20;

  // Reachable until the test drops it.
  private static byte[][] retained;

  @Test
  void seesWhatACollectionKeepsAndWhatItFrees() throws Exception {
    Semaphore collections = new Semaphore(0);
    try (GcLiveHeap heap = new GcLiveHeap()) {
      heap.start(collections::release);
      collectAndWait(collections);
      long before = heap.liveBytes();
      retained = new byte[64][];
      for (int i = 0; i < retained.length; i++) {
        retained[i] = new byte[MIB];
      }
      collectAndWait(collections);
      long holding = heap.liveBytes();
      assertThat(holding - before).isGreaterThanOrEqualTo(60L * MIB);
      assertThat(holding).isLessThanOrEqualTo(heap.maxBytes());
      retained = null;
      collectAndWait(collections);
      assertThat(holding - heap.liveBytes()).isGreaterThanOrEqualTo(60L * MIB);
    }
  }

  private static void collectAndWait(Semaphore collections) throws InterruptedException {
    collections.drainPermits();
    System.gc();
    assertThat(collections.tryAcquire(30, TimeUnit.SECONDS)).as("a GC notification").isTrue();
    // A full collection may be reported by more than one collector; let them all arrive.
    while (collections.tryAcquire(200, TimeUnit.MILLISECONDS)) {
      // drain
    }
  }

  @Test
  void leavesEdenOutAndKeepsPoolsACollectionDoesNotReport() {
    Assumptions.assumeTrue(
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .anyMatch(p -> p.getName().equals("G1 Old Gen")),
        "the tests run on G1");
    GcLiveHeap heap = new GcLiveHeap();
    heap.record(Map.of("G1 Eden Space", usage(100 * MIB), "G1 Old Gen", usage(30 * MIB)));
    heap.record(Map.of("G1 Survivor Space", usage(2 * MIB)));
    long live = heap.liveBytes();
    heap.record(Map.of("G1 Eden Space", usage(0)));
    assertThat(heap.liveBytes()).isEqualTo(live);
    assertThat(live).isGreaterThanOrEqualTo(32L * MIB).isLessThan(100L * MIB);
  }

  private static MemoryUsage usage(long used) {
    return new MemoryUsage(0, used, used, -1);
  }
}
