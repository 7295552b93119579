// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import io.sluice.tsdb.encoding.Varint;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encodes WAL records ({@link RecordFormat}) into one reusable, growable buffer, byte-identical to
 * Prometheus 2.42's {@code record.Encoder}. Several records can be built back to back and then
 * handed to the WAL in one call:
 *
 * <pre>{@code
 * enc.reset();
 * enc.beginSeries();
 * enc.series(ref, key, keyOff, keyLen);       // only for new series
 * enc.beginSamples();
 * for (...) enc.sample(ref, t, valueBits);
 * wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
 * }</pre>
 *
 * <p>Each {@code beginXxx()} ends the record being built (if any) and starts a new one; the entry
 * methods append to the open record and throw {@link IllegalStateException} when a record of
 * another type is open. Once the buffer has grown to the size a workload needs, encoding allocates
 * nothing: no per-sample objects, no boxing.
 *
 * <p>Not thread-safe; use one encoder per thread (or per WAL writer) and reuse it.
 */
public final class RecordEncoder {
  private byte[] buf;
  private int size;
  // bounds[i] is the start of record i; bounds() sets bounds[count] to the end of the last one.
  private int[] bounds = new int[8];
  private int count;
  private RecordType open;
  private boolean haveFirst;
  private long firstRef;
  private long firstT;

  /** Creates an encoder with a 4 KiB buffer. */
  public RecordEncoder() {
    this(4096);
  }

  /**
   * Creates an encoder whose buffer starts with {@code initialCapacity} bytes.
   *
   * @throws IllegalArgumentException if {@code initialCapacity} is negative
   */
  public RecordEncoder(int initialCapacity) {
    if (initialCapacity < 0) {
      throw new IllegalArgumentException("negative capacity: " + initialCapacity);
    }
    buf = new byte[Math.max(16, initialCapacity)];
  }

  /** Drops every record; the buffer is kept for reuse. */
  public void reset() {
    size = 0;
    count = 0;
    open = null;
  }

  /** The buffer holding the records; valid until the next call that appends. */
  public byte[] buffer() {
    return buf;
  }

  /** Number of bytes used in {@link #buffer()}: all records back to back. */
  public int size() {
    return size;
  }

  /** Number of records, including the one being built. */
  public int recordCount() {
    return count;
  }

  /**
   * Record boundaries: record {@code i} is {@code buffer()[bounds[i], bounds[i+1])} for {@code i <
   * recordCount()}. The array is owned by the encoder, may be longer than {@code recordCount() +
   * 1}, and is valid until the next call that appends.
   */
  public int[] bounds() {
    ensureBounds();
    bounds[count] = size;
    return bounds;
  }

  /** Offset of record {@code i} in {@link #buffer()}. */
  public int recordOffset(int i) {
    Objects.checkIndex(i, count);
    return bounds[i];
  }

  /** Length of record {@code i} in bytes, including its type byte. */
  public int recordLength(int i) {
    Objects.checkIndex(i, count);
    return (i + 1 < count ? bounds[i + 1] : size) - bounds[i];
  }

  /** A copy of record {@code i}. */
  public byte[] toByteArray(int i) {
    int off = recordOffset(i);
    return Arrays.copyOfRange(buf, off, off + recordLength(i));
  }

  // ---- series ----

  /** Starts a series record. */
  public void beginSeries() {
    begin(RecordType.SERIES);
  }

  /**
   * Appends a series with its labels to the open series record.
   *
   * @throws IllegalStateException if no series record is open
   */
  public void series(long ref, Labels labels) {
    expect(RecordType.SERIES);
    ensure(8 + 10);
    putBe64(ref);
    putLabels(labels);
  }

  /**
   * Appends a series given by its series key ({@link Labels}: {@code name 0xFF value 0xFF ...},
   * labels sorted) to the open series record, without building a {@link Labels}.
   *
   * @throws IllegalStateException if no series record is open
   * @throws IllegalArgumentException if the key does not end with 0xFF or has a name without value
   */
  public void series(long ref, byte[] key, int off, int len) {
    expect(RecordType.SERIES);
    Objects.checkFromIndexSize(off, len, key.length);
    int end = off + len;
    int fields = 0;
    for (int i = off; i < end; i++) {
      if (key[i] == Labels.KEY_SEPARATOR) {
        fields++;
      }
    }
    if ((len > 0 && key[end - 1] != Labels.KEY_SEPARATOR) || fields % 2 != 0) {
      throw new IllegalArgumentException("malformed series key of " + len + " bytes");
    }
    // Each field loses its 1-byte separator and gains a uvarint length of at most 5 bytes.
    ensure(8 + 10 + len + 4 * fields);
    putBe64(ref);
    putUvarint(fields / 2);
    int start = off;
    for (int i = off; i < end; i++) {
      if (key[i] == Labels.KEY_SEPARATOR) {
        putUvarint(i - start);
        System.arraycopy(key, start, buf, size, i - start);
        size += i - start;
        start = i + 1;
      }
    }
  }

