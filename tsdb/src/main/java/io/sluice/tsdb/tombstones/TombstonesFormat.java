// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.tombstones;

/**
 * The {@code tombstones} file of a block, as written by Prometheus 2.42 ({@code
 * tsdb/tombstones/tombstones.go}); its {@code tsdb/docs/format/tombstones.md} is stale (there is no
 * trailing offset).
 *
 * <p>Reference: {@code shared/reference/prometheus-formats.md} §4.5. Fixed-width integers are
 * big-endian; {@code uvarint} is unsigned LEB128, {@code varint} zigzag LEB128.
 *
 * <pre>
 * tombstones = magic version *entry crc
 * magic      = %x01 %x30 %xBA %x30            ; BE32 0x0130BA30
 * version    = %x01
 * entry      = series-ref mint maxt           ; one deleted interval of one series
 * series-ref = uvarint                        ; the series ref of the block's index
 * mint       = varint                         ; ms, inclusive
 * maxt       = varint                         ; ms, inclusive
 * crc        = BE32 CRC32C over the entries only (not magic, not version)
 * </pre>
 *
 * <p>A block without deletions has the 9-byte file {@code 01 30 BA 30 01 00 00 00 00}. A missing
 * file reads as no tombstones. Entries have no required order; a series may have several, and
 * Prometheus merges overlapping intervals when it reads them.
 */
public final class TombstonesFormat {
  /** File name in a block directory. */
  public static final String FILE_NAME = "tombstones";

  /** Magic number at the start of the file. */
  public static final int MAGIC = 0x0130BA30;

  /** Format version byte. */
  public static final byte VERSION = 1;

  /** Bytes of magic and version. */
  public static final int HEADER_SIZE = 5;

  /** Size of the trailing CRC32C. */
  public static final int CRC_SIZE = 4;

  private TombstonesFormat() {}
}
