// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

/**
 * A heap whose live bytes a test sets; {@link #collect()} counts calls and, if told to, lowers the
 * figure to what a full collection would find.
 */
final class FakeHeap implements LiveHeap {
  volatile long live;
  final long max;
  volatile long liveAfterCollect = -1;
  int collections;

  FakeHeap(long max) {
    this.max = max;
  }

  /** Sets the live share of the heap. */
  FakeHeap at(double ratio) {
    live = (long) (ratio * max);
    return this;
  }

  @Override
  public long liveBytes() {
    return live;
  }

  @Override
  public long maxBytes() {
    return max;
  }

  @Override
  public synchronized void collect() {
    collections++;
    if (liveAfterCollect >= 0) {
      live = liveAfterCollect;
    }
  }
}