  // ---- samples ----

  /** Starts a samples record. */
  public void beginSamples() {
    begin(RecordType.SAMPLES);
  }

  /**
   * Appends a float sample to the open samples record. Allocation-free once the buffer is large
   * enough.
   *
   * @param ref head series ref
   * @param t timestamp, ms
   * @param valueBits raw IEEE-754 bits of the value (never canonicalised)
   * @throws IllegalStateException if no samples record is open
   */
  public void sample(long ref, long t, long valueBits) {
    expect(RecordType.SAMPLES);
    ensure(16 + 10 + 10 + 8);
    putBase(ref, t);
    putVarint(ref - firstRef);
    putVarint(t - firstT);
    putBe64(valueBits);
  }

  // ---- tombstones ----

  /** Starts a tombstones record. */
  public void beginTombstones() {
    begin(RecordType.TOMBSTONES);
  }

  /**
   * Appends a deletion interval [{@code mint}, {@code maxt}] (ms) of series {@code ref}.
   *
   * @throws IllegalStateException if no tombstones record is open
   */
  public void tombstone(long ref, long mint, long maxt) {
    expect(RecordType.TOMBSTONES);
    ensure(8 + 10 + 10);
    putBe64(ref);
    putVarint(mint);
    putVarint(maxt);
  }

  // ---- exemplars ----

  /** Starts an exemplars record. */
  public void beginExemplars() {
    begin(RecordType.EXEMPLARS);
  }

  /**
   * Appends an exemplar of series {@code ref}.
   *
   * @throws IllegalStateException if no exemplars record is open
   */
  public void exemplar(long ref, long t, long valueBits, Labels labels) {
    expect(RecordType.EXEMPLARS);
    ensure(16 + 10 + 10 + 8 + 10);
    putBase(ref, t);
    putVarint(ref - firstRef);
    putVarint(t - firstT);
    putBe64(valueBits);
    putLabels(labels);
  }

  // ---- m-map markers ----

  /** Starts an m-map markers record. */
  public void beginMmapMarkers() {
    begin(RecordType.MMAP_MARKERS);
  }

  /**
   * Appends an m-map marker.
   *
   * @throws IllegalStateException if no m-map markers record is open
   */
  public void mmapMarker(long ref, long mmapRef) {
    expect(RecordType.MMAP_MARKERS);
    ensure(16);
    putBe64(ref);
    putBe64(mmapRef);
  }

  // ---- metadata ----

  /** Starts a metadata record. */
  public void beginMetadata() {
    begin(RecordType.METADATA);
  }

  /**
   * Appends the metadata of series {@code ref}, with the two fields Prometheus writes: {@code UNIT}
   * and {@code HELP}.
   *
   * @param type metric type code ({@code RecordFormat.METRIC_TYPE_*})
   * @throws IllegalStateException if no metadata record is open
   */
  public void metadata(long ref, byte type, String unit, String help) {
    expect(RecordType.METADATA);
    ensure(10 + 1 + 1);
    putUvarint(ref);
    buf[size++] = type;
    putUvarint(2);
    putString(RecordFormat.METADATA_UNIT);
    putString(unit);
    putString(RecordFormat.METADATA_HELP);
    putString(help);
  }

  // ---- histograms ----

  /** Starts an integer native histogram samples record. */
  public void beginHistogramSamples() {
    begin(RecordType.HISTOGRAM_SAMPLES);
  }

  /**
   * Appends an integer native histogram sample.
   *
   * @throws IllegalStateException if no histogram samples record is open
   */
  public void histogramSample(long ref, long t, Histogram h) {
    expect(RecordType.HISTOGRAM_SAMPLES);
    ensure(16 + 10 + 10 + 1 + 10 + 8 + 10 + 10 + 8);
    putBase(ref, t);
    putVarint(ref - firstRef);
    putVarint(t - firstT);
    buf[size++] = h.counterResetHint();
    putVarint(h.schema());
    putBe64(Double.doubleToRawLongBits(h.zeroThreshold()));
    putUvarint(h.zeroCount());
    putUvarint(h.count());
    putBe64(Double.doubleToRawLongBits(h.sum()));
    putSpans(h.positiveSpans());
    putSpans(h.negativeSpans());
    putVarints(h.positiveBuckets());
    putVarints(h.negativeBuckets());
  }

