// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

/**
 * What one rule made of a value lately: every rule's outcome is a function of the joined source
 * value (or of a label name, for the actions on names), and those repeat from series to series
 * (every series of a request shares {@code cluster}, most share {@code job}), while an RE2/J match
 * costs microseconds. Direct-mapped: a value takes the slot of the one there; values longer than
 * {@value #MAX_KEY} characters are not remembered. Not thread-safe: it lives in a {@link
 * LabelsBuilder}.
 */
final class RuleMemo {
  private static final int SLOTS = 256;
  private static final int MAX_KEY = 256;

  private final String[] keys = new String[SLOTS];
  private final Object[] results = new Object[SLOTS];

  /** {@return what was remembered for {@code key}, or null} */
  Object get(String key) {
    int slot = slot(key);
    String k = keys[slot];
    return k != null && (k == key || k.equals(key)) ? results[slot] : null;
  }

  /** Remembers {@code result} (not null) for {@code key}. */
  void put(String key, Object result) {
    if (key.length() <= MAX_KEY) {
      int slot = slot(key);
      keys[slot] = key;
      results[slot] = result;
    }
  }

  private static int slot(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }
}
