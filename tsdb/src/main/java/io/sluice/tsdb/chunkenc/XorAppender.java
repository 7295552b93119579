// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.encoding.Varint;
import java.util.Arrays;

/**
 * The state and encoder of one growable XOR chunk (encoding 1), byte-identical to Prometheus'
 * {@code XORChunk} written in one pass, including the spill byte (see {@link XorChunkFormat}), as a
 * base class whose operations are all {@code protected}.
 *
 * <p>It exists for memory: a class that owns exactly one open chunk at a time (the head's series)
 * extends it and so holds the chunk's fields itself instead of a reference to a separate chunk
 * object, which saves an object header, a reference and padding per owner. The fields are packed
 * (the sample count as a {@code char}, bit positions as {@code byte}s), and the buffer is allocated
 * on the first append, starting small ({@value #INITIAL_CAPACITY} bytes) and growing by half; after
 * {@link #xorReset()} it is reused, so an owner that cuts chunk after chunk allocates nothing but
 * the closed chunks' copies once its buffer has reached its usual size. {@link XorChunk} is the
 * public, stand-alone form.
 *
 * <p>Values are raw IEEE-754 bits and are stored bit-exactly: NaN payloads such as the stale marker
 * {@code 0x7ff0000000000002} survive. Timestamps are milliseconds; the chunk does not check their
 * order, the owner does. Not thread-safe: the owner serializes every call.
 */
public abstract class XorAppender {
  /** Size of the buffer allocated by the first append when none was given. */
  static final int INITIAL_CAPACITY = 32;

  // Bytes one append may add at most: 68 bits of dod + 77 bits of XOR + spill, or 10 + 8 + 2.
  private static final int MAX_APPEND_BYTES = 24;
  private static final byte NO_WINDOW = (byte) 0xFF;

  // null until the first append and after xorRelease(); then len >= HEADER_SIZE.
  private byte[] buf;
  private int len;
  private long t;
  private long tDelta;
  private long v;
  private char numSamples;
  // Free bits in the last byte (0..8), Prometheus' bstream "count".
  private byte free;
  private byte leading = NO_WINDOW;
  private byte trailing;

  /** An empty chunk without a buffer. */
  protected XorAppender() {}

  /** An empty chunk with a buffer of {@code initialCapacity} bytes (at least the header). */
  protected XorAppender(int initialCapacity) {
    buf = new byte[Math.max(initialCapacity, XorChunkFormat.HEADER_SIZE)];
    len = XorChunkFormat.HEADER_SIZE;
  }