  /** Starts a float native histogram samples record. */
  public void beginFloatHistogramSamples() {
    begin(RecordType.FLOAT_HISTOGRAM_SAMPLES);
  }

  /**
   * Appends a float native histogram sample.
   *
   * @throws IllegalStateException if no float histogram samples record is open
   */
  public void floatHistogramSample(long ref, long t, FloatHistogram h) {
    expect(RecordType.FLOAT_HISTOGRAM_SAMPLES);
    ensure(16 + 10 + 10 + 1 + 10 + 8 * 4);
    putBase(ref, t);
    putVarint(ref - firstRef);
    putVarint(t - firstT);
    buf[size++] = h.counterResetHint();
    putVarint(h.schema());
    putBe64(Double.doubleToRawLongBits(h.zeroThreshold()));
    putBe64(Double.doubleToRawLongBits(h.zeroCount()));
    putBe64(Double.doubleToRawLongBits(h.count()));
    putBe64(Double.doubleToRawLongBits(h.sum()));
    putSpans(h.positiveSpans());
    putSpans(h.negativeSpans());
    putFloats(h.positiveBuckets());
    putFloats(h.negativeBuckets());
  }

  // ---- internals ----

  private void begin(RecordType type) {
    ensureBounds();
    ensure(1);
    bounds[count++] = size;
    buf[size++] = (byte) type.code();
    open = type;
    haveFirst = false;
  }

  private void expect(RecordType type) {
    if (open != type) {
      throw new IllegalStateException(
          "no " + type + " record open (open: " + open + "); call begin first");
    }
  }

  // The first entry of samples-like records writes the base ref and time the deltas refer to.
  private void putBase(long ref, long t) {
    if (!haveFirst) {
      haveFirst = true;
      firstRef = ref;
      firstT = t;
      putBe64(ref);
      putBe64(t);
    }
  }

  private void ensureBounds() {
    if (count + 1 >= bounds.length) {
      bounds = Arrays.copyOf(bounds, bounds.length * 2);
    }
  }

  private void ensure(int n) {
    if (size + n > buf.length) {
      long want = Math.max((long) buf.length * 2, (long) size + n);
      if (want > Integer.MAX_VALUE - 8) {
        if ((long) size + n > Integer.MAX_VALUE - 8) {
          throw new IllegalStateException("record buffer over 2 GiB");
        }
        want = Integer.MAX_VALUE - 8;
      }
      buf = Arrays.copyOf(buf, (int) want);
    }
  }

  private void putBe64(long v) {
    byte[] b = buf;
    int p = size;
    b[p] = (byte) (v >>> 56);
    b[p + 1] = (byte) (v >>> 48);
    b[p + 2] = (byte) (v >>> 40);
    b[p + 3] = (byte) (v >>> 32);
    b[p + 4] = (byte) (v >>> 24);
    b[p + 5] = (byte) (v >>> 16);
    b[p + 6] = (byte) (v >>> 8);
    b[p + 7] = (byte) v;
    size = p + 8;
  }

  // Caller has ensured 10 bytes.
  private void putUvarint(long v) {
    size = Varint.putUvarint(buf, size, v);
  }

  // Caller has ensured 10 bytes.
  private void putVarint(long v) {
    size = Varint.putVarint(buf, size, v);
  }

  private void putString(String s) {
    int n = Utf8.encodedLength(s);
    ensure(5 + n);
    putUvarint(n);
    size = Utf8.encode(s, buf, size);
  }

  private void putLabels(Labels labels) {
    int n = labels.size();
    ensure(10);
    putUvarint(n);
    for (int i = 0; i < n; i++) {
      putString(labels.name(i));
      putString(labels.value(i));
    }
  }

  private void putSpans(List<HistogramSpan> spans) {
    ensure(10 + spans.size() * 20);
    putUvarint(spans.size());
    for (int i = 0; i < spans.size(); i++) {
      HistogramSpan s = spans.get(i);
      putVarint(s.offset());
      putUvarint(s.length());
    }
  }

  private void putVarints(long[] values) {
    ensure(10 + values.length * 10);
    putUvarint(values.length);
    for (long v : values) {
      putVarint(v);
    }
  }

  private void putFloats(double[] values) {
    ensure(10 + values.length * 8);
    putUvarint(values.length);
    for (double v : values) {
      putBe64(Double.doubleToRawLongBits(v));
    }
  }
}
