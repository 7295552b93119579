// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunks;

import io.sluice.tsdb.encoding.Varint;
import io.sluice.tsdb.query.ChunkMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Reads chunks by ref from the segment files of a block's {@code chunks} directory ({@link
 * ChunkSegmentFormat}), memory-mapped.
 *
 * <p>{@link #open} maps every file whose name parses as an integer, in numeric order, and checks
 * each header, as Prometheus does when it opens a block. A chunk's CRC is checked each time it is
 * read.
 *
 * <p>Thread-safe: any number of threads may read concurrently. Caller closes, after all reads have
 * returned; reads after {@link #close} throw {@link IllegalStateException}. The mappings are
 * released when they become unreachable: Java 21 has no final API to unmap a file eagerly.
 */
public final class ChunkSegmentReader implements AutoCloseable {
  /** One stored chunk: its encoding byte and data (a private copy). Equality compares bytes. */
  public record Chunk(byte encoding, byte[] data) {
    /** Checks the data is present. */
    public Chunk {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Chunk c && c.encoding == encoding && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
      return encoding * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Chunk[encoding=" + encoding + ", data=" + HexFormat.of().formatHex(data) + "]";
    }
  }

  /** Receives the chunks of the files in storage order; see {@link #forEach}. */
  @FunctionalInterface
  public interface ChunkVisitor {
    /** Called once per chunk with its ref, encoding and data. */
    void visit(long ref, byte encoding, byte[] data) throws IOException;
  }

  private final List<Path> paths;
  private volatile ByteBuffer[] segments;

  private ChunkSegmentReader(List<Path> paths, ByteBuffer[] segments) {
    this.paths = paths;
    this.segments = segments;
  }

  /**
   * Maps all segment files of a {@code chunks} directory and checks their headers.
   *
   * @throws CorruptChunkException naming the file if a file is shorter than its header or has the
   *     wrong magic or version
   * @throws IOException if the directory cannot be listed or a file cannot be mapped
   */
  public static ChunkSegmentReader open(Path chunksDir) throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(chunksDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
          try {
            files.put(Long.parseLong(name), p);
          } catch (NumberFormatException tooLong) {
            // Not a sequence number Prometheus could have written; it ignores such names too.
          }
        }
      }
    }
    List<Path> paths = new ArrayList<>(files.values());
    ByteBuffer[] segments = new ByteBuffer[paths.size()];
    for (int i = 0; i < segments.length; i++) {
      segments[i] = mapAndCheck(paths.get(i));
    }
    return new ChunkSegmentReader(List.copyOf(paths), segments);
  }

  private static ByteBuffer mapAndCheck(Path p) throws IOException {
    MappedByteBuffer b;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException("chunk segment " + p + " of " + size + " bytes is too large to map");
      }
      b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
    if (b.capacity() < ChunkSegmentFormat.HEADER_SIZE) {
      throw new CorruptChunkException(
          "chunk segment "
              + p
              + ": "
              + b.capacity()
              + " bytes is shorter than the "
              + ChunkSegmentFormat.HEADER_SIZE
              + "-byte header");
    }
    int magic = b.getInt(0);
    if (magic != ChunkSegmentFormat.MAGIC) {
      throw new CorruptChunkException(
          "chunk segment " + p + ": invalid magic number " + String.format("0x%08X", magic));
    }
    if (b.get(4) != ChunkSegmentFormat.VERSION) {
      throw new CorruptChunkException(
          "chunk segment " + p + ": unsupported version " + (b.get(4) & 0xFF));
    }
    return b;
  }

  /** Number of segment files. */
  public int segmentCount() {
    return paths.size();
  }

  /** The segment files in ref order (position 0 first). */
  public List<Path> segmentFiles() {
    return paths;
  }

  /**
   * Reads the chunk at {@code ref} and checks its CRC.
   *
   * @throws CorruptChunkException naming the file and offset if the ref is outside the files, the
   *     chunk extends past the end of its file, or the CRC does not match (with both values)
   * @throws IllegalStateException if the reader is closed
   */
  public Chunk read(long ref) throws CorruptChunkException {
    ByteBuffer[] segs = segments();
    int pos = ChunkSegmentFormat.position(ref);
    long offset = ChunkSegmentFormat.offset(ref);
    if (pos >= segs.length) {
      throw new CorruptChunkException(
          "chunk ref 0x"
              + Long.toHexString(ref)
              + ": segment position "
              + pos
              + " but only "
              + segs.length
              + " segment files");
    }
    ByteBuffer b = segs[pos];
    Path p = paths.get(pos);
    int size = b.capacity();
    if (offset < ChunkSegmentFormat.HEADER_SIZE
        || offset + ChunkSegmentFormat.MAX_LEN_FIELD_SIZE > size) {
      throw new CorruptChunkException(
          "chunk segment "
              + p
              + ": chunk offset "
              + offset
              + " outside the "
              + size
              + "-byte file (ref 0x"
              + Long.toHexString(ref)
              + ")");
    }
    return readAt(b, p, (int) offset);
  }

  /**
   * Reads the chunk at {@code ref} as a {@link ChunkMeta} with the time range the index gives.
   *
   * @throws CorruptChunkException as {@link #read(long)}
   */
  public ChunkMeta read(long ref, long minTime, long maxTime) throws CorruptChunkException {
    Chunk c = read(ref);
    return new ChunkMeta(minTime, maxTime, c.encoding(), c.data());
  }

  /**
   * Visits every chunk of every file in storage order, checking each CRC; for verification tools
   * and tests (blocks are normally read through the index).
   *
   * @throws CorruptChunkException naming file and offset at the first chunk that does not parse or
   *     whose CRC does not match
   * @throws IOException if the visitor throws it
   */
  public void forEach(ChunkVisitor visitor) throws IOException {
    ByteBuffer[] segs = segments();
    for (int pos = 0; pos < segs.length; pos++) {
      ByteBuffer b = segs[pos];
      int off = ChunkSegmentFormat.HEADER_SIZE;
      while (off < b.capacity()) {
        Chunk c = readAt(b, paths.get(pos), off);
        visitor.visit(ChunkSegmentFormat.ref(pos, off), c.encoding(), c.data());
        off +=
            Varint.uvarintSize(c.data().length)
                + ChunkSegmentFormat.ENCODING_SIZE
                + c.data().length
                + ChunkSegmentFormat.CRC_SIZE;
      }
    }
  }

  /** Drops the mappings. Idempotent. */
  @Override
  public void close() {
    segments = null;
  }

  private ByteBuffer[] segments() {
    ByteBuffer[] s = segments;
    if (s == null) {
      throw new IllegalStateException("chunk segment reader is closed");
    }
    return s;
  }

  private static Chunk readAt(ByteBuffer b, Path p, int offset) throws CorruptChunkException {
    int size = b.capacity();
    byte[] field = new byte[ChunkSegmentFormat.MAX_LEN_FIELD_SIZE];
    int avail = Math.min(field.length, size - offset);
    b.get(offset, field, 0, avail);
    int lenSize = Varint.uvarintLength(field, 0, avail);
    if (lenSize <= 0) {
      throw new CorruptChunkException(
          "chunk segment " + p + ": invalid chunk length field at offset " + offset);
    }
    long len = Varint.uvarint(field, 0);
    int pos = offset + lenSize;
    long end = pos + ChunkSegmentFormat.ENCODING_SIZE + len + ChunkSegmentFormat.CRC_SIZE;
    if (end > size) {
      throw new CorruptChunkException(
          "chunk segment "
              + p
              + ": chunk at offset "
              + offset
              + " of "
              + len
              + " data bytes ends at "
              + end
              + ", past the end of the "
              + size
              + "-byte file");
    }
    byte encoding = b.get(pos++);
    byte[] data = new byte[(int) len];
    b.get(pos, data);
    pos += data.length;
    int expected = b.getInt(pos);
    CRC32C crc = new CRC32C();
    crc.update(encoding);
    crc.update(data);
    int actual = (int) crc.getValue();
    if (actual != expected) {
      throw new CorruptChunkException(
          "chunk segment "
              + p
              + ": checksum mismatch of chunk at offset "
              + offset
              + ", expected "
              + HexFormat.of().toHexDigits(expected)
              + ", actual "
              + HexFormat.of().toHexDigits(actual));
    }
    return new Chunk(encoding, data);
  }
}
