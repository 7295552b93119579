// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * Writes the snappy framing format (the stream format Go's {@code snappy.NewBufferedWriter} writes,
 * and so Thanos' gRPC {@code snappy} compressor): the stream identifier chunk {@code ff 06 00 00
 * "sNaPpY"}, then one chunk per 65,536 bytes of input — type {@code 00} (compressed) or {@code 01}
 * (stored, when compressing saves less than an eighth, as Go decides), a 3-byte little-endian
 * length, the masked CRC-32C of the uncompressed bytes, the data.
 *
 * <p>Unlike snappy-java's framed stream it allocates nothing per stream beyond the object itself:
 * its input, output and checksum buffers belong to the thread (a forward worker compresses one
 * message at a time). A full block written in one call is compressed straight from the caller's
 * array. Not thread-safe; write and close it on the thread that opened it.
 */
final class FramedSnappyOutput extends OutputStream {
  /** Uncompressed bytes per chunk, the format's maximum. */
  static final int BLOCK = 65_536;

  static final byte[] STREAM_IDENTIFIER = {
    (byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'
  };

  private static final int CHUNK_HEADER = 8;
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private static final class Buffers {
    final byte[] in = new byte[BLOCK];
    final byte[] out = new byte[CHUNK_HEADER + Snappy.maxCompressedLength(BLOCK)];
    final CRC32C crc = new CRC32C();
    boolean inUse;
  }

  private final OutputStream target;
  private final Buffers buffers;
  private int pending;
  private boolean started;
  private boolean closed;

  FramedSnappyOutput(OutputStream target) {
    this.target = target;
    Buffers b = BUFFERS.get();
    if (b.inUse) {
      b = new Buffers(); // a second stream open on this thread: it gets its own
    }
    b.inUse = true;
    this.buffers = b;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (len > 0) {
      if (pending == 0 && len >= BLOCK) {
        chunk(b, off, BLOCK);
        off += BLOCK;
        len -= BLOCK;
        continue;
      }
      int n = Math.min(len, BLOCK - pending);
      System.arraycopy(b, off, buffers.in, pending, n);
      pending += n;
      off += n;
      len -= n;
      if (pending == BLOCK) {
        chunk(buffers.in, 0, BLOCK);
        pending = 0;
      }
    }
  }

  /** Writes what is buffered as a (short) chunk. */
  @Override
  public void flush() throws IOException {
    if (pending > 0) {
      chunk(buffers.in, 0, pending);
      pending = 0;
    }
    target.flush();
  }

  /**
   * Writes the last chunk (and the stream identifier, for an empty stream) and closes the target.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      if (pending > 0) {
        chunk(buffers.in, 0, pending);
        pending = 0;
      } else if (!started) {
        start();
      }
    } finally {
      closed = true;
      buffers.inUse = false;
      target.close();
    }
  }

  private void start() throws IOException {
    target.write(STREAM_IDENTIFIER);
    started = true;
  }

  private void chunk(byte[] src, int off, int len) throws IOException {
    if (!started) {
      start();
    }
    CRC32C crc = buffers.crc;
    crc.reset();
    crc.update(src, off, len);
    int masked = mask((int) crc.getValue());
    byte[] out = buffers.out;
    int compressed = Snappy.rawCompress(src, off, len, out, CHUNK_HEADER);
    if (compressed < len - len / 8) {
      header(out, 0x00, compressed, masked);
      target.write(out, 0, CHUNK_HEADER + compressed);
    } else {
      header(out, 0x01, len, masked);
      target.write(out, 0, CHUNK_HEADER);
      target.write(src, off, len);
    }
  }

  private static void header(byte[] out, int type, int dataLength, int maskedCrc) {
    int length = dataLength + 4;
    out[0] = (byte) type;
    out[1] = (byte) length;
    out[2] = (byte) (length >>> 8);
    out[3] = (byte) (length >>> 16);
    out[4] = (byte) maskedCrc;
    out[5] = (byte) (maskedCrc >>> 8);
    out[6] = (byte) (maskedCrc >>> 16);
    out[7] = (byte) (maskedCrc >>> 24);
  }

  /** The framing format's checksum mask: rotate right by 15, add {@code 0xa282ead8}. */
  static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }
}
