// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

/**
 * The payload format of WAL records as written and read by Prometheus 2.42 ({@code
 * tsdb/record/record.go}, {@code tsdb/docs/format/wal.md}); the framing of records into segments is
 * {@link io.sluice.tsdb.wal.WalFormat}.
 *
 * <p>Reference: {@code shared/reference/prometheus-formats.md} §5. {@code BE64} is an 8-byte
 * big-endian integer, {@code uvarint} an unsigned LEB128 integer of at most 10 bytes, {@code
 * varint} a zigzag-encoded signed LEB128 integer (Go's {@code binary.PutVarint}; the format
 * document says uvarint, the code writes zigzag), {@code bits} the raw IEEE-754 bits of a float64
 * as BE64 (NaN payloads, including the stale marker {@code 0x7ff0000000000002}, are kept as they
 * are). Strings are UTF-8.
 *
 * <pre>
 * record        = type payload                 ; type: one byte, see RecordType
 * string        = uvarint(len) len*byte
 * labels        = uvarint(n) n*( string(name) string(value) )  ; sorted by name
 *
 * series        = %x01 *( ref:BE64 labels )
 * samples       = %x02 [ firstRef:BE64 firstT:BE64 1*sample ]
 * sample        = varint(ref - firstRef) varint(t - firstT) value:bits
 * tombstones    = %x03 *( ref:BE64 varint(mint) varint(maxt) )   ; one entry per interval
 * exemplars     = %x04 [ firstRef:BE64 firstT:BE64 1*exemplar ]
 * exemplar      = varint(ref - firstRef) varint(t - firstT) value:bits labels
 * mmap-markers  = %x05 *( ref:BE64 mmapRef:BE64 )
 * metadata      = %x06 *( uvarint(ref) metricType:byte uvarint(nfields) nfields*( string string ) )
 *                 ; written with nfields = 2: "UNIT" unit "HELP" help; readers skip other fields
 * histograms    = %x07 [ firstRef:BE64 firstT:BE64 1*histogram ]
 * histogram     = varint(ref - firstRef) varint(t - firstT) resetHint:byte varint(schema)
 *                 zeroThreshold:bits uvarint(zeroCount) uvarint(count) sum:bits
 *                 spans(positive) spans(negative) buckets(positive) buckets(negative)
 *                 ; buckets = uvarint(n) n*varint   (deltas)
 * float-hists   = %x08 [ firstRef:BE64 firstT:BE64 1*float-hist ]
 * float-hist    = varint(ref - firstRef) varint(t - firstT) resetHint:byte varint(schema)
 *                 zeroThreshold:bits zeroCount:bits count:bits sum:bits
 *                 spans(positive) spans(negative) fbuckets(positive) fbuckets(negative)
 *                 ; fbuckets = uvarint(n) n*bits   (absolute counts)
 * spans         = uvarint(n) n*( varint(offset) uvarint(length) )
 * </pre>
 *
 * <p>Deltas are computed with wrapping 64-bit arithmetic. An empty samples, exemplars or histograms
 * record is the type byte alone. Refs are head series refs ({@code HeadSeriesRef}); a series record
 * must precede the samples that use its ref.
 *
 * <p>Metric types in metadata records: 0 unknown, 1 counter, 2 gauge, 3 histogram, 4 gauge
 * histogram, 5 summary, 6 info, 7 stateset. Histogram reset hints: 0 unknown, 1 counter reset, 2
 * not a counter reset, 3 gauge.
 */
public final class RecordFormat {
  /** Metadata metric type: unknown. */
  public static final byte METRIC_TYPE_UNKNOWN = 0;

  /** Metadata metric type: counter. */
  public static final byte METRIC_TYPE_COUNTER = 1;

  /** Metadata metric type: gauge. */
  public static final byte METRIC_TYPE_GAUGE = 2;

  /** Metadata metric type: histogram. */
  public static final byte METRIC_TYPE_HISTOGRAM = 3;

  /** Metadata metric type: gauge histogram. */
  public static final byte METRIC_TYPE_GAUGE_HISTOGRAM = 4;

  /** Metadata metric type: summary. */
  public static final byte METRIC_TYPE_SUMMARY = 5;

  /** Metadata metric type: info. */
  public static final byte METRIC_TYPE_INFO = 6;

  /** Metadata metric type: stateset. */
  public static final byte METRIC_TYPE_STATESET = 7;

  /** Name of the metadata field holding the unit. */
  public static final String METADATA_UNIT = "UNIT";

  /** Name of the metadata field holding the help text. */
  public static final String METADATA_HELP = "HELP";

  /** Raw bits of Prometheus' stale marker, a NaN that must survive every round trip unchanged. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private RecordFormat() {}
}
