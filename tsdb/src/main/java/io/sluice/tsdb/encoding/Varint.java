// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.encoding;

/**
 * LEB128 integers as Go's {@code encoding/binary} writes and reads them, which every Prometheus
 * file format uses: WAL records, index, chunk segments, tombstones and the XOR chunk header.
 *
 * <pre>
 * uvarint = *( %x80-FF ) %x00-7F    ; 7 bits per byte, least significant group first; a set high
 *                                   ; bit means another byte follows; at most 10 bytes for 64 bits,
 *                                   ; the 10th at most %x01
 * varint  = uvarint( (v &lt;&lt; 1) ^ (v &gt;&gt; 63) )   ; zigzag: 0, -1, 1, -2 … → 0, 1, 2, 3 …
 * </pre>
 *
 * <p>Reading is two steps, so that no call allocates or throws: {@link #uvarintLength} checks the
 * bytes as Go's {@code binary.Uvarint} does (non-minimal encodings such as {@code 80 00} are
 * accepted; a uvarint that has not ended after 10 bytes, or whose 10th byte is above {@code 01},
 * overflows) and tells the caller how far to move; {@link #uvarint} then decodes the checked bytes.
 * Each reader turns a bad length into its own exception.
 *
 * <p>Stateless and thread-safe.
 */
public final class Varint {
  /** Most bytes of a 64-bit uvarint or varint. */
  public static final int MAX_LEN = 10;

  /** {@link #uvarintLength}: the bytes end before the last byte of the uvarint. */
  public static final int TRUNCATED = 0;

  private Varint() {}

  /**
   * Writes {@code v} as a uvarint at {@code b[off]}; the caller ensures room for {@link
   * #uvarintSize}{@code (v)} (at most {@value #MAX_LEN}) bytes.
   *
   * @return the offset after the written bytes
   */
  public static int putUvarint(byte[] b, int off, long v) {
    while ((v & ~0x7FL) != 0) {
      b[off++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[off++] = (byte) v;
    return off;
  }

  /**
   * Writes {@code v} as a zigzag varint at {@code b[off]}; the caller ensures room for {@value
   * #MAX_LEN} bytes.
   *
   * @return the offset after the written bytes
   */
  public static int putVarint(byte[] b, int off, long v) {
    return putUvarint(b, off, zigzag(v));
  }

  /**
   * Byte {@code i} ({@code 0 <= i < uvarintSize(v)}) of the uvarint of {@code v}, for writers that
   * emit one byte at a time (the XOR chunk's bit stream); the same bytes as {@link #putUvarint}.
   */
  public static int uvarintByte(long v, int i) {
    long rest = v >>> (7 * i);
    return (rest & ~0x7FL) != 0 ? (int) ((rest & 0x7F) | 0x80) : (int) rest;
  }

  /** Bytes of the uvarint of {@code v}: 1 to {@value #MAX_LEN}. */
  public static int uvarintSize(long v) {
    // 1 + floor((bit length - 1) / 7), with 0 taking one byte.
    return 1 + (63 - Long.numberOfLeadingZeros(v | 1)) / 7;
  }

  /** Zigzag: maps signed to unsigned so that small magnitudes stay small (0, -1, 1 → 0, 1, 2). */
  public static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  /** The inverse of {@link #zigzag}. */
  public static long unzigzag(long u) {
    return (u >>> 1) ^ -(u & 1);
  }

  /**
   * Checks the uvarint at {@code b[off, end)} as Go's {@code binary.Uvarint}.
   *
   * @return {@code n > 0}, its length in bytes; {@link #TRUNCATED} (0) if {@code end} comes first;
   *     {@code -n} if it does not fit in 64 bits, which byte {@code n} (the 10th) shows
   */
  public static int uvarintLength(byte[] b, int off, int end) {
    int max = Math.min(end - off, MAX_LEN);
    for (int i = 0; i < max; i++) {
      int c = b[off + i] & 0xFF;
      if (c < 0x80) {
        return i == MAX_LEN - 1 && c > 1 ? -MAX_LEN : i + 1;
      }
    }
    return max == MAX_LEN ? -MAX_LEN : TRUNCATED;
  }

  /** The value of the uvarint at {@code b[off]}, whose length {@link #uvarintLength} checked. */
  public static long uvarint(byte[] b, int off) {
    long x = 0;
    int shift = 0;
    while (true) {
      int c = b[off++];
      if (c >= 0) {
        return x | ((long) c << shift);
      }
      x |= (long) (c & 0x7F) << shift;
      shift += 7;
    }
  }

  /**
   * The value of the zigzag varint at {@code b[off]}, whose length {@link #uvarintLength} checked.
   */
  public static long varint(byte[] b, int off) {
    return unzigzag(uvarint(b, off));
  }
}
