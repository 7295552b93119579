// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunks;

import java.nio.file.Path;

/**
 * The chunk segment files of a Prometheus block ({@code <block>/chunks/000001}, {@code 000002}, …),
 * as written by Prometheus 2.42 ({@code tsdb/chunks/chunks.go}) and read by every Prometheus and
 * Thanos.
 *
 * <p>Reference: {@code shared/reference/prometheus-formats.md} §4.4. Fixed-width integers are
 * big-endian; {@code uvarint} is unsigned LEB128.
 *
 * <pre>
 * segment  = magic version padding *chunk
 * magic    = %x85 %xBD %x40 %xDD            ; BE32 0x85BD40DD
 * version  = %x01
 * padding  = 3 %x00                         ; the header is 8 bytes
 * chunk    = len encoding data crc
 * len      = uvarint                        ; length of data only, at most 5 bytes (uint32)
 * encoding = 1 byte                         ; 1 = XOR (see chunkenc.XorChunkFormat)
 * data     = len bytes
 * crc      = BE32 CRC32C over encoding and data (not over len)
 * </pre>
 *
 * <p><b>Files.</b> File names are 6-digit, 1-based sequence numbers ({@code 000001}). Readers take
 * every file whose name parses as an integer, sorted by that number. A file ends right after the
 * last chunk's CRC.
 *
 * <p><b>Chunk reference.</b> A 64-bit ref is {@code (segment position << 32) | offset}: the upper
 * half is the 0-based position of the file in sorted order (file {@code 000001} is 0), the lower
 * half the byte offset of the chunk's {@code len} field in that file. The first chunk of a file is
 * at offset 8.
 *
 * <p><b>Segment size.</b> At most {@link #DEFAULT_MAX_SEGMENT_SIZE} (512 MiB). The writer sizes
 * each chunk pessimistically as {@code 5 + 1 + len + 4} bytes and starts a new file before a
 * series' chunks that would overflow the current one, so one series' chunks stay in one file when
 * they fit; a series too large for one file is split between files, and a single chunk larger than
 * the maximum is still written, alone in its file.
 */
public final class ChunkSegmentFormat {
  /** Magic number at the start of each segment file. */
  public static final int MAGIC = 0x85BD40DD;

  /** Format version byte. */
  public static final byte VERSION = 1;

  /** Bytes of magic, version and padding before the first chunk. */
  public static final int HEADER_SIZE = 8;

  /** Largest size of the {@code len} uvarint (a uint32). */
  public static final int MAX_LEN_FIELD_SIZE = 5;

  /** Size of the encoding byte. */
  public static final int ENCODING_SIZE = 1;

  /** Size of the CRC32C. */
  public static final int CRC_SIZE = 4;

  /** Default and Prometheus' maximum segment file size: 512 MiB. */
  public static final long DEFAULT_MAX_SEGMENT_SIZE = 512L * 1024 * 1024;

  private ChunkSegmentFormat() {}

  /** The chunk ref of the chunk at {@code offset} in the segment at 0-based {@code position}. */
  public static long ref(int position, long offset) {
    if (position < 0 || offset < 0 || offset > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "chunk ref out of range: position " + position + ", offset " + offset);
    }
    return ((long) position << 32) | offset;
  }

  /** The 0-based segment position of a chunk ref. */
  public static int position(long ref) {
    return (int) (ref >>> 32);
  }

  /** The byte offset in its segment file of a chunk ref. */
  public static long offset(long ref) {
    return ref & 0xFFFF_FFFFL;
  }

  /** The file name of the segment with 1-based sequence number {@code seq}: {@code 000001}. */
  public static String fileName(int seq) {
    if (seq < 1) {
      throw new IllegalArgumentException("segment sequence number " + seq + " < 1");
    }
    return String.format("%06d", seq);
  }

  /** The path of segment {@code seq} (1-based) in a {@code chunks} directory. */
  public static Path segmentPath(Path chunksDir, int seq) {
    return chunksDir.resolve(fileName(seq));
  }

  /** Bytes the writer reserves for a chunk of {@code dataLength} bytes when planning files. */
  static long estimatedSize(int dataLength) {
    return MAX_LEN_FIELD_SIZE + ENCODING_SIZE + (long) dataLength + CRC_SIZE;
  }
}
