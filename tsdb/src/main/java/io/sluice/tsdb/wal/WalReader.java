// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static io.sluice.tsdb.wal.WalFormat.HEADER_SIZE;
import static io.sluice.tsdb.wal.WalFormat.PAGE_SIZE;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * Reads the records of WAL segments in order ({@link WalFormat}), across one or more {@link
 * SegmentRange}s (for replay: the last checkpoint, then the segments after it), checking every
 * fragment's CRC32C and decompressing snappy records.
 *
 * <pre>{@code
 * try (WalReader r = WalReader.open(Checkpoint.replayRanges(walDir))) {
 *   while (r.next()) {
 *     decode(r.recordBuffer(), 0, r.recordLength());
 *   }
 * } catch (CorruptSegmentException e) {
 *   WalRepair.repair(walDir, e);
 * }
 * }</pre>
 *
 * <p>Each segment is read on its own: a record must complete within its segment, and a segment that
 * ends inside a record is torn. A segment whose length is not a multiple of the page size reads as
 * if zero-padded. The reader stops at the first damage with a {@link CorruptSegmentException}
 * naming the segment and the offset where the good data ends, and never skips over damage. It is
 * stricter than Prometheus' reader in three places that no Prometheus writer produces: a fragment
 * that crosses a page boundary, a non-zero byte in the last 6 bytes of a page, and unknown flag
 * bits in a type byte are corruption.
 *
 * <p>Not thread-safe. Segments are opened one at a time as the reader reaches them; the caller
 * closes the reader.
 */
public final class WalReader implements Closeable {
  private static final int CHUNK = 16 * PAGE_SIZE;
  // Snappy expands at most ~21x; anything beyond this bound is corrupt, whatever the header says.
  private static final int MAX_EXPANSION = 32;

  private final List<Path> dirs = new ArrayList<>();
  private final int[] indexes;
  private int cur = -1;

  private FileChannel ch;
  private long fileSize;
  private final byte[] chunk = new byte[CHUNK];
  private final ByteBuffer chunkBuf = ByteBuffer.wrap(chunk);
  private long chunkStart;
  private int chunkLen;
  private long off;

  private byte[] rec = new byte[PAGE_SIZE];
  private int recLen;
  private byte[] comp = new byte[PAGE_SIZE];
  private int compLen;
  private final CRC32C crc = new CRC32C();

  private int recSegment = -1;
  private long recOffset = -1;
  private IOException failure;
  private boolean done;

  private WalReader(List<Path> dirs, int[] indexes) {
    this.dirs.addAll(dirs);
    this.indexes = indexes;
  }

  /**
   * A reader over every segment in {@code dir}.
   *
   * @throws NonSequentialSegmentsException if the segment indexes have a gap
   * @throws IOException if the directory cannot be listed
   */
  public static WalReader open(Path dir) throws IOException {
    return open(List.of(SegmentRange.all(dir)));
  }

  /**
   * A reader over the segments of the given ranges, in the order given.
   *
   * @throws NonSequentialSegmentsException if a directory's segment indexes have a gap
   * @throws IOException if a directory cannot be listed
   */
  public static WalReader open(SegmentRange... ranges) throws IOException {
    return open(List.of(ranges));
  }

  /**
   * A reader over the segments of the given ranges, in the order given.
   *
   * @throws NonSequentialSegmentsException if a directory's segment indexes have a gap
   * @throws IOException if a directory cannot be listed
   */
  public static WalReader open(List<SegmentRange> ranges) throws IOException {
    List<Path> dirs = new ArrayList<>();
    int[] indexes = new int[16];
    int n = 0;
    for (SegmentRange r : ranges) {
      for (int s : Segments.list(r.dir())) {
        if (r.contains(s)) {
          if (n == indexes.length) {
            indexes = Arrays.copyOf(indexes, n * 2);
          }
          dirs.add(r.dir());
          indexes[n++] = s;
        }
      }
    }
    return new WalReader(dirs, Arrays.copyOf(indexes, n));
  }

