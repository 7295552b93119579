// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A read-only memory mapping of a whole file of any size, as consecutive regions of at most {@code
 * regionSize} bytes, with absolute big-endian reads that may span regions.
 *
 * <p>Thread-safe: reads never move a buffer's position. The mapping is released by the garbage
 * collector (the FFM API that unmaps deterministically is a preview in Java 21); {@link #close()}
 * drops the references so that later reads fail with {@link IllegalStateException}.
 */
final class MappedFile {
  /** Default region size: 1 GiB, below the 2 GiB limit of one {@link MappedByteBuffer}. */
  static final int DEFAULT_REGION_SIZE = 1 << 30;

  private final long size;
  private final int regionShift;
  private final long regionMask;
  private volatile ByteBuffer[] regions;

  private MappedFile(long size, int regionShift, ByteBuffer[] regions) {
    this.size = size;
    this.regionShift = regionShift;
    this.regionMask = (1L << regionShift) - 1;
    this.regions = regions;
  }

  /** Maps {@code file} in regions of {@code regionSize} bytes, a power of two. */
  static MappedFile map(Path file, int regionSize) throws IOException {
    if (Integer.bitCount(regionSize) != 1) {
      throw new IllegalArgumentException("region size is not a power of two: " + regionSize);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      int n = (int) ((size + regionSize - 1) / regionSize);
      ByteBuffer[] regions = new ByteBuffer[n];
      for (int i = 0; i < n; i++) {
        long start = (long) i * regionSize;
        regions[i] =
            ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(regionSize, size - start));
      }
      return new MappedFile(size, Integer.numberOfTrailingZeros(regionSize), regions);
    }
  }

  long size() {
    return size;
  }

  private ByteBuffer[] regions() {
    ByteBuffer[] r = regions;
    if (r == null) {
      throw new IllegalStateException("index reader is closed");
    }
    return r;
  }

  byte get(long pos) {
    return regions()[(int) (pos >>> regionShift)].get((int) (pos & regionMask));
  }

  int getInt(long pos) {
    int off = (int) (pos & regionMask);
    ByteBuffer r = regions()[(int) (pos >>> regionShift)];
    if (off + 4 <= r.limit()) {
      return r.getInt(off);
    }
    return (get(pos) & 0xFF) << 24
        | (get(pos + 1) & 0xFF) << 16
        | (get(pos + 2) & 0xFF) << 8
        | (get(pos + 3) & 0xFF);
  }

  long getLong(long pos) {
    return ((long) getInt(pos) << 32) | (getInt(pos + 4) & 0xFFFF_FFFFL);
  }

  /** Copies {@code len} bytes at {@code pos} into {@code dst}. */
  void get(long pos, byte[] dst, int off, int len) {
    ByteBuffer[] rs = regions();
    while (len > 0) {
      ByteBuffer r = rs[(int) (pos >>> regionShift)];
      int ro = (int) (pos & regionMask);
      int n = Math.min(len, r.limit() - ro);
      r.get(ro, dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Feeds {@code len} bytes at {@code pos} to {@code crc}. */
  void update(CRC32C crc, long pos, long len) {
    ByteBuffer[] rs = regions();
    while (len > 0) {
      ByteBuffer r = rs[(int) (pos >>> regionShift)];
      int ro = (int) (pos & regionMask);
      int n = (int) Math.min(len, r.limit() - ro);
      crc.update(r.slice(ro, n));
      pos += n;
      len -= n;
    }
  }

  void close() {
    regions = null;
  }
}
