// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

/**
 * The block index file, format v2, as written by Prometheus 2.42 ({@code tsdb/index/index.go},
 * {@code tsdb/docs/format/index.md}) and read by every Prometheus and Thanos.
 *
 * <p>Reference: {@code shared/reference/prometheus-formats.md} §4.3 and §4.6. Fixed-width integers
 * are big-endian; {@code uvarint} is LEB128, {@code varint} zigzag LEB128; every CRC is CRC32C
 * (Castagnoli), 4 bytes big-endian. A section's {@code len} counts the bytes after it and before
 * its CRC, and the CRC covers exactly those bytes. {@code str} is a uvarint byte length followed by
 * UTF-8 bytes.
 *
 * <pre>
 * index        = magic version symbols series label-indices postings
 *                label-offset-table postings-offset-table toc
 * magic        = 0xBAAAD700 (BE32)
 * version      = 0x02
 *
 * symbols      = len:BE32 count:BE32 *( str ) crc             ; strictly ascending bytewise
 * series       = *( pad16 series-entry )                      ; ref = file offset / 16
 * series-entry = len:uvarint body crc                         ; crc over body
 * body         = nlabels:uvarint *( name:uvarint value:uvarint )    ; symbol ordinals
 *                nchunks:uvarint [ chunk0 *( chunk ) ]
 * chunk0       = mint:varint (maxt - mint):uvarint ref:uvarint
 * chunk        = (mint - prev.maxt):uvarint (maxt - mint):uvarint (ref - prev.ref):varint
 * label-indices= *( pad4 len:BE32 1:BE32 n:BE32 n*( value:BE32 ) crc )  ; legacy, one per name
 * postings     = *( pad4 len:BE32 n:BE32 n*( ref:BE32 ) crc ) ; first ("",""), then name, value
 * label-offset-table    = len:BE32 n:BE32 n*( 1:uvarint name:str offset:uvarint ) crc
 * postings-offset-table = len:BE32 n:BE32 n*( 2:uvarint name:str value:str offset:uvarint ) crc
 * toc          = symbols series label-indices label-offset-table postings
 *                postings-offset-table (each BE64, a file offset) crc   ; the last 52 bytes
 * pad16, pad4  = zero bytes up to the next multiple of 16 or 4 of the file offset
 * </pre>
 *
 * <p>Series are sorted by label set (name then value, bytewise, a prefix first); a series ref is
 * the offset of its entry divided by 16, so refs ascend with the label order and the file is at
 * most 64 GiB. Chunk metas ascend in time without overlap. Postings lists hold ascending series
 * refs and are laid out in the order of the postings offset table, which Thanos relies on. The TOC
 * offsets of the series, label indices and postings sections point before their padding.
 * Prometheus-written symbol tables start with {@code ""}, the name and value of the all-postings
 * key.
 *
 * <p>Readers verify the magic, version, TOC CRC, symbol table CRC and postings offset table CRC
 * when opening a block; series and postings CRCs when those bytes are read. Prometheus never reads
 * the legacy label indices and their offset table.
 */
public final class IndexFormat {
  /** Magic number at offset 0 (big-endian). */
  public static final int MAGIC = 0xBAAAD700;

  /** Format version written and read. */
  public static final byte VERSION = 2;

  /** Length of magic and version: the symbol table starts here. */
  public static final int HEADER_SIZE = 5;

  /** Length of the TOC: six BE64 offsets and a CRC. */
  public static final int TOC_SIZE = 6 * 8 + 4;

  /** Series entries are aligned to this many bytes; a series ref is its offset divided by it. */
  public static final int SERIES_ALIGNMENT = 16;

  /** Label indices and postings lists are aligned to this many bytes. */
  public static final int POSTINGS_ALIGNMENT = 4;

  /** Length of a CRC32C. */
  public static final int CRC_SIZE = 4;

  /** Largest series ref: refs are stored as uint32. */
  public static final long MAX_SERIES_REF = 0xFFFF_FFFFL;

  /** Name and value of the postings list that holds every series. */
  public static final String ALL_POSTINGS_KEY = "";

  private IndexFormat() {}
}