  /**
   * Advances to the next record.
   *
   * @return false at the end of the last segment
   * @throws CorruptSegmentException at the first damage; every later call throws it again
   * @throws IOException if a segment cannot be read
   */
  public boolean next() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (done) {
      return false;
    }
    try {
      return advance();
    } catch (IOException e) {
      failure = e;
      closeSegment();
      throw e;
    }
  }

  /**
   * The buffer holding the current record in {@code [0, recordLength())}, decompressed. Owned by
   * the reader and overwritten by the next call to {@link #next()}.
   */
  public byte[] recordBuffer() {
    return rec;
  }

  /** Length of the current record in bytes. */
  public int recordLength() {
    return recLen;
  }

  /** A copy of the current record. */
  public byte[] record() {
    return Arrays.copyOf(rec, recLen);
  }

  /** Index of the segment holding the current record (-1 before the first). */
  public int segment() {
    return recSegment;
  }

  /** Directory of the segment holding the current record (null before the first). */
  public Path segmentDir() {
    return cur >= 0 && cur < indexes.length ? dirs.get(cur) : null;
  }

  /** Byte offset of the current record's first fragment in its segment (-1 before the first). */
  public long offset() {
    return recOffset;
  }

  @Override
  public void close() throws IOException {
    done = true;
    closeSegment();
  }

  // ---- reading ----

  private boolean advance() throws IOException {
    recLen = 0;
    compLen = 0;
    long start = -1;
    boolean compressed = false;
    while (true) {
      if (ch == null || off >= paddedEnd()) {
        if (start >= 0) {
          throw corrupt(start, "last record is torn: the segment ends inside it", null);
        }
        if (!openNextSegment()) {
          done = true;
          return false;
        }
        continue;
      }
      if (off >= chunkStart + chunkLen) {
        loadChunk();
      }
      int at = (int) (off - chunkStart);
      int pageFree = PAGE_SIZE - (int) (off % PAGE_SIZE);
      int type = chunk[at] & 0xFF;
      if (type == 0 || pageFree < HEADER_SIZE) {
        for (int i = 0; i < pageFree; i++) {
          if (chunk[at + i] != 0) {
            throw corrupt(
                start >= 0 ? start : off,
                pageFree < HEADER_SIZE
                    ? "non-zero byte in the last " + pageFree + " bytes of a page"
                    : "non-zero byte in page padding at offset " + (off + i),
                null);
          }
        }
        off += pageFree;
        continue;
      }
      int kind = type & WalFormat.KIND_MASK;
      int flags = type & ~WalFormat.KIND_MASK;
      if ((flags & ~WalFormat.SNAPPY_FLAG) != 0) {
        throw corrupt(
            start >= 0 ? start : off,
            (flags & WalFormat.ZSTD_FLAG) != 0
                ? String.format("fragment type 0x%02x: zstd compression is not supported", type)
                : String.format("fragment type 0x%02x has unknown flag bits", type),
            null);
      }
      if (kind > WalFormat.KIND_LAST) {
        throw corrupt(start >= 0 ? start : off, "invalid fragment type " + kind, null);
      }
      int len = ((chunk[at + 1] & 0xFF) << 8) | (chunk[at + 2] & 0xFF);
      int stored =
          ((chunk[at + 3] & 0xFF) << 24)
              | ((chunk[at + 4] & 0xFF) << 16)
              | ((chunk[at + 5] & 0xFF) << 8)
              | (chunk[at + 6] & 0xFF);
      long fragStart = start >= 0 ? start : off;
      if (HEADER_SIZE + len > pageFree) {
        throw corrupt(
            fragStart,
            "fragment of " + len + " bytes at offset " + off + " crosses the page boundary",
            null);
      }
      if (off + HEADER_SIZE + len > fileSize) {
        throw corrupt(fragStart, "the segment ends inside a " + kindName(kind) + " fragment", null);
      }
      crc.reset();
      crc.update(chunk, at + HEADER_SIZE, len);
      int actual = (int) crc.getValue();
      if (actual != stored) {
        throw corrupt(
            fragStart,
            String.format(
                "checksum mismatch in %s fragment at offset %d: stored %08x, computed %08x",
                kindName(kind), off, stored, actual),
            null);
      }
      boolean fragCompressed = (flags & WalFormat.SNAPPY_FLAG) != 0;
      if (start < 0) {
        if (kind == WalFormat.KIND_MIDDLE || kind == WalFormat.KIND_LAST) {
          throw corrupt(off, "unexpected " + kindName(kind) + " fragment", null);
        }
        start = off;
        compressed = fragCompressed;
      } else {
        if (kind == WalFormat.KIND_FULL || kind == WalFormat.KIND_FIRST) {
          throw corrupt(start, "unexpected " + kindName(kind) + " fragment at offset " + off, null);
        }
        if (fragCompressed != compressed) {
          throw corrupt(start, "compression flag changes within a record", null);
        }
      }
      if (compressed) {
        comp = grow(comp, compLen + len);
        System.arraycopy(chunk, at + HEADER_SIZE, comp, compLen, len);
        compLen += len;
      } else {
        rec = grow(rec, recLen + len);
        System.arraycopy(chunk, at + HEADER_SIZE, rec, recLen, len);
        recLen += len;
      }
      off += HEADER_SIZE + len;
      if (kind == WalFormat.KIND_FULL || kind == WalFormat.KIND_LAST) {
        if (compressed && compLen > 0) {
          decompress(start);
        }
        recSegment = indexes[cur];
        recOffset = start;
        return true;
      }
    }
  }

  private void decompress(long start) throws CorruptSegmentException {
    int n;
    try {
      n = Snappy.uncompressedLength(comp, 0, compLen);
    } catch (IOException e) {
      throw corrupt(start, "undecodable snappy record: " + e.getMessage(), e);
    }
    if (n < 0 || (long) n > (long) compLen * MAX_EXPANSION + 1024) {
      throw corrupt(
          start,
          "snappy record of " + compLen + " bytes claims " + Integer.toUnsignedString(n) + " bytes",
          null);
    }
    rec = grow(rec, n);
    int got;
    try {
      got = Snappy.uncompress(comp, 0, compLen, rec, 0);
    } catch (IOException e) {
      throw corrupt(start, "undecodable snappy record: " + e.getMessage(), e);
    }
    if (got != n) {
      throw corrupt(start, "snappy record decodes to " + got + " bytes, not " + n, null);
    }
    recLen = n;
  }

  private long paddedEnd() {
    return (fileSize + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
  }

  private boolean openNextSegment() throws IOException {
    closeSegment();
    if (cur + 1 >= indexes.length) {
      return false;
    }
    cur++;
    ch = FileChannel.open(Segments.path(dirs.get(cur), indexes[cur]), StandardOpenOption.READ);
    fileSize = ch.size();
    chunkStart = 0;
    chunkLen = 0;
    off = 0;
    return true;
  }

  // Reads the pages from `off` on; the part of the last page beyond the file end reads as zeros.
  private void loadChunk() throws IOException {
    chunkStart = off;
    int want = (int) Math.min(CHUNK, fileSize - off);
    chunkBuf.clear().limit(want);
    while (chunkBuf.hasRemaining()) {
      int n = ch.read(chunkBuf, off + chunkBuf.position());
      if (n < 0) {
        // The file shrank under us; treat the rest as missing (padding below).
        fileSize = off + chunkBuf.position();
        break;
      }
    }
    int got = chunkBuf.position();
    int padded = (got + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    Arrays.fill(chunk, got, padded, (byte) 0);
    chunkLen = padded;
  }

  private void closeSegment() throws IOException {
    if (ch != null) {
      FileChannel c = ch;
      ch = null;
      c.close();
    }
  }

  private CorruptSegmentException corrupt(long at, String reason, Throwable cause) {
    return new CorruptSegmentException(dirs.get(cur), indexes[cur], at, reason, cause);
  }

  private static String kindName(int kind) {
    return WalFormat.kindName(kind);
  }

  private static byte[] grow(byte[] b, int need) {
    if (need <= b.length) {
      return b;
    }
    return Arrays.copyOf(b, Math.max(need, b.length * 2));
  }
}
