// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import java.util.Arrays;
import java.util.Objects;

/**
 * A flat view of one decoded remote-write request: series, their labels as byte ranges of {@link
 * #buffer()}, and their samples as primitive values. Remote write 1.0 and 2.0 requests look the
 * same here: 2.0 symbol references are already resolved to byte ranges of the symbols they name.
 *
 * <p>Series are numbered {@code 0..seriesCount()-1} in request order; labels and samples of a
 * series are numbered {@code 0..labelCount(series)-1} and {@code 0..sampleCount(series)-1} in the
 * order they were sent. A request may carry the same series more than once. Accessors check their
 * indexes and throw {@link IndexOutOfBoundsException} for a series or element that does not exist.
 *
 * <p>Not thread-safe. A batch belongs to one {@link RemoteWriteDecoder} (one per decoding thread)
 * and is valid until that decoder's next {@code decode} call, which resets it. Its primitive arrays
 * grow by doubling and are kept across requests, so decoding in steady state allocates nothing per
 * series or per sample. Each series costs 24 bytes of arrays, each label 16 and each sample 16, and
 * each takes at least 2 bytes of body, so a hostile body of empty messages makes the arrays at most
 * about 12 times the decoded body size (24 times with the doubling slack).
 *
 * <p>Exemplars are decoded too (labels as byte ranges, value bits, timestamp), into arrays of their
 * own that a request without exemplars never touches: exemplar {@code i} of a series has labels
 * {@code 0..exemplarLabelCount(series, i)-1}.
 *
 * <p>Label strings are not validated: they may be any bytes, empty, duplicated or unsorted; see
 * {@link io.sluice.receiver.validate.LabelValidator}.
 */
public final class WriteBatch {
  private static final int INITIAL_SERIES = 16;
  private static final int INITIAL_LABELS = 128;
  private static final int INITIAL_SAMPLES = 16;

  private byte[] buffer = new byte[0];
  private int bufferLength;
  private RemoteWriteVersion version = RemoteWriteVersion.V1;

  private int seriesCount;
  // Prefix arrays: the elements of series s are [xStart[s], xStart[s + 1]). xStart[0] is always 0.
  private int[] labelStart = new int[INITIAL_SERIES + 1];
  private int[] sampleStart = new int[INITIAL_SERIES + 1];
  private int[] histogramStart = new int[INITIAL_SERIES + 1];
  private int[] exemplarStart = new int[INITIAL_SERIES + 1];
  private int[] seriesOffset = new int[INITIAL_SERIES];
  private int[] seriesLength = new int[INITIAL_SERIES];

  private int labelTotal;
  private int[] nameOffset = new int[INITIAL_LABELS];
  private int[] nameLength = new int[INITIAL_LABELS];
  private int[] valueOffset = new int[INITIAL_LABELS];
  private int[] valueLength = new int[INITIAL_LABELS];

  private int sampleTotal;
  private long[] sampleTimestamps = new long[INITIAL_SAMPLES];
  private long[] sampleValueBits = new long[INITIAL_SAMPLES];

  private int histogramTotal;
  // Where each histogram message lies in the buffer, in request order.
  private int[] histogramOffset = new int[0];
  private int[] histogramLength = new int[0];
  private int exemplarTotal;

  // Exemplar e's labels are [exLabelStart[e], exLabelStart[e + 1]); allocated at the first one.
  private int exemplarsDecoded;
  private long[] exTimestamps = new long[0];
  private long[] exValueBits = new long[0];
  private int[] exLabelStart = new int[1];
  private int exLabelTotal;
  private int[] exNameOffset = new int[0];
  private int[] exNameLength = new int[0];
  private int[] exValueOffset = new int[0];
  private int[] exValueLength = new int[0];
  private int metadataCount;

  // Set by LabelRewriter: series whose labels no longer are those of their raw bytes.
  private boolean anyRewritten;
  private boolean[] rewritten = new boolean[0];

  /** Creates an empty V1 batch. Normally obtained from {@link RemoteWriteDecoder#decode}. */
  public WriteBatch() {}

  /**
   * Empties the batch, keeping its arrays. {@link RemoteWriteDecoder#decode} calls this before
   * decoding and after a failed decode.
   */
  public void reset() {
    bufferLength = 0;
    seriesCount = 0;
    labelTotal = 0;
    sampleTotal = 0;
    histogramTotal = 0;
    exemplarTotal = 0;
    exemplarsDecoded = 0;
    exLabelTotal = 0;
    metadataCount = 0;
    anyRewritten = false;
  }

