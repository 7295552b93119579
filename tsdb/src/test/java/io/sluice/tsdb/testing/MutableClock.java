// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.testing;

import java.time.Instant;
import java.time.InstantSource;

/** An {@link InstantSource} whose time the test sets. Thread-safe. */
public final class MutableClock implements InstantSource {
  private volatile long millis;

  /** Starts at {@code millis} ms since the epoch. */
  public MutableClock(long millis) {
    this.millis = millis;
  }

  /** Sets the current time in ms. */
  public void set(long millis) {
    this.millis = millis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }
}
