// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

/**
 * How much of the heap live data takes, as {@link MemoryAdmission} sees it. {@link GcLiveHeap}
 * reads the JVM's collectors; tests use a fake they set.
 */
public interface LiveHeap {
  /**
   * Bytes of live data as of the last collection that could tell (see {@link GcLiveHeap}); an upper
   * bound that goes down only when a collection has freed memory.
   */
  long liveBytes();

  /** The most heap the JVM may use, in bytes ({@link Runtime#maxMemory()}). */
  long maxBytes();

  /** Runs a full collection, so that {@link #liveBytes()} is exact; returns once it is done. */
  void collect();
}