  /**
   * The decoded (decompressed) request body. Every label offset points into it. Only the first
   * {@link #bufferLength()} bytes belong to the current request. After a {@link LabelRewriter} has
   * replaced labels, this is a copy of the body followed by the bytes of the new labels. The array
   * is owned by the decoder (or the rewriter) and overwritten by its next use; callers must not
   * modify it.
   *
   * @return the decoded body, possibly longer than the request
   */
  public byte[] buffer() {
    return buffer;
  }

  /** {@return the number of bytes of {@link #buffer()} that hold the decoded body} */
  public int bufferLength() {
    return bufferLength;
  }

  /** {@return the protocol version the request was decoded as} */
  public RemoteWriteVersion version() {
    return version;
  }

  /** {@return the number of TimeSeries elements in the request} */
  public int seriesCount() {
    return seriesCount;
  }

  /**
   * The byte range of a series' TimeSeries message (without its tag and length prefix) in {@link
   * #buffer()}. For V1 these bytes are a {@code prometheus.TimeSeries}, which is also the layout of
   * Thanos' forwarded TimeSeries, so they can be forwarded without re-encoding. For V2 they are an
   * {@code io.prometheus.write.v2.TimeSeries}, which only makes sense with the request's symbols.
   *
   * @param series the series index
   * @return the offset in {@link #buffer()}
   */
  public int seriesOffset(int series) {
    return seriesOffset[Objects.checkIndex(series, seriesCount)];
  }

  /**
   * Whether a {@link LabelRewriter} replaced the series' labels (relabelling), so that its bytes at
   * {@link #seriesOffset(int)} hold other labels than {@link #labelNameOffset(int, int)} and the
   * other label accessors: such a series must be re-encoded to be forwarded. False for every series
   * of a batch as decoded.
   *
   * @param series the series index
   * @return whether the labels were rewritten
   */
  public boolean labelsRewritten(int series) {
    Objects.checkIndex(series, seriesCount);
    return anyRewritten && rewritten[series];
  }

  /** {@return whether {@link #labelsRewritten} is true for any series} */
  public boolean anyLabelsRewritten() {
    return anyRewritten;
  }

  /**
   * The length of the byte range described by {@link #seriesOffset(int)}.
   *
   * @param series the series index
   * @return the length in bytes
   */
  public int seriesLength(int series) {
    return seriesLength[Objects.checkIndex(series, seriesCount)];
  }

  /**
   * @param series the series index
   * @return the number of labels of the series, as sent (0 is possible)
   */
  public int labelCount(int series) {
    Objects.checkIndex(series, seriesCount);
    return labelStart[series + 1] - labelStart[series];
  }

  /**
   * @param series the series index
   * @param i the label index within the series
   * @return the offset of the label's name in {@link #buffer()}
   */
  public int labelNameOffset(int series, int i) {
    return nameOffset[labelIndex(series, i)];
  }

  /**
   * @param series the series index
   * @param i the label index within the series
   * @return the length in bytes of the label's UTF-8 name (0 if empty or absent)
   */
  public int labelNameLength(int series, int i) {
    return nameLength[labelIndex(series, i)];
  }

  /**
   * @param series the series index
   * @param i the label index within the series
   * @return the offset of the label's value in {@link #buffer()}
   */
  public int labelValueOffset(int series, int i) {
    return valueOffset[labelIndex(series, i)];
  }

  /**
   * @param series the series index
   * @param i the label index within the series
   * @return the length in bytes of the label's UTF-8 value (0 if empty or absent)
   */
  public int labelValueLength(int series, int i) {
    return valueLength[labelIndex(series, i)];
  }

  /**
   * @param series the series index
   * @return the number of float samples of the series
   */
  public int sampleCount(int series) {
    Objects.checkIndex(series, seriesCount);
    return sampleStart[series + 1] - sampleStart[series];
  }

  /**
   * @param series the series index
   * @param i the sample index within the series
   * @return the sample's timestamp in milliseconds since the epoch (may be negative)
   */
  public long sampleTimestamp(int series, int i) {
    return sampleTimestamps[sampleIndex(series, i)];
  }

  /**
   * The sample's value as raw IEEE-754 bits, exactly as sent: NaN payloads such as the stale marker
   * {@code 0x7ff0000000000002} are preserved. Convert with {@link Double#longBitsToDouble(long)}
   * only where the payload no longer matters.
   *
   * @param series the series index
   * @param i the sample index within the series
   * @return the value's bits
   */
  public long sampleValueBits(int series, int i) {
    return sampleValueBits[sampleIndex(series, i)];
  }