  /**
   * Appends a sample.
   *
   * @param t timestamp in milliseconds
   * @param valueBits raw IEEE-754 bits of the value ({@link Double#doubleToRawLongBits})
   * @throws IllegalStateException if the chunk already holds {@link XorChunkFormat#MAX_SAMPLES}
   */
  protected final void xorAppend(long t, long valueBits) {
    int n = numSamples;
    if (n == XorChunkFormat.MAX_SAMPLES) {
      throw new IllegalStateException("XOR chunk is full: " + n + " samples");
    }
    byte[] b = buf;
    if (b == null || len + MAX_APPEND_BYTES > b.length) {
      b = grow();
    }
    if (n == 0) {
      writeUvarintBytes(Varint.zigzag(t));
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
    numSamples = (char) ++n;
    b = buf;
    b[0] = (byte) (n >>> 8);
    b[1] = (byte) n;
  }

  private byte[] grow() {
    byte[] b = buf;
    if (b == null) {
      b = new byte[INITIAL_CAPACITY];
      len = XorChunkFormat.HEADER_SIZE;
    } else {
      b = Arrays.copyOf(b, Math.max(len + MAX_APPEND_BYTES, b.length + (b.length >> 1)));
    }
    buf = b;
    return b;
  }

  /** Number of samples appended since creation or the last reset. */
  protected final int xorNumSamples() {
    return numSamples;
  }

  /** Timestamp of the last sample in ms; undefined when the chunk is empty. */
  protected final long xorLastTimestamp() {
    return t;
  }

  /** Raw value bits of the last sample; undefined when the chunk is empty. */
  protected final long xorLastValueBits() {
    return v;
  }

  /** Current size of the chunk bytes, as {@link #xorBytes()} would return them. */
  protected final int xorSizeBytes() {
    return buf == null ? XorChunkFormat.HEADER_SIZE : len;
  }

  /** Returns a new array with the chunk bytes exactly as Prometheus' {@code Bytes()} would. */
  protected final byte[] xorBytes() {
    return buf == null ? new byte[XorChunkFormat.HEADER_SIZE] : Arrays.copyOf(buf, len);
  }

  /**
   * Reads the bytes an append writes first and last (the sample count and the current end), and
   * returns something of them: the caller only wants them in the CPU cache, see {@code
   * Head.appendReplayed} of a batch.
   */
  protected final int xorTouch() {
    // May run without the owner's lock, racing an append: never trust buf and len to match.
    byte[] b = buf;
    int l = len;
    return b == null || l <= 0 || l > b.length ? 0 : b[0] + b[l - 1];
  }

  /** Empties the chunk, keeping its buffer for reuse. */
  protected final void xorReset() {
    if (buf != null) {
      buf[0] = 0;
      buf[1] = 0;
      len = XorChunkFormat.HEADER_SIZE;
    }
    clearState();
  }

  /** Empties the chunk and drops its buffer; the next append allocates a small one. */
  protected final void xorRelease() {
    buf = null;
    len = 0;
    clearState();
  }

  private void clearState() {
    free = 0;
    numSamples = 0;
    t = 0;
    tDelta = 0;
    v = 0;
    leading = NO_WINDOW;
    trailing = 0;
  }

  private void writeValue(long valueBits) {
    long x = valueBits ^ v;
    if (x == 0) {
      writeFewBits(0, 1);
      return;
    }
    int lead = Math.min(Long.numberOfLeadingZeros(x), 31);
    int trail = Long.numberOfTrailingZeros(x);
    int curLeading = leading;
    int curTrailing = trailing;
    if (curLeading != NO_WINDOW && lead >= curLeading && trail >= curTrailing) {
      writeFewBits(0b10, 2);
      writeBits(x >>> curTrailing, 64 - curLeading - curTrailing);
    } else {
      leading = (byte) lead;
      trailing = (byte) trail;
      int sig = 64 - lead - trail;
      // "11", 5 bits of leading zeros and 6 bits of significant bits (64 wraps to 0): 13 bits.
      writeBits((0b11L << 11) | ((long) lead << 6) | (sig & 0x3F), 13);
      writeBits(x >>> trail, sig);
    }
  }

  private void writeUvarintBytes(long x) {
    for (int i = 0, n = Varint.uvarintSize(x); i < n; i++) {
      writeByte(Varint.uvarintByte(x, i));
    }
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
    byte[] bb = buf;
    int f = free;
    if (f == 0) {
      bb[len++] = 0;
      f = 8;
      free = 8;
    }
    bb[len - 1] |= (byte) (b >>> (8 - f));
    bb[len++] = (byte) (b << f);
  }

  // Same as nbits (1..8) single-bit writes: fills the last byte, then starts one new byte.
  private void writeFewBits(int bits, int nbits) {
    byte[] bb = buf;
    int f = free;
    if (f == 0) {
      bb[len++] = 0;
      f = 8;
    }
    if (nbits <= f) {
      f -= nbits;
      bb[len - 1] |= (byte) (bits << f);
    } else {
      int rest = nbits - f;
      bb[len - 1] |= (byte) (bits >>> rest);
      bb[len++] = (byte) (bits << (8 - rest));
      f = 8 - rest;
    }
    free = (byte) f;
  }
}
