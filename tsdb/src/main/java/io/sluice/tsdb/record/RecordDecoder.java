// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import io.sluice.tsdb.encoding.Varint;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decodes WAL records ({@link RecordFormat}) written by Prometheus 2.42 or {@link RecordEncoder}.
 *
 * <p>Two views:
 *
 * <ul>
 *   <li>streaming, for replay: {@link #samples(byte[], int, int, SampleVisitor)} calls back once
 *       per sample with primitives and allocates nothing; {@link #series(byte[], int, int,
 *       SeriesVisitor)} hands out each series as a series key in a reused buffer, ready for the
 *       head's lookup;
 *   <li>value objects ({@link #decode} and the {@code List}-returning methods), for tools, tests
 *       and checkpoints.
 * </ul>
 *
 * <p>Decoding is as strict as Prometheus' decoder (truncated fields, varint overflow and trailing
 * bytes are errors) and also rejects series labels that are not valid UTF-8 or not strictly sorted
 * by name, because Sluice identifies series by their sorted key. Value bits are passed through
 * unchanged.
 *
 * <p>Not thread-safe: it keeps a cursor and a key buffer. Use one decoder per thread.
 */
public final class RecordDecoder {
  /** Receives the samples of a samples record, in record order. */
  @FunctionalInterface
  public interface SampleVisitor {
    /**
     * One sample.
     *
     * @param ref head series ref
     * @param t timestamp, ms
     * @param valueBits raw IEEE-754 bits of the value
     */
    void sample(long ref, long t, long valueBits);
  }

  /** Receives the series of a series record, in record order. */
  @FunctionalInterface
  public interface SeriesVisitor {
    /**
     * One series. The key ({@link Labels} series key format, labels sorted) is in a buffer the
     * decoder reuses: copy it if it must outlive the call.
     *
     * @param ref head series ref
     * @param key buffer holding the series key
     * @param off offset of the key
     * @param len length of the key
     */
    void series(long ref, byte[] key, int off, int len);
  }

  private byte[] b;
  private int start;
  private int pos;
  private int end;
  private String what;
  private int entries;
  private byte[] key = new byte[256];
  private int keyLen;

  /** Creates a decoder. */
  public RecordDecoder() {}

  /** The type of a record: its first byte, {@link RecordType#UNKNOWN} if empty or unknown. */
  public static RecordType type(byte[] rec, int off, int len) {
    return RecordType.of(rec, off, len);
  }

  // ---- streaming ----

  /**
   * Calls {@code visitor} for each sample of a samples record. Allocates nothing.
   *
   * @return the number of samples
   * @throws CorruptRecordException if the record is not a well-formed samples record; samples
   *     before the error have been passed to the visitor
   */
  public int samples(byte[] rec, int off, int len, SampleVisitor visitor)
      throws CorruptRecordException {
    start(rec, off, len, RecordType.SAMPLES, "samples");
    if (pos == end) {
      return 0;
    }
    long baseRef = be64();
    long baseT = be64();
    while (pos < end) {
      long dref = varint();
      long dt = varint();
      long bits = be64();
      visitor.sample(baseRef + dref, baseT + dt, bits);
      entries++;
    }
    return entries;
  }

  /**
   * Calls {@code visitor} for each series of a series record, with its labels as a series key.
   * Allocates nothing once the key buffer has grown to the longest key.
   *
   * @return the number of series
   * @throws CorruptRecordException if the record is not a well-formed series record, or labels are
   *     not valid UTF-8 or not strictly sorted by name
   */
  public int series(byte[] rec, int off, int len, SeriesVisitor visitor)
      throws CorruptRecordException {
    start(rec, off, len, RecordType.SERIES, "series");
    while (pos < end) {
      long ref = be64();
      readKey();
      visitor.series(ref, key, 0, keyLen);
      entries++;
    }
    return entries;
  }

  // ---- value objects ----

  /**
   * Decodes any record. Records with a type byte Prometheus 2.42 does not know, and empty records,
   * become {@link WalRecord.Unknown}.
   *
   * @throws CorruptRecordException if a record of a known type is malformed
   */
  public WalRecord decode(byte[] rec, int off, int len) throws CorruptRecordException {
    Objects.checkFromIndexSize(off, len, rec.length);
    return switch (RecordType.of(rec, off, len)) {
      case SERIES -> new WalRecord.Series(series(rec, off, len));
      case SAMPLES -> new WalRecord.Samples(samples(rec, off, len));
      case TOMBSTONES -> new WalRecord.Tombstones(tombstones(rec, off, len));
      case EXEMPLARS -> new WalRecord.Exemplars(exemplars(rec, off, len));
      case MMAP_MARKERS -> new WalRecord.MmapMarkers(mmapMarkers(rec, off, len));
      case METADATA -> new WalRecord.Metadata(metadata(rec, off, len));
      case HISTOGRAM_SAMPLES -> new WalRecord.HistogramSamples(histogramSamples(rec, off, len));
      case FLOAT_HISTOGRAM_SAMPLES ->
          new WalRecord.FloatHistogramSamples(floatHistogramSamples(rec, off, len));
      case UNKNOWN ->
          new WalRecord.Unknown(
              len == 0 ? -1 : rec[off] & 0xFF, Arrays.copyOfRange(rec, off, off + len));
    };
  }

  /**
   * The series of a series record.
   *
   * @throws CorruptRecordException as {@link #series(byte[], int, int, SeriesVisitor)}
   */
  public List<RefSeries> series(byte[] rec, int off, int len) throws CorruptRecordException {
    List<RefSeries> out = new ArrayList<>();
    start(rec, off, len, RecordType.SERIES, "series");
    while (pos < end) {
      long ref = be64();
      readKey();
      out.add(new RefSeries(ref, Labels.fromKey(key, 0, keyLen)));
      entries++;
    }
    return out;
  }

  /**
   * The samples of a samples record.
   *
   * @throws CorruptRecordException if the record is not a well-formed samples record
   */
  public List<RefSample> samples(byte[] rec, int off, int len) throws CorruptRecordException {
    List<RefSample> out = new ArrayList<>();
    samples(rec, off, len, (ref, t, v) -> out.add(new RefSample(ref, t, v)));
    return out;
  }

  /**
   * The intervals of a tombstones record.
   *
   * @throws CorruptRecordException if the record is not a well-formed tombstones record
   */
  public List<Tombstone> tombstones(byte[] rec, int off, int len) throws CorruptRecordException {
    start(rec, off, len, RecordType.TOMBSTONES, "tombstones");
    List<Tombstone> out = new ArrayList<>();
    while (pos < end) {
      long ref = be64();
      long mint = varint();
      long maxt = varint();
      out.add(new Tombstone(ref, mint, maxt));
      entries++;
    }
    return out;
  }

  /**
   * The exemplars of an exemplars record.
   *
   * @throws CorruptRecordException if the record is not a well-formed exemplars record
   */
  public List<RefExemplar> exemplars(byte[] rec, int off, int len) throws CorruptRecordException {
    start(rec, off, len, RecordType.EXEMPLARS, "exemplars");
    List<RefExemplar> out = new ArrayList<>();
    if (pos == end) {
      return out;
    }
    long baseRef = be64();
    long baseT = be64();
    while (pos < end) {
      long dref = varint();
      long dt = varint();
      long bits = be64();
      Labels labels = readLabels();
      out.add(new RefExemplar(baseRef + dref, baseT + dt, bits, labels));
      entries++;
    }
    return out;
  }

  /**
   * The markers of an m-map markers record.
   *
   * @throws CorruptRecordException if the record is not a well-formed m-map markers record
   */
  public List<RefMmapMarker> mmapMarkers(byte[] rec, int off, int len)
      throws CorruptRecordException {
    start(rec, off, len, RecordType.MMAP_MARKERS, "mmap markers");
    List<RefMmapMarker> out = new ArrayList<>();
    while (pos < end) {
      long ref = be64();
      long mmapRef = be64();
      out.add(new RefMmapMarker(ref, mmapRef));
      entries++;
    }
    return out;
  }

  /**
   * The entries of a metadata record. Fields other than {@code UNIT} and {@code HELP} are skipped,
   * as Prometheus does; a missing field reads as the empty string.
   *
   * @throws CorruptRecordException if the record is not a well-formed metadata record
   */
  public List<RefMetadata> metadata(byte[] rec, int off, int len) throws CorruptRecordException {
    start(rec, off, len, RecordType.METADATA, "metadata");
    List<RefMetadata> out = new ArrayList<>();
    while (pos < end) {
      long ref = uvarint();
      byte type = byte1();
      long fields = count(2);
      String unit = "";
      String help = "";
      for (long i = 0; i < fields; i++) {
        String name = string();
        String value = string();
        if (name.equals(RecordFormat.METADATA_UNIT)) {
          unit = value;
        } else if (name.equals(RecordFormat.METADATA_HELP)) {
          help = value;
        }
      }
      out.add(new RefMetadata(ref, type, unit, help));
      entries++;
    }
    return out;
  }

  /**
   * The samples of an integer native histogram samples record.
   *
   * @throws CorruptRecordException if the record is not well-formed
   */
  public List<RefHistogramSample> histogramSamples(byte[] rec, int off, int len)
      throws CorruptRecordException {
    start(rec, off, len, RecordType.HISTOGRAM_SAMPLES, "histogram samples");
    List<RefHistogramSample> out = new ArrayList<>();
    if (pos == end) {
      return out;
    }
    long baseRef = be64();
    long baseT = be64();
    while (pos < end) {
      long dref = varint();
      long dt = varint();
      byte hint = byte1();
      int schema = int32(varint());
      double zeroThreshold = Double.longBitsToDouble(be64());
      long zeroCount = uvarint();
      long count = uvarint();
      double sum = Double.longBitsToDouble(be64());
      List<HistogramSpan> posSpans = spans();
      List<HistogramSpan> negSpans = spans();
      long[] pb = varints();
      long[] nb = varints();
      out.add(
          new RefHistogramSample(
              baseRef + dref,
              baseT + dt,
              new Histogram(
                  hint, schema, zeroThreshold, zeroCount, count, sum, posSpans, negSpans, pb, nb)));
      entries++;
    }
    return out;
  }

  /**
   * The samples of a float native histogram samples record.
   *
   * @throws CorruptRecordException if the record is not well-formed
   */
  public List<RefFloatHistogramSample> floatHistogramSamples(byte[] rec, int off, int len)
      throws CorruptRecordException {
    start(rec, off, len, RecordType.FLOAT_HISTOGRAM_SAMPLES, "float histogram samples");
    List<RefFloatHistogramSample> out = new ArrayList<>();
    if (pos == end) {
      return out;
    }
    long baseRef = be64();
    long baseT = be64();
    while (pos < end) {
      long dref = varint();
      long dt = varint();
      byte hint = byte1();
      int schema = int32(varint());
      double zeroThreshold = Double.longBitsToDouble(be64());
      double zeroCount = Double.longBitsToDouble(be64());
      double count = Double.longBitsToDouble(be64());
      double sum = Double.longBitsToDouble(be64());
      List<HistogramSpan> posSpans = spans();
      List<HistogramSpan> negSpans = spans();
      double[] pb = floats();
      double[] nb = floats();
      out.add(
          new RefFloatHistogramSample(
              baseRef + dref,
              baseT + dt,
              new FloatHistogram(
                  hint, schema, zeroThreshold, zeroCount, count, sum, posSpans, negSpans, pb, nb)));
      entries++;
    }
    return out;
  }

  // ---- cursor ----

  private void start(byte[] rec, int off, int len, RecordType type, String name)
      throws CorruptRecordException {
    Objects.checkFromIndexSize(off, len, rec.length);
    b = rec;
    start = off;
    pos = off;
    end = off + len;
    what = name;
    entries = 0;
    if (len == 0) {
      throw corrupt("empty record");
    }
    int code = rec[off] & 0xFF;
    if (code != type.code()) {
      throw corrupt("type byte is " + code + ", want " + type.code());
    }
    pos++;
  }

  private CorruptRecordException corrupt(String detail) {
    return new CorruptRecordException(
        what
            + " record: "
            + detail
            + " (after "
            + entries
            + " entries, at byte "
            + (pos - start)
            + " of "
            + (end - start)
            + ")");
  }

  private byte byte1() throws CorruptRecordException {
    if (pos >= end) {
      throw corrupt("truncated");
    }
    return b[pos++];
  }

  private long be64() throws CorruptRecordException {
    if (end - pos < 8) {
      throw corrupt("truncated 8-byte field");
    }
    byte[] a = b;
    int p = pos;
    pos = p + 8;
    return ((a[p] & 0xFFL) << 56)
        | ((a[p + 1] & 0xFFL) << 48)
        | ((a[p + 2] & 0xFFL) << 40)
        | ((a[p + 3] & 0xFFL) << 32)
        | ((a[p + 4] & 0xFFL) << 24)
        | ((a[p + 5] & 0xFFL) << 16)
        | ((a[p + 6] & 0xFFL) << 8)
        | (a[p + 7] & 0xFFL);
  }

  private long uvarint() throws CorruptRecordException {
    int n = Varint.uvarintLength(b, pos, end);
    if (n <= 0) {
      pos = n == Varint.TRUNCATED ? end : pos - n;
      throw corrupt(n == Varint.TRUNCATED ? "truncated varint" : "varint overflows 64 bits");
    }
    long v = Varint.uvarint(b, pos);
    pos += n;
    return v;
  }

  private long varint() throws CorruptRecordException {
    return Varint.unzigzag(uvarint());
  }

  private int int32(long v) throws CorruptRecordException {
    if (v != (int) v) {
      throw corrupt("value " + v + " out of int32 range");
    }
    return (int) v;
  }

  // A count of items that take at least minBytes each, checked against what is left so that a
  // corrupt count cannot make us allocate.
  private long count(int minBytes) throws CorruptRecordException {
    long n = uvarint();
    if (n < 0 || n > (end - pos) / minBytes) {
      throw corrupt("count " + Long.toUnsignedString(n) + " exceeds the remaining bytes");
    }
    return n;
  }

  private int length() throws CorruptRecordException {
    long n = uvarint();
    if (n < 0 || n > end - pos) {
      throw corrupt("string length " + Long.toUnsignedString(n) + " exceeds the remaining bytes");
    }
    return (int) n;
  }

  private String string() throws CorruptRecordException {
    int n = length();
    String s = new String(b, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  // Reads a label set into key[0, keyLen) in series key format, strictly.
  private void readKey() throws CorruptRecordException {
    int n = (int) count(2);
    keyLen = 0;
    int prevName = -1;
    int prevNameLen = 0;
    for (int i = 0; i < 2 * n; i++) {
      int l = length();
      if (!Utf8.isValid(b, pos, l)) {
        throw corrupt("label string is not valid UTF-8");
      }
      if (keyLen + l + 1 > key.length) {
        key = Arrays.copyOf(key, Math.max(key.length * 2, keyLen + l + 1));
      }
      int at = keyLen;
      System.arraycopy(b, pos, key, at, l);
      pos += l;
      key[at + l] = Labels.KEY_SEPARATOR;
      keyLen = at + l + 1;
      if (i % 2 == 0) {
        if (prevName >= 0
            && Arrays.compareUnsigned(key, prevName, prevName + prevNameLen, key, at, at + l)
                >= 0) {
          throw corrupt("label names not strictly sorted");
        }
        prevName = at;
        prevNameLen = l;
      }
    }
  }

  private Labels readLabels() throws CorruptRecordException {
    int n = (int) count(2);
    String[] nv = new String[2 * n];
    for (int i = 0; i < nv.length; i++) {
      nv[i] = string();
    }
    try {
      return Labels.of(nv);
    } catch (IllegalArgumentException e) {
      throw corrupt(e.getMessage());
    }
  }

  private List<HistogramSpan> spans() throws CorruptRecordException {
    int n = (int) count(2);
    List<HistogramSpan> spans = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int offset = int32(varint());
      long length = uvarint();
      if (length < 0 || length > 0xFFFF_FFFFL) {
        throw corrupt("span length out of uint32 range");
      }
      spans.add(new HistogramSpan(offset, length));
    }
    return spans;
  }

  private long[] varints() throws CorruptRecordException {
    int n = (int) count(1);
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = varint();
    }
    return v;
  }

  private double[] floats() throws CorruptRecordException {
    int n = (int) count(8);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Double.longBitsToDouble(be64());
    }
    return v;
  }
}