  /**
   * @param series the series index
   * @return the number of native histogram samples of the series (counted, not decoded)
   */
  public int histogramCount(int series) {
    Objects.checkIndex(series, seriesCount);
    return histogramStart[series + 1] - histogramStart[series];
  }

  /**
   * The offset in {@link #buffer()} of the {@code i}-th native histogram message of a series (its
   * bytes, after the length prefix); decode it with {@link HistogramDecoder}.
   *
   * @param series the series index
   * @param i the histogram index within the series
   */
  public int histogramOffset(int series, int i) {
    return histogramOffset[histogramIndex(series, i)];
  }

  /** The length in bytes of the message at {@link #histogramOffset}. */
  public int histogramLength(int series, int i) {
    return histogramLength[histogramIndex(series, i)];
  }

  private int histogramIndex(int series, int i) {
    Objects.checkIndex(i, histogramCount(series));
    return histogramStart[series] + i;
  }

  /**
   * @param series the series index
   * @return the number of exemplars of the series
   */
  public int exemplarCount(int series) {
    Objects.checkIndex(series, seriesCount);
    return exemplarStart[series + 1] - exemplarStart[series];
  }

  /**
   * @param series the series index
   * @param i the exemplar index within the series
   * @return the exemplar's timestamp in milliseconds since the epoch
   */
  public long exemplarTimestamp(int series, int i) {
    return exTimestamps[exemplarIndex(series, i)];
  }

  /**
   * @param series the series index
   * @param i the exemplar index within the series
   * @return the exemplar's value as raw IEEE-754 bits, exactly as sent
   */
  public long exemplarValueBits(int series, int i) {
    return exValueBits[exemplarIndex(series, i)];
  }

  /**
   * @param series the series index
   * @param i the exemplar index within the series
   * @return the number of labels of the exemplar, as sent (0 is possible)
   */
  public int exemplarLabelCount(int series, int i) {
    int e = exemplarIndex(series, i);
    return exLabelStart[e + 1] - exLabelStart[e];
  }

  /**
   * @param series the series index
   * @param i the exemplar index within the series
   * @param l the label index within the exemplar
   * @return the offset of the label's name in {@link #buffer()}
   */
  public int exemplarLabelNameOffset(int series, int i, int l) {
    return exNameOffset[exemplarLabelIndex(series, i, l)];
  }

  /**
   * @param series the series index
   * @param i the exemplar index within the series
   * @param l the label index within the exemplar
   * @return the length in bytes of the label's UTF-8 name
   */
  public int exemplarLabelNameLength(int series, int i, int l) {
    return exNameLength[exemplarLabelIndex(series, i, l)];
  }

  /**
   * @param series the series index
   * @param i the exemplar index within the series
   * @param l the label index within the exemplar
   * @return the offset of the label's value in {@link #buffer()}
   */
  public int exemplarLabelValueOffset(int series, int i, int l) {
    return exValueOffset[exemplarLabelIndex(series, i, l)];
  }

  /**
   * @param series the series index
   * @param i the exemplar index within the series
   * @param l the label index within the exemplar
   * @return the length in bytes of the label's UTF-8 value
   */
  public int exemplarLabelValueLength(int series, int i, int l) {
    return exValueLength[exemplarLabelIndex(series, i, l)];
  }

  private int exemplarIndex(int series, int i) {
    Objects.checkIndex(series, seriesCount);
    int start = exemplarStart[series];
    Objects.checkIndex(i, exemplarStart[series + 1] - start);
    return start + i;
  }

  private int exemplarLabelIndex(int series, int i, int l) {
    int e = exemplarIndex(series, i);
    int start = exLabelStart[e];
    Objects.checkIndex(l, exLabelStart[e + 1] - start);
    return start + l;
  }

  /** {@return the number of float samples in the request} */
  public int totalSamples() {
    return sampleTotal;
  }

  /** {@return the number of native histogram samples in the request} */
  public int totalHistograms() {
    return histogramTotal;
  }

  /** {@return the number of exemplars in the request} */
  public int totalExemplars() {
    return exemplarTotal;
  }

  /**
   * The number of metadata entries: for V1 the {@code WriteRequest.metadata} elements, for V2 the
   * series that carry a {@code metadata} field.
   *
   * @return the metadata count
   */
  public int metadataCount() {
    return metadataCount;
  }

