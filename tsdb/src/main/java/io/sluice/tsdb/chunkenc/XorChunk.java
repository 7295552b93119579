// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import java.util.Arrays;

/**
 * A growable XOR chunk (encoding 1) with its appender state, byte-identical to Prometheus' {@code
 * XORChunk} written in one pass, including the spill byte (see {@link XorChunkFormat}).
 *
 * <p>Values are raw IEEE-754 bits and are stored bit-exactly: NaN payloads such as the stale marker
 * {@code 0x7ff0000000000002} survive. Timestamps are milliseconds; the chunk does not check their
 * order, the head does.
 *
 * <p>Not thread-safe: the owner serializes {@link #append} and {@link #bytes}. Appending allocates
 * only when the internal array grows.
 */
public final class XorChunk {
  private static final int INITIAL_CAPACITY = 128;
  // Bytes one append may add at most: 68 bits of dod + 77 bits of XOR + spill, or 10 + 8 + 2.
  private static final int MAX_APPEND_BYTES = 24;
  private static final int NO_WINDOW = 0xFF;

  private byte[] buf;
  private int len;
  // Free bits in the last byte (0..8), Prometheus' bstream "count".
  private int free;
  private int numSamples;
  private long t;
  private long tDelta;
  private long v;
  private int leading = NO_WINDOW;
  private int trailing;

  /** Creates an empty chunk. */
  public XorChunk() {
    buf = new byte[INITIAL_CAPACITY];
    len = XorChunkFormat.HEADER_SIZE;
  }

  /**
   * Appends a sample.
   *
   * @param t timestamp in milliseconds
   * @param valueBits raw IEEE-754 bits of the value ({@link Double#doubleToRawLongBits})
   * @throws IllegalStateException if the chunk already holds {@link XorChunkFormat#MAX_SAMPLES}
   */
  public void append(long t, long valueBits) {
    int n = numSamples;
    if (n == XorChunkFormat.MAX_SAMPLES) {
      throw new IllegalStateException("XOR chunk is full: " + n + " samples");
    }
    if (len + MAX_APPEND_BYTES > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(len + MAX_APPEND_BYTES, buf.length + (buf.length >> 1)));
    }
    if (n == 0) {
      writeUvarintBytes((t << 1) ^ (t >> 63));
      writeBits(valueBits, 64);
    } else if (n == 1) {
      long delta = t - this.t;
      writeUvarintBytes(delta);
      writeValue(valueBits);
      tDelta = delta;
    } else {
      long delta = t - this.t;
      long dod = delta - tDelta;
      if (dod == 0) {
        writeFewBits(0, 1);
      } else if (dod >= -8191 && dod <= 8192) {
        writeFewBits(0b10, 2);
        writeBits(dod, 14);
      } else if (dod >= -65535 && dod <= 65536) {
        writeFewBits(0b110, 3);
        writeBits(dod, 17);
      } else if (dod >= -524287 && dod <= 524288) {
        writeFewBits(0b1110, 4);
        writeBits(dod, 20);
      } else {
        writeFewBits(0b1111, 4);
        writeBits(dod, 64);
      }
      writeValue(valueBits);
      tDelta = delta;
    }
    this.t = t;
    this.v = valueBits;
    numSamples = ++n;
    buf[0] = (byte) (n >>> 8);
    buf[1] = (byte) n;
  }

  /** Number of samples appended since creation or the last {@link #reset}. */
  public int numSamples() {
    return numSamples;
  }

  /** Timestamp of the last sample in ms; undefined when the chunk is empty. */
  public long lastTimestamp() {
    return t;
  }

  /** Raw value bits of the last sample; undefined when the chunk is empty. */
  public long lastValueBits() {
    return v;
  }

  /** Current size of the chunk bytes, as {@link #bytes()} would return them. */
  public int sizeBytes() {
    return len;
  }

  /** Returns a new array with the chunk bytes exactly as Prometheus' {@code Bytes()} would. */
  public byte[] bytes() {
    return Arrays.copyOf(buf, len);
  }

  /** Empties the chunk, keeping its internal array for reuse. */
  public void reset() {
    buf[0] = 0;
    buf[1] = 0;
    len = XorChunkFormat.HEADER_SIZE;
    free = 0;
    numSamples = 0;
    t = 0;
    tDelta = 0;
    v = 0;
    leading = NO_WINDOW;
    trailing = 0;
  }

  /**
   * Returns an iterator over XOR chunk bytes. The iterator reads {@code data} in place; the caller
   * must not change that range while iterating.
   *
   * @throws CorruptChunkException if the range is shorter than the header
   */
  public static XorIterator iterator(byte[] data, int off, int len) {
    return new XorIterator(data, off, len);
  }

  private void writeValue(long valueBits) {
    long x = valueBits ^ v;
    if (x == 0) {
      writeFewBits(0, 1);
      return;
    }
    int lead = Math.min(Long.numberOfLeadingZeros(x), 31);
    int trail = Long.numberOfTrailingZeros(x);
    if (leading != NO_WINDOW && lead >= leading && trail >= trailing) {
      writeFewBits(0b10, 2);
      writeBits(x >>> trailing, 64 - leading - trailing);
    } else {
      leading = lead;
      trailing = trail;
      int sig = 64 - lead - trail;
      // "11", 5 bits of leading zeros and 6 bits of significant bits (64 wraps to 0): 13 bits.
      writeBits((0b11L << 11) | ((long) lead << 6) | (sig & 0x3F), 13);
      writeBits(x >>> trail, sig);
    }
  }

  private void writeUvarintBytes(long x) {
    while ((x & ~0x7FL) != 0) {
      writeByte((int) ((x & 0x7F) | 0x80));
      x >>>= 7;
    }
    writeByte((int) x);
  }

  /**
   * Writes the low {@code nbits} (1..64) of {@code u} as Prometheus' {@code bstream.writeBits}
   * does: whole bytes first, each through {@link #writeByte}, then the remaining bits.
   */
  private void writeBits(long u, int nbits) {
    u <<= 64 - nbits;
    while (nbits >= 8) {
      writeByte((int) (u >>> 56));
      u <<= 8;
      nbits -= 8;
    }
    if (nbits > 0) {
      writeFewBits((int) (u >>> (64 - nbits)), nbits);
    }
  }

  // Prometheus' writeByte always appends a byte, which is the spill byte when aligned.
  private void writeByte(int b) {
    if (free == 0) {
      buf[len++] = 0;
      free = 8;
    }
    buf[len - 1] |= (byte) (b >>> (8 - free));
    buf[len++] = (byte) (b << free);
  }

  // Same as nbits (1..8) single-bit writes: fills the last byte, then starts one new byte.
  private void writeFewBits(int bits, int nbits) {
    if (free == 0) {
      buf[len++] = 0;
      free = 8;
    }
    if (nbits <= free) {
      free -= nbits;
      buf[len - 1] |= (byte) (bits << free);
    } else {
      int rest = nbits - free;
      buf[len - 1] |= (byte) (bits >>> rest);
      buf[len++] = (byte) (bits << (8 - rest));
      free = 8 - rest;
    }
  }
}
