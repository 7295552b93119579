// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

/**
 * The segmented write-ahead log format of Prometheus 2.42 ({@code tsdb/wlog/wlog.go}, {@code
 * reader.go}, {@code checkpoint.go}, {@code tsdb/docs/format/wal.md}), which Sluice writes and
 * reads byte for byte. Record payloads are {@link io.sluice.tsdb.record.RecordFormat}.
 *
 * <p>Reference: {@code shared/reference/prometheus-formats.md} §5. Integers are big-endian.
 *
 * <pre>
 * wal-dir     = *segment [ checkpoint ]
 * segment     = file named by the index as 8 decimal digits ("00000000", "00000001", ...);
 *               indexes are consecutive
 * checkpoint  = directory "checkpoint." 8DIGIT   ; the index of the last segment folded in,
 *               holding segments of its own ("checkpoint.00000042/00000000")
 * segment     = *page [ partial-page ]           ; only the active segment ends in a partial page
 * page        = *fragment [ padding ]            ; exactly 32768 bytes
 * fragment    = type:1 length:BE16 crc:BE32 data:length
 * type        = flags | kind
 * kind        = %x01 full / %x02 first / %x03 middle / %x04 last   ; low 3 bits
 * flags       = %x00 / %x08                      ; 0x08: the record is snappy-compressed
 * crc         = CRC32C (Castagnoli) of data      ; the header is not covered
 * padding     = %x00 *%x00 up to the page end    ; kind 0, "rest of page is empty"
 * record      = full / first *middle last        ; the concatenated data of its fragments
 * </pre>
 *
 * <ul>
 *   <li>A fragment never crosses a page boundary: a record is cut into as many fragments as the
 *       pages it touches need. When fewer than 7 bytes (a header) remain in a page after a
 *       fragment, they are zero padding. A first fragment may carry 0 data bytes (exactly 7 bytes
 *       were left).
 *   <li>A record never spans segments: if the record (after compression) does not fit in the space
 *       left in the segment, counting a header per page, the writer pads the page and starts a new
 *       segment. A record larger than a whole segment goes into a segment of its own that is larger
 *       than the segment size.
 *   <li>Compression is per record, snappy block format (not framed), applied only when it makes the
 *       record strictly smaller; every fragment of a compressed record has the 0x08 flag and the
 *       CRCs cover the compressed bytes. Empty records are never compressed. Later Prometheus
 *       versions use flag 0x10 for zstd, which 2.42 (and Sluice) does not read.
 *   <li>A segment whose length is not a multiple of the page size is read as if zero-padded to the
 *       next page boundary (a torn last page). A record whose fragments do not complete within its
 *       segment is torn.
 *   <li>The default segment size is 128 MiB, a multiple of the page size. Files are not
 *       preallocated: a segment is as long as what was written, and a finished or closed segment
 *       ends on a page boundary.
 * </ul>
 */
public final class WalFormat {
  /** Page size in bytes. */
  public static final int PAGE_SIZE = 32 * 1024;

  /** Fragment header size in bytes: type, BE16 length, BE32 CRC32C. */
  public static final int HEADER_SIZE = 7;

  /** Most data bytes one fragment can carry (a whole page less its header). */
  public static final int MAX_FRAGMENT_DATA = PAGE_SIZE - HEADER_SIZE;

  /** Default segment size in bytes: 128 MiB. */
  public static final int DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;

  /** Fragment kind 0: the rest of the page is zero padding. */
  public static final int KIND_PADDING = 0;

  /** Fragment kind 1: a whole record. */
  public static final int KIND_FULL = 1;

  /** Fragment kind 2: the first fragment of a record. */
  public static final int KIND_FIRST = 2;

  /** Fragment kind 3: a middle fragment of a record. */
  public static final int KIND_MIDDLE = 3;

  /** Fragment kind 4: the last fragment of a record. */
  public static final int KIND_LAST = 4;

  /** Mask of the kind bits of the type byte. */
  public static final int KIND_MASK = 0x07;

  /** Type byte flag: the record is snappy-compressed. */
  public static final int SNAPPY_FLAG = 0x08;

  /** Type byte flag of later Prometheus versions: zstd-compressed (not supported). */
  public static final int ZSTD_FLAG = 0x10;

  /** Name prefix of checkpoint directories. */
  public static final String CHECKPOINT_PREFIX = "checkpoint.";

  /** Suffix of a checkpoint directory being written. */
  public static final String TMP_SUFFIX = ".tmp";

  private WalFormat() {}

  /**
   * The file name of segment {@code index}: at least 8 decimal digits.
   *
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public static String segmentName(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("negative segment index: " + index);
    }
    return String.format("%08d", index);
  }

  /** The index a segment file name stands for, or -1 if the name is not all decimal digits. */
  public static int parseSegmentName(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  /**
   * The directory name of the checkpoint that folds in segments up to {@code index}.
   *
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public static String checkpointName(int index) {
    return CHECKPOINT_PREFIX + segmentName(index);
  }

  /**
   * The index of a checkpoint directory name, or -1 if the name is not {@code checkpoint.} followed
   * by digits (a {@code .tmp} directory is not a checkpoint).
   */
  public static int parseCheckpointName(String name) {
    if (!name.startsWith(CHECKPOINT_PREFIX)) {
      return -1;
    }
    return parseSegmentName(name.substring(CHECKPOINT_PREFIX.length()));
  }

  /** The kind bits of a fragment type byte. */
  static String kindName(int kind) {
    return switch (kind) {
      case KIND_PADDING -> "padding";
      case KIND_FULL -> "full";
      case KIND_FIRST -> "first";
      case KIND_MIDDLE -> "middle";
      case KIND_LAST -> "last";
      default -> "invalid(" + kind + ")";
    };
  }
}