  private int labelIndex(int series, int i) {
    Objects.checkIndex(series, seriesCount);
    int start = labelStart[series];
    Objects.checkIndex(i, labelStart[series + 1] - start);
    return start + i;
  }

  private int sampleIndex(int series, int i) {
    Objects.checkIndex(series, seriesCount);
    int start = sampleStart[series];
    Objects.checkIndex(i, sampleStart[series + 1] - start);
    return start + i;
  }

  /**
   * Makes this batch an independent copy of {@code other}: its decoded body and arrays, into this
   * batch's own arrays (grown when needed, kept otherwise). Used where a batch must outlive the
   * request that decoded it (forwards still in flight after the client got its answer).
   *
   * @return this
   */
  public WriteBatch copyFrom(WriteBatch other) {
    if (other == this) {
      return this;
    }
    if (buffer.length < other.bufferLength) {
      buffer = new byte[grownLength(buffer.length, other.bufferLength)];
    }
    System.arraycopy(other.buffer, 0, buffer, 0, other.bufferLength);
    bufferLength = other.bufferLength;
    version = other.version;
    seriesCount = other.seriesCount;
    labelStart = copy(other.labelStart, labelStart, seriesCount + 1);
    sampleStart = copy(other.sampleStart, sampleStart, seriesCount + 1);
    histogramStart = copy(other.histogramStart, histogramStart, seriesCount + 1);
    exemplarStart = copy(other.exemplarStart, exemplarStart, seriesCount + 1);
    seriesOffset = copy(other.seriesOffset, seriesOffset, seriesCount);
    seriesLength = copy(other.seriesLength, seriesLength, seriesCount);
    labelTotal = other.labelTotal;
    nameOffset = copy(other.nameOffset, nameOffset, labelTotal);
    nameLength = copy(other.nameLength, nameLength, labelTotal);
    valueOffset = copy(other.valueOffset, valueOffset, labelTotal);
    valueLength = copy(other.valueLength, valueLength, labelTotal);
    sampleTotal = other.sampleTotal;
    if (sampleTimestamps.length < sampleTotal) {
      sampleTimestamps = new long[grownLength(sampleTimestamps.length, sampleTotal)];
      sampleValueBits = new long[sampleTimestamps.length];
    }
    System.arraycopy(other.sampleTimestamps, 0, sampleTimestamps, 0, sampleTotal);
    System.arraycopy(other.sampleValueBits, 0, sampleValueBits, 0, sampleTotal);
    histogramTotal = other.histogramTotal;
    histogramOffset = copy(other.histogramOffset, histogramOffset, histogramTotal);
    histogramLength = copy(other.histogramLength, histogramLength, histogramTotal);
    exemplarTotal = other.exemplarTotal;
    exemplarsDecoded = other.exemplarsDecoded;
    exLabelTotal = other.exLabelTotal;
    if (exemplarsDecoded > 0) {
      exTimestamps = copy(other.exTimestamps, exTimestamps, exemplarsDecoded);
      exValueBits = copy(other.exValueBits, exValueBits, exemplarsDecoded);
      exLabelStart = copy(other.exLabelStart, exLabelStart, exemplarsDecoded + 1);
      exNameOffset = copy(other.exNameOffset, exNameOffset, exLabelTotal);
      exNameLength = copy(other.exNameLength, exNameLength, exLabelTotal);
      exValueOffset = copy(other.exValueOffset, exValueOffset, exLabelTotal);
      exValueLength = copy(other.exValueLength, exValueLength, exLabelTotal);
    }
    metadataCount = other.metadataCount;
    anyRewritten = other.anyRewritten;
    if (anyRewritten) {
      if (rewritten.length < seriesCount) {
        rewritten = new boolean[grownLength(rewritten.length, seriesCount)];
      }
      System.arraycopy(other.rewritten, 0, rewritten, 0, seriesCount);
    }
    return this;
  }

  private static int[] copy(int[] from, int[] to, int n) {
    int[] dst = to.length >= n ? to : new int[grownLength(to.length, n)];
    System.arraycopy(from, 0, dst, 0, n);
    return dst;
  }

  private static long[] copy(long[] from, long[] to, int n) {
    long[] dst = to.length >= n ? to : new long[grownLength(to.length, n)];
    System.arraycopy(from, 0, dst, 0, n);
    return dst;
  }

  // ---- Replaced by LabelRewriter. ----

