// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * Reads the snappy framing format (what Go's {@code snappy.NewReader} reads, and so what Thanos'
 * gRPC {@code snappy} decompressor accepts): the stream identifier {@code ff 06 00 00 "sNaPpY"}
 * (first, and again anywhere), compressed ({@code 00}) and stored ({@code 01}) chunks of at most
 * 65,536 uncompressed bytes, each checked against its masked CRC-32C, padding ({@code fe}) and
 * skippable ({@code 80}–{@code fd}) chunks skipped, and any other chunk type an error.
 *
 * <p>A read that has room for a whole chunk gets it decompressed straight into the caller's array,
 * so that a reader which reads a message into its own buffer in large reads (the Writeable
 * server's) copies each byte once: the compressed chunk into a scratch array, then the decompressed
 * bytes into place. Smaller reads go through an internal 64 KiB buffer. The scratch arrays belong
 * to the stream and are allocated on first use. Not thread-safe.
 */
final class FramedSnappyInput extends InputStream {
  private static final int MAX_BLOCK = FramedSnappyOutput.BLOCK;
  // Go's reader: a compressed chunk may not be larger than what the format's writer can emit.
  private static final int MAX_CHUNK = 4 + Snappy.maxCompressedLength(MAX_BLOCK);

  private final InputStream in;
  private final byte[] header = new byte[4];
  private final CRC32C crc = new CRC32C();
  private byte[] chunk = new byte[0];
  private byte[] block;
  private int blockPos;
  private int blockEnd;
  private boolean sawIdentifier;
  private boolean eof;

  FramedSnappyInput(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (blockPos == blockEnd) {
      if (eof) {
        return -1;
      }
      int direct = nextChunk(b, off, len);
      if (direct > 0) {
        return direct;
      }
    }
    int n = Math.min(len, blockEnd - blockPos);
    System.arraycopy(block, blockPos, b, off, n);
    blockPos += n;
    return n;
  }

  @Override
  public int available() {
    return blockEnd - blockPos;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  // Reads the next chunk. Data goes into b[off..] when it fits there (returns its length), else
  // into the internal block (returns 0). Returns 0 at the end of the stream, setting eof.
  private int nextChunk(byte[] b, int off, int len) throws IOException {
    int got = in.readNBytes(header, 0, 4);
    if (got == 0) {
      eof = true;
      return 0;
    }
    if (got < 4) {
      throw new EOFException("snappy: truncated chunk header");
    }
    int type = header[0] & 0xff;
    int length = (header[1] & 0xff) | (header[2] & 0xff) << 8 | (header[3] & 0xff) << 16;
    if (type == 0xff) {
      if (length != 6) {
        throw new IOException("snappy: corrupt input: bad stream identifier");
      }
      readChunk(length);
      if (!isIdentifier(chunk)) {
        throw new IOException("snappy: corrupt input: bad stream identifier");
      }
      sawIdentifier = true;
      return 0;
    }
    if (!sawIdentifier) {
      throw new IOException("snappy: corrupt input: missing stream identifier");
    }
    if (type == 0x00 || type == 0x01) {
      if (length < 4 || length > MAX_CHUNK) {
        throw new IOException("snappy: corrupt input: chunk length " + length);
      }
      readChunk(length);
      int expected =
          (chunk[0] & 0xff)
              | (chunk[1] & 0xff) << 8
              | (chunk[2] & 0xff) << 16
              | (chunk[3] & 0xff) << 24;
      byte[] dst;
      int dstOff;
      int n;
      if (type == 0x00) {
        n = Snappy.uncompressedLength(chunk, 4, length - 4);
        if (n > MAX_BLOCK) {
          throw new IOException("snappy: corrupt input: decoded block of " + n + " bytes");
        }
        boolean fits = n <= len;
        dst = fits ? b : block();
        dstOff = fits ? off : 0;
        if (Snappy.rawUncompress(chunk, 4, length - 4, dst, dstOff) != n) {
          throw new IOException("snappy: corrupt input");
        }
      } else {
        n = length - 4;
        if (n > MAX_BLOCK) {
          throw new IOException("snappy: corrupt input: stored block of " + n + " bytes");
        }
        boolean fits = n <= len;
        dst = fits ? b : block();
        dstOff = fits ? off : 0;
        System.arraycopy(chunk, 4, dst, dstOff, n);
      }
      crc.reset();
      crc.update(dst, dstOff, n);
      if (FramedSnappyOutput.mask((int) crc.getValue()) != expected) {
        throw new IOException("snappy: corrupt input: checksum mismatch");
      }
      if (dst == b) {
        return n;
      }
      blockPos = 0;
      blockEnd = n;
      return 0;
    }
    if (type >= 0x80) {
      // Padding (0xfe) and skippable chunks.
      in.skipNBytes(length);
      return 0;
    }
    throw new IOException("snappy: unsupported input: reserved chunk type " + type);
  }

  private byte[] block() {
    if (block == null) {
      block = new byte[MAX_BLOCK];
    }
    return block;
  }

  private void readChunk(int length) throws IOException {
    if (chunk.length < length) {
      chunk = new byte[Math.max(length, Math.min(MAX_CHUNK, 2 * chunk.length))];
    }
    if (in.readNBytes(chunk, 0, length) != length) {
      throw new EOFException("snappy: truncated chunk");
    }
  }

  private static boolean isIdentifier(byte[] c) {
    for (int i = 0; i < 6; i++) {
      if (c[i] != FramedSnappyOutput.STREAM_IDENTIFIER[4 + i]) {
        return false;
      }
    }
    return true;
  }
}
