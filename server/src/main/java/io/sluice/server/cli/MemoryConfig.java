// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import io.sluice.receiver.admission.MemoryLimits;
import java.util.Objects;

/**
 * The memory back-pressure flags (Sluice only).
 *
 * @param limits {@code --receive.memory.new-series-limit} and {@code
 *     --receive.memory.writes-limit}: fractions of the maximum heap live data may take
 * @param maxInflightBodyBytes {@code --remote-write.max-inflight-body-bytes}: the request bodies
 *     the remote-write listener holds at once; {@link #AUTO} for {@value #AUTO_HEAP_DIVISOR}th of
 *     the maximum heap, 0 for no limit
 */
public record MemoryConfig(MemoryLimits limits, long maxInflightBodyBytes) {
  /** {@link #maxInflightBodyBytes} that follows the heap. */
  public static final long AUTO = -1;

  /** The automatic body budget is the maximum heap divided by this. */
  public static final int AUTO_HEAP_DIVISOR = 32;

  /** Sluice's defaults: {@link MemoryLimits#DEFAULT} and an automatic body budget. */
  public static final MemoryConfig DEFAULT = new MemoryConfig(MemoryLimits.DEFAULT, AUTO);

  public MemoryConfig {
    Objects.requireNonNull(limits, "limits");
    if (maxInflightBodyBytes < AUTO) {
      throw new IllegalArgumentException(
          "maxInflightBodyBytes must be >= 0 or AUTO: " + maxInflightBodyBytes);
    }
  }

  /** {@return the body budget in bytes for a heap of {@code maxHeapBytes}; MAX_VALUE for none} */
  public long bodyBudgetBytes(long maxHeapBytes) {
    if (maxInflightBodyBytes == AUTO) {
      return Math.max(1 << 20, maxHeapBytes / AUTO_HEAP_DIVISOR);
    }
    return maxInflightBodyBytes == 0 ? Long.MAX_VALUE : maxInflightBodyBytes;
  }
}
