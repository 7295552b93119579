// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import com.google.protobuf.WireFormat;

/**
 * The remote-write wire formats, as read by {@link RemoteWriteDecoder}. Facts are from the
 * project's Prometheus format reference (remote write 1.0 and 2.0, snappy block format).
 *
 * <h2>Body</h2>
 *
 * <pre>
 * body        = uvarint(decoded_length) element*        ; snappy BLOCK format, no stream header,
 *                                                       ; no CRC; decoded_length fits in 32 bits
 * element     = literal | copy1 | copy2 | copy4         ; kind = low 2 bits of the tag byte
 * </pre>
 *
 * The snappy <em>framed</em> format (starts {@code ff 06 00 00 73 4e 61 50 70 59}) is not remote
 * write and is rejected.
 *
 * <h2>Remote write 1.0 ({@code prometheus.WriteRequest})</h2>
 *
 * <pre>
 * WriteRequest   = { 1:LEN TimeSeries | 3:LEN MetricMetadata }      ; 2 is reserved
 * TimeSeries     = { 1:LEN Label | 2:LEN Sample | 3:LEN Exemplar | 4:LEN Histogram }
 * Label          = { 1:LEN name | 2:LEN value }                     ; UTF-8, not validated
 * Sample         = { 1:I64 value | 2:VARINT timestamp }             ; value: little-endian IEEE
 *                                                                   ; bits; timestamp: ms, int64,
 *                                                                   ; not zigzag
 * Exemplar       = { 1:LEN Label | 2:I64 value | 3:VARINT timestamp } ; labels may be empty
 * MetricMetadata = { 1:VARINT type | 2:LEN family | 4:LEN help | 5:LEN unit }
 * </pre>
 *
 * <h2>Remote write 2.0 ({@code io.prometheus.write.v2.Request})</h2>
 *
 * <pre>
 * Request        = { 4:LEN symbol | 5:LEN TimeSeries }              ; 1-3 are reserved
 * TimeSeries     = { 1:LEN packed(uvarint ref)* | 1:VARINT ref      ; labels_refs: (name, value)
 *                  | 2:LEN Sample | 3:LEN Histogram | 4:LEN Exemplar ; pairs; even count
 *                  | 5:LEN Metadata | 6:VARINT created_timestamp }  ; 6: rc.3 only
 * Sample         = { 1:I64 value | 2:VARINT timestamp | 3:VARINT start_timestamp }
 * Exemplar       = { 1:LEN packed(uvarint ref)* | 1:VARINT ref      ; labels_refs as a series'
 *                  | 2:I64 value | 3:VARINT timestamp }
 * Metadata       = { 1:VARINT type | 3:VARINT help_ref | 4:VARINT unit_ref }
 * </pre>
 *
 * {@code symbols[0]} must be the empty string; every ref must lie inside the table. Symbols may
 * appear anywhere in the request, also after the series that use them.
 *
 * <h2>Rules common to both</h2>
 *
 * {@code {...}} means any number of fields, in any order; unknown fields (any wire type, groups
 * included) are skipped; repeated scalars may be packed or not; for a non-repeated scalar that
 * appears several times the last one wins (protobuf semantics). A known field with the wrong wire
 * type is an error, as in the Go decoders.
 */
public final class RemoteWriteFormat {
  private RemoteWriteFormat() {}

  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int I64 = WireFormat.WIRETYPE_FIXED64;
  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** The first bytes of a snappy framed stream, which remote write does not use. */
  static final byte[] SNAPPY_FRAMED_MAGIC = {
    (byte) 0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59
  };

  /** WriteRequest.timeseries (1, LEN). */
  public static final int V1_WRITE_REQUEST_TIMESERIES = (1 << 3) | LEN;

  /** WriteRequest.metadata (3, LEN). */
  public static final int V1_WRITE_REQUEST_METADATA = (3 << 3) | LEN;

  /** TimeSeries.labels (1, LEN). */
  public static final int V1_SERIES_LABELS = (1 << 3) | LEN;

  /** TimeSeries.samples (2, LEN). */
  public static final int V1_SERIES_SAMPLES = (2 << 3) | LEN;

  /** TimeSeries.exemplars (3, LEN). */
  public static final int V1_SERIES_EXEMPLARS = (3 << 3) | LEN;

  /** TimeSeries.histograms (4, LEN). */
  public static final int V1_SERIES_HISTOGRAMS = (4 << 3) | LEN;

  /** Label.name (1, LEN). */
  public static final int LABEL_NAME = (1 << 3) | LEN;

  /** Label.value (2, LEN). */
  public static final int LABEL_VALUE = (2 << 3) | LEN;

  /** Sample.value (1, I64), in both versions. */
  public static final int SAMPLE_VALUE = (1 << 3) | I64;

  /** Sample.timestamp (2, VARINT), in both versions. */
  public static final int SAMPLE_TIMESTAMP = (2 << 3) | VARINT;

  /** Sample.start_timestamp (3, VARINT), remote write 2.0-rc.4 only. */
  public static final int V2_SAMPLE_START_TIMESTAMP = (3 << 3) | VARINT;

  /** Exemplar.labels (1, LEN), remote write 1.0. */
  public static final int V1_EXEMPLAR_LABELS = (1 << 3) | LEN;

  /** Exemplar.labels_refs, packed (1, LEN), remote write 2.0. */
  public static final int V2_EXEMPLAR_LABELS_REFS_PACKED = (1 << 3) | LEN;

  /** Exemplar.labels_refs, unpacked (1, VARINT), remote write 2.0. */
  public static final int V2_EXEMPLAR_LABELS_REFS = (1 << 3) | VARINT;

  /** Exemplar.value (2, I64), in both versions. */
  public static final int EXEMPLAR_VALUE = (2 << 3) | I64;

  /** Exemplar.timestamp (3, VARINT), in both versions. */
  public static final int EXEMPLAR_TIMESTAMP = (3 << 3) | VARINT;

  /** Request.symbols (4, LEN). */
  public static final int V2_REQUEST_SYMBOLS = (4 << 3) | LEN;

  /** Request.timeseries (5, LEN). */
  public static final int V2_REQUEST_TIMESERIES = (5 << 3) | LEN;

  /** TimeSeries.labels_refs, packed (1, LEN). */
  public static final int V2_SERIES_LABELS_REFS_PACKED = (1 << 3) | LEN;

  /** TimeSeries.labels_refs, unpacked (1, VARINT). */
  public static final int V2_SERIES_LABELS_REFS = (1 << 3) | VARINT;

  /** TimeSeries.samples (2, LEN). */
  public static final int V2_SERIES_SAMPLES = (2 << 3) | LEN;

  /** TimeSeries.histograms (3, LEN). */
  public static final int V2_SERIES_HISTOGRAMS = (3 << 3) | LEN;

  /** TimeSeries.exemplars (4, LEN). */
  public static final int V2_SERIES_EXEMPLARS = (4 << 3) | LEN;

  /** TimeSeries.metadata (5, LEN). */
  public static final int V2_SERIES_METADATA = (5 << 3) | LEN;

  /** TimeSeries.created_timestamp (6, VARINT), remote write 2.0-rc.3 only. */
  public static final int V2_SERIES_CREATED_TIMESTAMP = (6 << 3) | VARINT;
}