  /**
   * Installs the labels {@code r} built: the batch takes its four label arrays and gives its own in
   * exchange (each side keeps arrays of its own for the next use), copies its series' label starts,
   * and reads labels from {@code buffer}, which holds the body at the same offsets and the new
   * label bytes after it.
   */
  void installLabels(LabelRewriter r, byte[] buffer, int length, boolean[] rewrittenSeries) {
    int[][] mine = {nameOffset, nameLength, valueOffset, valueLength};
    nameOffset = r.nameOffset;
    nameLength = r.nameLength;
    valueOffset = r.valueOffset;
    valueLength = r.valueLength;
    labelTotal = r.labelTotal;
    r.takeArrays(mine);
    System.arraycopy(r.labelStart, 0, labelStart, 0, seriesCount + 1);
    this.buffer = buffer;
    this.bufferLength = length;
    if (rewritten.length < seriesCount) {
      rewritten = new boolean[grownLength(rewritten.length, seriesCount)];
    }
    System.arraycopy(rewrittenSeries, 0, rewritten, 0, seriesCount);
    this.anyRewritten = true;
  }

  int labelStartOf(int series) {
    return labelStart[series];
  }

  int rawNameOffset(int label) {
    return nameOffset[label];
  }

  int rawNameLength(int label) {
    return nameLength[label];
  }

  int rawValueOffset(int label) {
    return valueOffset[label];
  }

  int rawValueLength(int label) {
    return valueLength[label];
  }

  // ---- Filled by RemoteWriteDecoder. ----

  /** Resets the batch for a request whose decoded body is {@code buffer[0, length)}. */
  void begin(byte[] buffer, int length, RemoteWriteVersion version) {
    reset();
    this.buffer = buffer;
    this.bufferLength = length;
    this.version = version;
  }

  /** Opens series {@link #seriesCount()}; labels and samples added next belong to it. */
  void startSeries(int offset, int length) {
    int s = seriesCount;
    if (s + 1 >= labelStart.length) {
      int n = grownLength(labelStart.length, s + 2);
      labelStart = Arrays.copyOf(labelStart, n);
      sampleStart = Arrays.copyOf(sampleStart, n);
      histogramStart = Arrays.copyOf(histogramStart, n);
      exemplarStart = Arrays.copyOf(exemplarStart, n);
      seriesOffset = Arrays.copyOf(seriesOffset, n - 1);
      seriesLength = Arrays.copyOf(seriesLength, n - 1);
    }
    seriesOffset[s] = offset;
    seriesLength[s] = length;
  }

  /**
   * Notes the {@code inSeries}-th histogram of the open series, at {@code buffer[offset, +length)}.
   */
  void addHistogram(int inSeries, int offset, int length) {
    int h = histogramTotal + inSeries;
    if (h >= histogramOffset.length) {
      int n = grownLength(histogramOffset.length, h + 1);
      histogramOffset = Arrays.copyOf(histogramOffset, n);
      histogramLength = Arrays.copyOf(histogramLength, n);
    }
    histogramOffset[h] = offset;
    histogramLength[h] = length;
  }

  /** Closes the series opened by {@link #startSeries}. */
  void endSeries(int histograms, int exemplars) {
    int s = seriesCount++;
    histogramTotal += histograms;
    exemplarTotal += exemplars;
    labelStart[s + 1] = labelTotal;
    sampleStart[s + 1] = sampleTotal;
    histogramStart[s + 1] = histogramTotal;
    exemplarStart[s + 1] = exemplarTotal;
  }

  /** Adds a label to the open series. For V2, offsets hold symbol refs until resolved. */
  void addLabel(int nameOff, int nameLen, int valueOff, int valueLen) {
    int l = labelTotal;
    if (l == nameOffset.length) {
      int n = grownLength(l, l + 1);
      nameOffset = Arrays.copyOf(nameOffset, n);
      nameLength = Arrays.copyOf(nameLength, n);
      valueOffset = Arrays.copyOf(valueOffset, n);
      valueLength = Arrays.copyOf(valueLength, n);
    }
    nameOffset[l] = nameOff;
    nameLength[l] = nameLen;
    valueOffset[l] = valueOff;
    valueLength[l] = valueLen;
    labelTotal = l + 1;
  }

  /** Adds a sample to the open series. */
  void addSample(long timestamp, long valueBits) {
    int i = sampleTotal;
    if (i == sampleTimestamps.length) {
      int n = grownLength(i, i + 1);
      sampleTimestamps = Arrays.copyOf(sampleTimestamps, n);
      sampleValueBits = Arrays.copyOf(sampleValueBits, n);
    }
    sampleTimestamps[i] = timestamp;
    sampleValueBits[i] = valueBits;
    sampleTotal = i + 1;
  }

