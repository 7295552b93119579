// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import java.util.Arrays;

/**
 * A growable MSB-first bit stream that makes exactly the calls of Prometheus' {@code bstream}
 * ({@code tsdb/chunkenc/bstream.go}): {@link #writeByte} always appends the next byte, and {@link
 * #writeBits} writes whole bytes first and then single bits, so a stream that ends on a byte
 * boundary after a whole-byte write carries the same spill byte as Prometheus'.
 *
 * <p>Used by the histogram chunks, whose appends are not on the float hot path; the XOR chunk keeps
 * its own inlined copy of these rules ({@link XorAppender}). Not thread-safe.
 */
final class BitWriter {
  private byte[] buf;
  private int len;
  // Free bits in the last byte (0..8), bstream's "count".
  private int free;

  /** A stream that starts with {@code headerBytes} zero bytes, all of them full. */
  BitWriter(int headerBytes, int capacity) {
    buf = new byte[Math.max(headerBytes, capacity)];
    len = headerBytes;
  }

  /** The backing array; only its first {@link #length()} bytes are the stream. */
  byte[] array() {
    return buf;
  }

  /** Number of bytes in the stream, the spill byte included. */
  int length() {
    return len;
  }

  /** A copy of the stream's bytes. */
  byte[] toBytes() {
    return Arrays.copyOf(buf, len);
  }

  void writeBit(boolean one) {
    if (free == 0) {
      append(0);
      free = 8;
    }
    if (one) {
      buf[len - 1] |= (byte) (1 << (free - 1));
    }
    free--;
  }

  void writeByte(int b) {
    if (free == 0) {
      append(0);
      free = 8;
    }
    buf[len - 1] |= (byte) ((b & 0xFF) >>> (8 - free));
    append((b << free) & 0xFF);
  }

  /** Writes the low {@code nbits} (1..64) of {@code u}, most significant first. */
  void writeBits(long u, int nbits) {
    u <<= 64 - nbits;
    while (nbits >= 8) {
      writeByte((int) (u >>> 56));
      u <<= 8;
      nbits -= 8;
    }
    while (nbits > 0) {
      writeBit(u < 0);
      u <<= 1;
      nbits--;
    }
  }

  /**
   * Gorilla-encodes {@code newBits} against {@code curBits} as Prometheus' {@code xorWrite} does
   * and returns the new window as {@code leading << 8 | trailing}; leading 0xff means no window.
   */
  int xorWrite(long newBits, long curBits, int leading, int trailing) {
    long delta = newBits ^ curBits;
    if (delta == 0) {
      writeBit(false);
      return leading << 8 | trailing;
    }
    writeBit(true);
    int newLeading = Math.min(Long.numberOfLeadingZeros(delta), 31);
    int newTrailing = Long.numberOfTrailingZeros(delta);
    if (leading != 0xFF && newLeading >= leading && newTrailing >= trailing) {
      writeBit(false);
      writeBits(delta >>> trailing, 64 - leading - trailing);
      return leading << 8 | trailing;
    }
    writeBit(true);
    writeBits(newLeading, 5);
    int sig = 64 - newLeading - newTrailing;
    // 64 significant bits do not fit in 6 bits; they are written as 0.
    writeBits(sig, 6);
    writeBits(delta >>> newTrailing, sig);
    return newLeading << 8 | newTrailing;
  }

  private void append(int b) {
    if (len == buf.length) {
      buf = Arrays.copyOf(buf, buf.length + (buf.length >> 1) + 8);
    }
    buf[len++] = (byte) b;
  }
}
