// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import java.util.Arrays;

/**
 * What one rule made of a value lately: every rule's outcome is a function of the joined source
 * value (or of a label name, for the actions on names), and those repeat from series to series
 * (every series of a request shares {@code cluster}, most share {@code job}), while an RE2/J match
 * costs microseconds. An open-addressing table of up to {@value #MAX_ENTRIES} values: all of them
 * are remembered until it is full, then it starts over, so values that take turns (the metric names
 * of a target's series, say) never evict each other while they fit; values longer than {@value
 * #MAX_KEY} characters are not remembered. Not thread-safe: it lives in a {@link LabelsBuilder}.
 */
final class RuleMemo {
  /** Values remembered before the table starts over. */
  static final int MAX_ENTRIES = 512;

  private static final int SLOTS = 2 * MAX_ENTRIES;
  private static final int MAX_KEY = 256;

  private final String[] keys = new String[SLOTS];
  private final Object[] results = new Object[SLOTS];
  private int size;

  /** {@return what was remembered for {@code key}, or null} */
  Object get(String key) {
    for (int slot = slot(key); ; slot = (slot + 1) & (SLOTS - 1)) {
      String k = keys[slot];
      if (k == null) {
        return null;
      }
      if (k == key || k.equals(key)) {
        return results[slot];
      }
    }
  }

  /** Remembers {@code result} (not null) for {@code key}, which is not remembered yet. */
  void put(String key, Object result) {
    if (key.length() > MAX_KEY) {
      return;
    }
    if (size == MAX_ENTRIES) {
      Arrays.fill(keys, null);
      Arrays.fill(results, null);
      size = 0;
    }
    int slot = slot(key);
    while (keys[slot] != null) {
      slot = (slot + 1) & (SLOTS - 1);
    }
    keys[slot] = key;
    results[slot] = result;
    size++;
  }

  private static int slot(String key) {
    int h = key.hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }
}
