// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread, from the HotSpot thread MX bean. */
final class Allocations {
  private Allocations() {}

  static long currentThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
