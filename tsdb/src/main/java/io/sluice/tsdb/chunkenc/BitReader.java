// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

/**
 * Reads an MSB-first bit stream written by {@link BitWriter} (Prometheus' {@code bstreamReader}).
 * Reading past the end throws {@link MalformedChunkException} naming {@code what}. Not thread-safe.
 */
final class BitReader {
  private final byte[] data;
  private final String what;
  private long bitPos;
  private final long bitEnd;

  BitReader(byte[] data, int off, int len, String what) {
    this.data = data;
    this.what = what;
    this.bitPos = (long) off << 3;
    this.bitEnd = (long) (off + len) << 3;
  }

  boolean readBit() {
    return readBits(1) != 0;
  }

  /** Reads {@code n} (1..64) bits, most significant first. */
  long readBits(int n) {
    if (bitPos + n > bitEnd) {
      throw new MalformedChunkException(what + " ends early");
    }
    long result = 0;
    int remaining = n;
    while (remaining > 0) {
      int index = (int) (bitPos >>> 3);
      int used = (int) (bitPos & 7);
      int avail = 8 - used;
      int take = Math.min(avail, remaining);
      int bits = ((data[index] & 0xFF) >>> (avail - take)) & ((1 << take) - 1);
      result = (result << take) | bits;
      remaining -= take;
      bitPos += take;
    }
    return result;
  }

  /**
   * Reads one Gorilla-encoded value against {@code curBits} (Prometheus' {@code xorRead}); {@code
   * window} holds {leading, trailing} and is updated.
   */
  long xorRead(long curBits, int[] window, int at) {
    if (!readBit()) {
      return curBits;
    }
    int leading;
    int sig;
    if (!readBit()) {
      leading = window[at];
      sig = 64 - leading - window[at + 1];
    } else {
      leading = (int) readBits(5);
      sig = (int) readBits(6);
      if (sig == 0) {
        sig = 64;
      }
      if (leading + sig > 64) {
        throw new MalformedChunkException(what + ": " + leading + " leading + " + sig + " bits");
      }
      window[at] = leading;
      window[at + 1] = 64 - leading - sig;
    }
    if (sig <= 0) {
      throw new MalformedChunkException(what + ": XOR value without a window");
    }
    return curBits ^ (readBits(sig) << window[at + 1]);
  }

  /** Reads a value written by {@link Varbit#putInt}. */
  long readVarbitInt() {
    int size = Varbit.size(readPrefix());
    if (size == 64) {
      return readBits(64);
    }
    if (size == 0) {
      return 0;
    }
    long bits = readBits(size);
    if (bits > (1L << (size - 1))) {
      bits -= 1L << size;
    }
    return bits;
  }

  /** Reads a value written by {@link Varbit#putUint}. */
  long readVarbitUint() {
    int size = Varbit.size(readPrefix());
    return size == 0 ? 0 : readBits(size);
  }

  // Up to 8 one bits, ended by the first zero bit.
  private int readPrefix() {
    int d = 0;
    for (int i = 0; i < 8; i++) {
      d <<= 1;
      if (!readBit()) {
        break;
      }
      d |= 1;
    }
    return d;
  }
}
