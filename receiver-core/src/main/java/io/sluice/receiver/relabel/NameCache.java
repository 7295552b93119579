// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Label names (or the label values rules read) decoded from UTF-8 bytes, remembered: names repeat
 * in every series and the values rules look at mostly do, so relabelling decodes each once instead
 * of once per series. Direct-mapped (a new name takes its slot from the one there), bounded to
 * {@value #SLOTS} names of at most {@value #MAX_CACHED} bytes. Not thread-safe.
 */
final class NameCache {
  private static final int SLOTS = 1024;
  private static final int MAX_CACHED = 128;

  private final byte[][] keys = new byte[SLOTS][];
  private final String[] names = new String[SLOTS];

  String decode(byte[] buf, int off, int len) {
    if (len > MAX_CACHED) {
      return new String(buf, off, len, StandardCharsets.UTF_8);
    }
    int h = 0x811c9dc5;
    for (int i = off, end = off + len; i < end; i++) {
      h = (h ^ buf[i]) * 0x01000193;
    }
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    byte[] k = keys[slot];
    if (k != null && Arrays.equals(k, 0, k.length, buf, off, off + len)) {
      return names[slot];
    }
    String s = new String(buf, off, len, StandardCharsets.UTF_8);
    keys[slot] = Arrays.copyOfRange(buf, off, off + len);
    names[slot] = s;
    return s;
  }
}