  void addMetadata() {
    metadataCount++;
  }

  /**
   * Adds a label to the exemplar being decoded. For V2, offsets hold symbol refs until resolved.
   */
  void addExemplarLabel(int nameOff, int nameLen, int valueOff, int valueLen) {
    int l = exLabelTotal;
    if (l == exNameOffset.length) {
      int n = grownLength(l, l + 1);
      exNameOffset = Arrays.copyOf(exNameOffset, n);
      exNameLength = Arrays.copyOf(exNameLength, n);
      exValueOffset = Arrays.copyOf(exValueOffset, n);
      exValueLength = Arrays.copyOf(exValueLength, n);
    }
    exNameOffset[l] = nameOff;
    exNameLength[l] = nameLen;
    exValueOffset[l] = valueOff;
    exValueLength[l] = valueLen;
    exLabelTotal = l + 1;
  }

  /**
   * Ends an exemplar of the open series: its labels are those added since the previous one. The
   * decoder still counts it in {@link #endSeries}.
   */
  void addExemplar(long timestamp, long valueBits) {
    int e = exemplarsDecoded;
    if (e == exTimestamps.length) {
      int n = grownLength(e, e + 1);
      exTimestamps = Arrays.copyOf(exTimestamps, n);
      exValueBits = Arrays.copyOf(exValueBits, n);
      exLabelStart = Arrays.copyOf(exLabelStart, n + 1);
    }
    exTimestamps[e] = timestamp;
    exValueBits[e] = valueBits;
    exLabelStart[e + 1] = exLabelTotal;
    exemplarsDecoded = e + 1;
  }

  /**
   * Replaces the symbol refs that V2 decoding stored in the label offsets by the byte ranges of the
   * symbols they name.
   *
   * @throws ProtobufDecodeException if a ref lies outside of {@code [0, symbolCount)}
   */
  void resolveSymbolRefs(int[] symbolOffsets, int[] symbolLengths, int symbolCount)
      throws ProtobufDecodeException {
    for (int l = 0; l < exLabelTotal; l++) {
      int nameRef = exNameOffset[l];
      int valueRef = exValueOffset[l];
      checkExemplarRef(nameRef, symbolCount);
      checkExemplarRef(valueRef, symbolCount);
      exNameOffset[l] = symbolOffsets[nameRef];
      exNameLength[l] = symbolLengths[nameRef];
      exValueOffset[l] = symbolOffsets[valueRef];
      exValueLength[l] = symbolLengths[valueRef];
    }
    for (int s = 0; s < seriesCount; s++) {
      for (int l = labelStart[s], end = labelStart[s + 1]; l < end; l++) {
        int nameRef = nameOffset[l];
        int valueRef = valueOffset[l];
        checkRef(nameRef, symbolCount, s);
        checkRef(valueRef, symbolCount, s);
        nameOffset[l] = symbolOffsets[nameRef];
        nameLength[l] = symbolLengths[nameRef];
        valueOffset[l] = symbolOffsets[valueRef];
        valueLength[l] = symbolLengths[valueRef];
      }
    }
  }

  private static void checkRef(int ref, int symbolCount, int series)
      throws ProtobufDecodeException {
    // Refs are uint32 on the wire: compare unsigned so that refs >= 2^31 are rejected too.
    if (Integer.compareUnsigned(ref, symbolCount) >= 0) {
      throw new ProtobufDecodeException(
          "series "
              + series
              + ": labels_refs "
              + Integer.toUnsignedString(ref)
              + " outside of symbols table (size "
              + symbolCount
              + ")");
    }
  }

  private static void checkExemplarRef(int ref, int symbolCount) throws ProtobufDecodeException {
    if (Integer.compareUnsigned(ref, symbolCount) >= 0) {
      throw new ProtobufDecodeException(
          "exemplar labels_refs "
              + Integer.toUnsignedString(ref)
              + " outside of symbols table (size "
              + symbolCount
              + ")");
    }
  }

  /** The next capacity of an array of {@code current} elements that must hold {@code needed}. */
  static int grownLength(int current, int needed) {
    long doubled = Math.max(2L * current, 1L);
    return (int) Math.min(Math.max(doubled, needed), Integer.MAX_VALUE - 8);
  }
}
