// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/**
 * Encodes remote-write request bodies by hand with protobuf-java's {@link CodedOutputStream} (no
 * generated message classes), then compresses them with the snappy <b>block</b> format.
 *
 * <p>An encoder holds one set of series (a "chunk", the series of one request) and turns it into
 * one request per scrape round: {@link #reset()}, {@link #addSeries} for each series, then {@link
 * #encode} once per round with that round's values and timestamp. The label part of each series
 * (and the RW2 symbol table) is encoded once per chunk and copied into every round's body.
 *
 * <p>Each sample is its own {@code TimeSeries} element with exactly one {@code Sample}, as
 * Prometheus sends them. Layouts:
 *
 * <pre>
 * RW1 prometheus.WriteRequest:      1: repeated TimeSeries
 *   TimeSeries:                     1: repeated Label {1: name, 2: value}, 2: repeated Sample
 * RW2 io.prometheus.write.v2.Request: 4: repeated string symbols (symbols[0] = ""),
 *                                     5: repeated TimeSeries
 *   TimeSeries:                     1: packed uint32 labels_refs (name, value pairs), 2: Sample
 * Sample (both):                    1: double value (fixed64), 2: int64 timestamp (ms, varint)
 * </pre>
 *
 * <p>With {@link #histograms(boolean)} each series carries one integer native histogram per request
 * instead of a sample ({@code TimeSeries} field 4 in RW1, 3 in RW2, the same {@code Histogram}
 * message): schema 3, one span of 8 positive buckets of {@code round + 1} each, count {@code 8 *
 * (round + 1)}, the series' value as its sum, and the round's timestamp, so that a series'
 * histograms grow without counter resets from round to round.
 *
 * <p>Instances are not thread-safe; use one per thread. Sources: Prometheus {@code
 * prompb/remote.proto}, {@code prompb/types.proto} and {@code
 * prompb/io/prometheus/write/v2/types.proto}.
 */
public abstract sealed class RemoteWriteEncoder permits Rw1Encoder, Rw2Encoder {

  private static final int SAMPLE_FIELD = 2;
  private static final int HISTOGRAM_BUCKETS = 8;
  private static final double ZERO_THRESHOLD = 0x1p-128;

  private boolean histograms;

  /** Label parts of the series of the current chunk, back to back. */
  private byte[] labelBytes = new byte[64 * 1024];

  private int labelLength;
  private int[] labelOffsets = new int[1024];
  private int seriesCount;
  private byte[] body = new byte[256 * 1024];
  private int bodyLength;
  private byte[] compressed = new byte[0];

  RemoteWriteEncoder() {}

  /** Returns a new encoder for {@code protocol}. */
  public static RemoteWriteEncoder create(Protocol protocol) {
    return switch (protocol) {
      case V1 -> new Rw1Encoder();
      case V2 -> new Rw2Encoder();
    };
  }

  /** Sends native histograms instead of float samples from the next {@link #encode} on. */
  public void histograms(boolean on) {
    histograms = on;
  }

  /** Returns the protocol this encoder writes. */
  public abstract Protocol protocol();

  /** Forgets the series of the previous chunk. */
  public void reset() {
    labelLength = 0;
    seriesCount = 0;
    resetSymbols();
  }

  /** Returns the number of series added since the last {@link #reset()}. */
  public int seriesCount() {
    return seriesCount;
  }

  /**
   * Adds a series to the current chunk.
   *
   * @param names label names, sorted
   * @param values label values, in the order of {@code names}
   * @param count how many entries of {@code names} and {@code values} to use
   */
  public void addSeries(String[] names, String[] values, int count) {
    if (seriesCount + 1 >= labelOffsets.length) {
      labelOffsets = Arrays.copyOf(labelOffsets, labelOffsets.length * 2);
    }
    labelOffsets[seriesCount] = labelLength;
    int size = labelPartSize(names, values, count);
    if (labelLength + size > labelBytes.length) {
      labelBytes = Arrays.copyOf(labelBytes, Math.max(labelBytes.length * 2, labelLength + size));
    }
    CodedOutputStream out = CodedOutputStream.newInstance(labelBytes, labelLength, size);
    try {
      writeLabelPart(out, names, values, count);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    labelLength += size;
    seriesCount++;
    labelOffsets[seriesCount] = labelLength;
  }

  /**
   * Encodes one request (uncompressed protobuf) with one sample per series of the chunk.
   *
   * @param sampleValues value of series {@code j} of the chunk at index {@code j}
   * @param timestampMillis timestamp of every sample, ms since the epoch
   * @return the length of the body, available from {@link #body()}
   */
  public int encode(double[] sampleValues, long timestampMillis) {
    return encode(sampleValues, timestampMillis, 0);
  }

  /**
   * Encodes one request of scrape round {@code round} (which sets the histograms' bucket counts).
   *
   * @return the length of the body, available from {@link #body()}
   */
  public int encode(double[] sampleValues, long timestampMillis, int round) {
    long bucket = round + 1L;
    int deltasSize = CodedOutputStream.computeSInt64SizeNoTag(bucket) + HISTOGRAM_BUCKETS - 1;
    int spanSize = CodedOutputStream.computeUInt32Size(2, HISTOGRAM_BUCKETS);
    int sampleSize =
        histograms
            ? CodedOutputStream.computeUInt64Size(1, HISTOGRAM_BUCKETS * bucket)
                + CodedOutputStream.computeDoubleSize(3, 0)
                + CodedOutputStream.computeSInt32Size(4, 3)
                + CodedOutputStream.computeDoubleSize(5, ZERO_THRESHOLD)
                + CodedOutputStream.computeTagSize(11)
                + CodedOutputStream.computeUInt32SizeNoTag(spanSize)
                + spanSize
                + CodedOutputStream.computeTagSize(12)
                + CodedOutputStream.computeUInt32SizeNoTag(deltasSize)
                + deltasSize
                + CodedOutputStream.computeInt64Size(15, timestampMillis)
            : CodedOutputStream.computeDoubleSize(1, 0)
                + CodedOutputStream.computeInt64Size(2, timestampMillis);
    int field = histograms ? histogramField() : SAMPLE_FIELD;
    int sampleField = CodedOutputStream.computeTagSize(field);
    int seriesTag = CodedOutputStream.computeTagSize(seriesField());
    int sampleEntry =
        sampleField + CodedOutputStream.computeUInt32SizeNoTag(sampleSize) + sampleSize;
    byte[] prefix = prefix();
    long size = prefix.length;
    for (int j = 0; j < seriesCount; j++) {
      int seriesSize = labelOffsets[j + 1] - labelOffsets[j] + sampleEntry;
      size += seriesTag + CodedOutputStream.computeUInt32SizeNoTag(seriesSize) + seriesSize;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("request body of " + size + " bytes is too large");
    }
    if (body.length < size) {
      body = new byte[(int) Math.max(size, body.length * 2L)];
    }
    CodedOutputStream out = CodedOutputStream.newInstance(body, 0, (int) size);
    try {
      out.writeRawBytes(prefix);
      for (int j = 0; j < seriesCount; j++) {
        int labelStart = labelOffsets[j];
        int labelSize = labelOffsets[j + 1] - labelStart;
        out.writeTag(seriesField(), WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(labelSize + sampleEntry);
        out.writeRawBytes(labelBytes, labelStart, labelSize);
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(sampleSize);
        if (histograms) {
          out.writeUInt64(1, HISTOGRAM_BUCKETS * bucket);
          out.writeDouble(3, Math.abs(sampleValues[j]));
          out.writeSInt32(4, 3);
          out.writeDouble(5, ZERO_THRESHOLD);
          out.writeTag(11, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          out.writeUInt32NoTag(spanSize);
          out.writeUInt32(2, HISTOGRAM_BUCKETS);
          out.writeTag(12, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          out.writeUInt32NoTag(deltasSize);
          out.writeSInt64NoTag(bucket);
          for (int b = 1; b < HISTOGRAM_BUCKETS; b++) {
            out.writeSInt64NoTag(0);
          }
          out.writeInt64(15, timestampMillis);
        } else {
          out.writeDouble(1, sampleValues[j]);
          out.writeInt64(2, timestampMillis);
        }
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    bodyLength = (int) size;
    return bodyLength;
  }

  /** Returns the buffer holding the last {@link #encode}d body; valid until the next call. */
  public byte[] body() {
    return body;
  }

  /** Returns the length of the last {@link #encode}d body. */
  public int bodyLength() {
    return bodyLength;
  }

  /** Returns a new array with the last encoded body compressed in the snappy block format. */
  public byte[] compressBody() {
    int max = Snappy.maxCompressedLength(bodyLength);
    if (compressed.length < max) {
      compressed = new byte[max];
    }
    try {
      int n = Snappy.compress(body, 0, bodyLength, compressed, 0);
      return Arrays.copyOf(compressed, n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Field number of {@code TimeSeries} in the request message. */
  abstract int seriesField();

  /** The {@code TimeSeries} field of native histograms: 4 in RW1, 3 in RW2. */
  abstract int histogramField();

  /** Bytes that precede the time series in every body of the chunk. */
  abstract byte[] prefix();

  abstract void resetSymbols();

  abstract int labelPartSize(String[] names, String[] values, int count);

  abstract void writeLabelPart(CodedOutputStream out, String[] names, String[] values, int count)
      throws IOException;
}
