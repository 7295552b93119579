// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

/**
 * The type byte that starts every WAL record, with Prometheus 2.42's codes ({@code record.Type}).
 * Later Prometheus versions add codes 9 and up; they decode as {@link #UNKNOWN}.
 */
public enum RecordType {
  /** Series definitions: ref and labels. */
  SERIES(1),
  /** Float samples. */
  SAMPLES(2),
  /** Deletion intervals. */
  TOMBSTONES(3),
  /** Exemplars. */
  EXEMPLARS(4),
  /** M-map markers of the out-of-order write-behind log. */
  MMAP_MARKERS(5),
  /** Series metadata (type, unit, help). */
  METADATA(6),
  /** Integer native histogram samples. */
  HISTOGRAM_SAMPLES(7),
  /** Float native histogram samples. */
  FLOAT_HISTOGRAM_SAMPLES(8),
  /** Any other type byte, or an empty record (Prometheus' {@code Unknown}, code 255). */
  UNKNOWN(255);

  private static final RecordType[] BY_CODE = {
    UNKNOWN,
    SERIES,
    SAMPLES,
    TOMBSTONES,
    EXEMPLARS,
    MMAP_MARKERS,
    METADATA,
    HISTOGRAM_SAMPLES,
    FLOAT_HISTOGRAM_SAMPLES
  };

  private final int code;

  RecordType(int code) {
    this.code = code;
  }

  /** The type byte, 1..8, or 255 for {@link #UNKNOWN}. */
  public int code() {
    return code;
  }

  /** The type with this code (0..255), {@link #UNKNOWN} for codes 2.42 does not know. */
  public static RecordType ofCode(int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
  }

  /**
   * The type of the record in {@code rec[off, off+len)}: its first byte, or {@link #UNKNOWN} when
   * the record is empty.
   */
  public static RecordType of(byte[] rec, int off, int len) {
    return len < 1 ? UNKNOWN : ofCode(rec[off] & 0xFF);
  }
}
