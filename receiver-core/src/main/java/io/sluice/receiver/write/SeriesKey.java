// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.decode.WriteBatch;

/**
 * Builds a series' hash input from a decoded request: {@code prefix} (the tenant's {@code
 * UTF-8(tenant) 0xFF}), then for each label {@code name 0xFF value 0xFF} in request order. This is
 * Thanos' {@code HashWithPrefix} layout, so its xxHash64 is Thanos' placement hash; the part after
 * the prefix is the head's series key ({@code io.sluice.tsdb.labels.Labels} key format).
 *
 * <p>Stateless; allocation-free when {@code dst} is large enough.
 */
public final class SeriesKey {
  private SeriesKey() {}

  /** Bytes {@link #write} needs for series {@code s} after a prefix of {@code prefixLength}. */
  public static int length(WriteBatch batch, int s, int prefixLength) {
    return length(batch, s, prefixLength, -1);
  }

  /** As {@link #length(WriteBatch, int, int)}, leaving label {@code skip} out (-1: none). */
  public static int length(WriteBatch batch, int s, int prefixLength, int skip) {
    int need = prefixLength;
    for (int i = 0, n = batch.labelCount(s); i < n; i++) {
      if (i == skip) {
        continue;
      }
      need += batch.labelNameLength(s, i) + batch.labelValueLength(s, i) + 2;
    }
    return need;
  }

  /**
   * Writes the prefix and series {@code s}'s labels into {@code dst} from index 0.
   *
   * @return the number of bytes written
   * @throws IndexOutOfBoundsException when {@code dst} is shorter than {@link #length}
   */
  public static int write(WriteBatch batch, int s, byte[] prefix, byte[] dst) {
    return write(batch, s, prefix, dst, -1);
  }

  /** As {@link #write(WriteBatch, int, byte[], byte[])}, leaving label {@code skip} out. */
  public static int write(WriteBatch batch, int s, byte[] prefix, byte[] dst, int skip) {
    return write(batch, s, prefix, dst, 0, skip);
  }

  /**
   * As {@link #write(WriteBatch, int, byte[], byte[], int)}, from index {@code at} of {@code dst}.
   *
   * @return the number of bytes written
   */
  public static int write(WriteBatch batch, int s, byte[] prefix, byte[] dst, int at, int skip) {
    byte[] buf = batch.buffer();
    System.arraycopy(prefix, 0, dst, at, prefix.length);
    int p = at + prefix.length;
    for (int i = 0, n = batch.labelCount(s); i < n; i++) {
      if (i == skip) {
        continue;
      }
      int len = batch.labelNameLength(s, i);
      System.arraycopy(buf, batch.labelNameOffset(s, i), dst, p, len);
      p += len;
      dst[p++] = (byte) 0xFF;
      len = batch.labelValueLength(s, i);
      System.arraycopy(buf, batch.labelValueOffset(s, i), dst, p, len);
      p += len;
      dst[p++] = (byte) 0xFF;
    }
    return p - at;
  }
}
