// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small pool of byte arrays for request messages, so that a receiver that is forwarded to does
 * not allocate (and collect) an array of every message's size per call. At most {@code maxBuffers}
 * arrays of at most {@code maxBytes} each are kept: larger messages get an array of their own that
 * is dropped after the call, and the pool never holds more than {@code maxBuffers * maxBytes}.
 * Thread-safe.
 */
final class MessageBuffers {
  private static final int SMALLEST = 64 << 10;

  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int maxBuffers;
  private final int maxBytes;

  MessageBuffers(int maxBuffers, int maxBytes) {
    this.maxBuffers = maxBuffers;
    this.maxBytes = maxBytes;
  }

  /** {@return an array of at least {@code length} bytes, from the pool if one is there} */
  byte[] take(int length) {
    byte[] b = free.poll();
    if (b != null) {
      size.decrementAndGet();
      if (b.length >= length) {
        return b;
      }
    }
    // Too small ones are dropped: the pool converges on arrays of the usual message size.
    return new byte[Math.max(length, SMALLEST)];
  }

  /** Returns an array to the pool, unless it is null, too large or the pool is full. */
  void give(byte[] b) {
    if (b == null || b.length > maxBytes) {
      return;
    }
    if (size.incrementAndGet() > maxBuffers) {
      size.decrementAndGet();
      return;
    }
    free.offer(b);
  }

  /** {@return the number of arrays in the pool} */
  int pooled() {
    return size.get();
  }
}
