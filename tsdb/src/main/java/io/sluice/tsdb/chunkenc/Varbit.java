// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

/**
 * Prometheus' varbit integer encoding of histogram chunks ({@code tsdb/chunkenc/varbit.go}): a
 * prefix of ones ended by a zero selects the payload size. Signed values use the asymmetric range
 * -(2<sup>n-1</sup> - 1) .. 2<sup>n-1</sup> of n bits; unsigned values 0 .. 2<sup>n</sup> - 1.
 *
 * <pre>
 * "0"                 value 0
 * "10"       + 3 bits
 * "110"      + 6 bits
 * "1110"     + 9 bits
 * "11110"    + 12 bits
 * "111110"   + 18 bits
 * "1111110"  + 25 bits
 * "11111110" + 56 bits
 * "11111111" + 64 bits
 * </pre>
 */
final class Varbit {
  private static final int[] SIZES = {3, 6, 9, 12, 18, 25, 56};

  private Varbit() {}

  static void putInt(BitWriter b, long v) {
    if (v == 0) {
      b.writeBit(false);
      return;
    }
    for (int i = 0; i < SIZES.length; i++) {
      int n = SIZES[i];
      if (-((1L << (n - 1)) - 1) <= v && v <= 1L << (n - 1)) {
        b.writeBits(prefix(i), i + 2);
        b.writeBits(v, n);
        return;
      }
    }
    b.writeBits(0xFF, 8);
    b.writeBits(v, 64);
  }

  static void putUint(BitWriter b, long v) {
    if (v == 0) {
      b.writeBit(false);
      return;
    }
    for (int i = 0; i < SIZES.length; i++) {
      int n = SIZES[i];
      if (Long.numberOfLeadingZeros(v) >= 64 - n) {
        b.writeBits(prefix(i), i + 2);
        b.writeBits(v, n);
        return;
      }
    }
    b.writeBits(0xFF, 8);
    b.writeBits(v, 64);
  }

  // i + 1 ones and a zero: 0b10, 0b110, ...
  private static long prefix(int i) {
    return ((1L << (i + 1)) - 1) << 1;
  }

  /** Payload size of a prefix read as its bits (0b0, 0b10, ...); 64 for eight ones. */
  static int size(int prefix) {
    return switch (prefix) {
      case 0b0 -> 0;
      case 0b10 -> 3;
      case 0b110 -> 6;
      case 0b1110 -> 9;
      case 0b11110 -> 12;
      case 0b111110 -> 18;
      case 0b1111110 -> 25;
      case 0b11111110 -> 56;
      case 0b11111111 -> 64;
      default ->
          throw new MalformedChunkException(
              "invalid varbit prefix " + Integer.toBinaryString(prefix));
    };
  }
}
