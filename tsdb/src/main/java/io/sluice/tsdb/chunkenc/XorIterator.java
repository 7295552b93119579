// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.encoding.Varint;
import java.util.Objects;

/**
 * Decodes the samples of an XOR chunk ({@link XorChunkFormat}) in order.
 *
 * <p>Usage: {@code while (it.next()) use(it.timestamp(), it.valueBits());}. The sample count comes
 * from the header; trailing bytes beyond the last sample (Prometheus' spill byte) are ignored.
 * Reads the array in place and allocates nothing per sample. Not thread-safe.
 */
public final class XorIterator {
  private byte[] data;
  private long bitPos;
  private long bitEnd;
  private int total;
  private int read;
  private long t;
  private long tDelta;
  private long v;
  private int leading;
  private int trailing;

  XorIterator(byte[] data, int off, int len) {
    reset(data, off, len);
  }

  /**
   * Restarts this iterator on other chunk bytes, so one iterator can decode many chunks.
   *
   * @throws MalformedChunkException if the range is shorter than the header
   * @throws IndexOutOfBoundsException if the range is not inside {@code data}
   */
  public void reset(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    if (len < XorChunkFormat.HEADER_SIZE) {
      throw new MalformedChunkException("XOR chunk of " + len + " bytes has no sample count");
    }
    this.data = data;
    this.total = ((data[off] & 0xFF) << 8) | (data[off + 1] & 0xFF);
    this.bitPos = (long) (off + XorChunkFormat.HEADER_SIZE) << 3;
    this.bitEnd = (long) (off + len) << 3;
    this.read = 0;
    this.t = 0;
    this.tDelta = 0;
    this.v = 0;
    this.leading = 0;
    this.trailing = 0;
  }

  /** Number of samples the chunk header declares. */
  public int numSamples() {
    return total;
  }

  /**
   * Advances to the next sample.
   *
   * @return false when all samples have been read
   * @throws MalformedChunkException if the bytes end early or hold impossible fields
   */
  public boolean next() {
    if (read >= total) {
      return false;
    }
    if (read == 0) {
      t = Varint.unzigzag(readUvarint());
      v = readBits(64);
    } else if (read == 1) {
      tDelta = readUvarint();
      t += tDelta;
      readValue();
    } else {
      int prefix = 0;
      for (int i = 0; i < 4; i++) {
        prefix <<= 1;
        if (readBits(1) == 0) {
          break;
        }
        prefix |= 1;
      }
      long dod = 0;
      switch (prefix) {
        case 0b0 -> {}
        case 0b10 -> dod = readSigned(14);
        case 0b110 -> dod = readSigned(17);
        case 0b1110 -> dod = readSigned(20);
        default -> dod = readBits(64);
      }
      tDelta += dod;
      t += tDelta;
      readValue();
    }
    read++;
    return true;
  }

  /** Timestamp in ms of the current sample. */
  public long timestamp() {
    return t;
  }

  /** Raw IEEE-754 bits of the current sample's value. */
  public long valueBits() {
    return v;
  }

  private long readSigned(int n) {
    long bits = readBits(n);
    if (bits > (1L << (n - 1))) {
      bits -= 1L << n;
    }
    return bits;
  }

  private void readValue() {
    if (readBits(1) == 0) {
      return;
    }
    if (readBits(1) != 0) {
      leading = (int) readBits(5);
      int sig = (int) readBits(6);
      if (sig == 0) {
        sig = 64;
      }
      trailing = 64 - leading - sig;
      if (trailing < 0) {
        throw new MalformedChunkException(
            "XOR chunk sample " + read + ": " + leading + " leading + " + sig + " bits > 64");
      }
    }
    int sig = 64 - leading - trailing;
    v ^= readBits(sig) << trailing;
  }

  // The timestamp fields start on a byte boundary: after the 2-byte header, and after the first
  // timestamp's whole bytes and the first value's 64 bits.
  private long readUvarint() {
    int at = (int) (bitPos >>> 3);
    int n = Varint.uvarintLength(data, at, (int) (bitEnd >>> 3));
    if (n == Varint.TRUNCATED) {
      throw new MalformedChunkException(
          "XOR chunk ends early: sample " + read + " of " + total + " needs more bits");
    }
    if (n < 0) {
      throw new MalformedChunkException(
          "XOR chunk sample " + read + ": varint does not fit in 64 bits");
    }
    bitPos += 8L * n;
    return Varint.uvarint(data, at);
  }

  // Reads n (1..64) bits MSB first.
  private long readBits(int n) {
    if (bitPos + n > bitEnd) {
      throw new MalformedChunkException(
          "XOR chunk ends early: sample " + read + " of " + total + " needs more bits");
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
}
