// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static io.sluice.receiver.decode.RemoteWriteFormat.EXEMPLAR_TIMESTAMP;
import static io.sluice.receiver.decode.RemoteWriteFormat.EXEMPLAR_VALUE;
import static io.sluice.receiver.decode.RemoteWriteFormat.LABEL_NAME;
import static io.sluice.receiver.decode.RemoteWriteFormat.LABEL_VALUE;
import static io.sluice.receiver.decode.RemoteWriteFormat.SAMPLE_TIMESTAMP;
import static io.sluice.receiver.decode.RemoteWriteFormat.SAMPLE_VALUE;
import static io.sluice.receiver.decode.RemoteWriteFormat.V1_EXEMPLAR_LABELS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V1_SERIES_EXEMPLARS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V1_SERIES_HISTOGRAMS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V1_SERIES_LABELS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V1_SERIES_SAMPLES;
import static io.sluice.receiver.decode.RemoteWriteFormat.V1_WRITE_REQUEST_METADATA;
import static io.sluice.receiver.decode.RemoteWriteFormat.V1_WRITE_REQUEST_TIMESERIES;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_EXEMPLAR_LABELS_REFS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_EXEMPLAR_LABELS_REFS_PACKED;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_REQUEST_SYMBOLS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_REQUEST_TIMESERIES;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_SAMPLE_START_TIMESTAMP;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_SERIES_CREATED_TIMESTAMP;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_SERIES_EXEMPLARS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_SERIES_HISTOGRAMS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_SERIES_LABELS_REFS;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_SERIES_LABELS_REFS_PACKED;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_SERIES_METADATA;
import static io.sluice.receiver.decode.RemoteWriteFormat.V2_SERIES_SAMPLES;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.xerial.snappy.Snappy;

/**
 * Decodes remote-write request bodies (snappy block compressed protobuf, {@link RemoteWriteFormat})
 * into a {@link WriteBatch}.
 *
 * <p>The steps, in order: the declared decoded length (the snappy header) is checked against the
 * limit before anything is allocated for the body; the body is decompressed into a buffer the
 * decoder keeps; a hand-written protobuf walker ({@link CodedInputStream}, no generated message
 * objects) records label byte ranges and sample values in the batch. Remote write 2.0 label refs
 * are resolved to symbol byte ranges after the walk, so symbols may follow the series. Exemplars
 * are decoded (their labels as byte ranges, like series labels); histograms and metadata are
 * counted, not decoded.
 *
 * <p>Not thread-safe: use one decoder per thread. The decoder owns its decompression buffer and its
 * batch; both are reused by the next {@link #decode} call. The buffer grows to the largest decoded
 * body seen (at most {@code maxDecodedBytes}) and is kept. In steady state a decode allocates one
 * {@link CodedInputStream} and nothing per series or per sample.
 */
public final class RemoteWriteDecoder {
  // Bit masks of the field numbers each message defines: a known field with an unexpected wire
  // type is an error; an unknown field is skipped.
  private static final long WRITE_REQUEST_FIELDS = 1L << 1 | 1L << 3;
  private static final long V1_SERIES_FIELDS = 1L << 1 | 1L << 2 | 1L << 3 | 1L << 4;
  private static final long LABEL_FIELDS = 1L << 1 | 1L << 2;
  private static final long V1_SAMPLE_FIELDS = 1L << 1 | 1L << 2;
  private static final long V2_REQUEST_FIELDS = 1L << 4 | 1L << 5;
  private static final long V2_SERIES_FIELDS =
      1L << 1 | 1L << 2 | 1L << 3 | 1L << 4 | 1L << 5 | 1L << 6;
  private static final long V2_SAMPLE_FIELDS = 1L << 1 | 1L << 2 | 1L << 3;
  private static final long EXEMPLAR_FIELDS = 1L << 1 | 1L << 2 | 1L << 3;

  private final int maxDecodedBytes;
  private final WriteBatch batch = new WriteBatch();
  private byte[] buffer = new byte[0];

  private int symbolCount;
  private int[] symbolOffsets = new int[64];
  private int[] symbolLengths = new int[64];

  // Remote write 2.0 label refs arrive as a flat list, possibly split over several fields.
  private int seriesRefCount;
  private int pendingNameRef;

  /**
   * @param maxDecodedBytes the largest decoded (decompressed) body accepted, in bytes; larger ones
   *     are rejected with {@link DecodedBodyTooLargeException} before any allocation
   * @throws IllegalArgumentException if {@code maxDecodedBytes} is negative
   */
  public RemoteWriteDecoder(int maxDecodedBytes) {
    if (maxDecodedBytes < 0) {
      throw new IllegalArgumentException("maxDecodedBytes must be >= 0: " + maxDecodedBytes);
    }
    this.maxDecodedBytes = maxDecodedBytes;
  }

  /** {@return the largest decoded body accepted, in bytes} */
  public int maxDecodedBytes() {
    return maxDecodedBytes;
  }

  /**
   * Decodes one request body.
   *
   * @param body the request body as received (snappy block format); only read
   * @param off the offset of the body in {@code body}
   * @param len the length of the body in bytes
   * @param version the version picked by {@link RemoteWriteVersion#negotiate}
   * @return this decoder's batch, filled; valid until the next call
   * @throws DecodedBodyTooLargeException if the declared decoded length exceeds the limit (413)
   * @throws SnappyDecodeException if the body is not a valid snappy block (400)
   * @throws ProtobufDecodeException if the decoded body is not a valid message (400)
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not lie inside {@code body}
   */
  public WriteBatch decode(byte[] body, int off, int len, RemoteWriteVersion version)
      throws RemoteWriteDecodeException {
    Objects.checkFromIndexSize(off, len, body.length);
    Objects.requireNonNull(version, "version");
    batch.reset();
    boolean decoded = false;
    try {
      int n = decompress(body, off, len);
      batch.begin(buffer, n, version);
      CodedInputStream in = CodedInputStream.newInstance(buffer, 0, n);
      if (version == RemoteWriteVersion.V1) {
        walkV1(in);
      } else {
        walkV2(in);
      }
      decoded = true;
      return batch;
    } catch (RemoteWriteDecodeException e) {
      throw e;
    } catch (IOException e) {
      // CodedInputStream reports truncation, malformed varints, bad tags and wire types this way.
      throw new ProtobufDecodeException(e.getMessage(), e);
    } finally {
      if (!decoded) {
        batch.reset();
      }
    }
  }

  /**
   * Decodes an uncompressed remote write 1.0 {@code WriteRequest}, such as the one the OTLP
   * translator produces: the same walk as {@link #decode} without the snappy step.
   *
   * @param message the serialized request; only read, and referenced by the batch until the next
   *     call
   * @param len the length of the message in bytes
   * @return this decoder's batch, filled; valid until the next call
   * @throws ProtobufDecodeException if the message is not a valid request
   */
  public WriteBatch decodeUncompressedV1(byte[] message, int len) throws ProtobufDecodeException {
    Objects.checkFromIndexSize(0, len, message.length);
    batch.reset();
    boolean decoded = false;
    try {
      batch.begin(message, len, RemoteWriteVersion.V1);
      walkV1(CodedInputStream.newInstance(message, 0, len));
      decoded = true;
      return batch;
    } catch (ProtobufDecodeException e) {
      throw e;
    } catch (IOException e) {
      throw new ProtobufDecodeException(e.getMessage(), e);
    } finally {
      if (!decoded) {
        batch.reset();
      }
    }
  }

  private int decompress(byte[] body, int off, int len) throws RemoteWriteDecodeException {
    long declared = declaredLength(body, off, len);
    if (declared < 0) {
      throw new SnappyDecodeException(corruptInput(body, off, len, "invalid length header"));
    }
    if (declared > maxDecodedBytes) {
      throw new DecodedBodyTooLargeException(declared, maxDecodedBytes);
    }
    int n = (int) declared;
    if (buffer.length < n) {
      buffer = new byte[n];
    }
    // snappy-java writes as many bytes as the header it parses itself declares, without looking
    // at the size of the output array: make sure it agrees with the check above.
    int nativeDeclared;
    try {
      nativeDeclared = Snappy.uncompressedLength(body, off, len);
    } catch (IOException e) {
      throw new SnappyDecodeException(corruptInput(body, off, len, e.getMessage()), e);
    }
    if (nativeDeclared != n) {
      throw new SnappyDecodeException(corruptInput(body, off, len, "invalid length header"));
    }
    int produced;
    try {
      produced = Snappy.uncompress(body, off, len, buffer, 0);
    } catch (IOException e) {
      throw new SnappyDecodeException(corruptInput(body, off, len, e.getMessage()), e);
    }
    if (produced != n) {
      throw new SnappyDecodeException(
          corruptInput(body, off, len, "decoded " + produced + " bytes, header declares " + n));
    }
    return n;
  }

  /**
   * Reads the snappy block header: the decoded length as a uvarint of at most 32 bits.
   *
   * @return the length, or -1 if the header is truncated or longer than 32 bits
   */
  static long declaredLength(byte[] body, int off, int len) {
    long value = 0;
    for (int i = 0; i < len && i < 5; i++) {
      int b = body[off + i] & 0xff;
      value |= (long) (b & 0x7f) << (7 * i);
      if (b < 0x80) {
        return value <= 0xffff_ffffL ? value : -1;
      }
    }
    return -1;
  }

  private static String corruptInput(byte[] body, int off, int len, String detail) {
    byte[] magic = RemoteWriteFormat.SNAPPY_FRAMED_MAGIC;
    if (len >= magic.length
        && Arrays.equals(body, off, off + magic.length, magic, 0, magic.length)) {
      return "body is in the snappy framed format; remote write requires the snappy block format";
    }
    return "corrupt input (" + detail + ")";
  }

  // ---- Remote write 1.0 ----

  private void walkV1(CodedInputStream in) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case V1_WRITE_REQUEST_TIMESERIES -> readSeriesV1(in, batch);
        case V1_WRITE_REQUEST_METADATA -> {
          skipLengthDelimited(in);
          batch.addMetadata();
        }
        default -> skipUnknown(in, tag, WRITE_REQUEST_FIELDS, "WriteRequest");
      }
    }
  }

  /**
   * Reads one length-prefixed {@code prometheus.TimeSeries} (the tag already read) into {@code
   * batch}; offsets are {@code in}'s total bytes read, so {@code in} must start at offset 0 of the
   * batch's buffer. Shared with {@link ThanosWriteRequestDecoder}, whose {@code
   * prometheus_copy.TimeSeries} has the same layout.
   */
  static void readSeriesV1(CodedInputStream in, WriteBatch batch) throws IOException {
    int length = in.readRawVarint32();
    int limit = in.pushLimit(length);
    batch.startSeries(in.getTotalBytesRead(), length);
    int histograms = 0;
    int exemplars = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case V1_SERIES_LABELS -> readLabel(in, batch);
        case V1_SERIES_SAMPLES -> readSample(in, batch, V1_SAMPLE_FIELDS);
        case V1_SERIES_EXEMPLARS -> {
          readExemplarV1(in, batch);
          exemplars++;
        }
        case V1_SERIES_HISTOGRAMS -> {
          markHistogram(in, batch, histograms);
          histograms++;
        }
        default -> skipUnknown(in, tag, V1_SERIES_FIELDS, "TimeSeries");
      }
    }
    in.popLimit(limit);
    batch.endSeries(histograms, exemplars);
  }

  private static void readLabel(CodedInputStream in, WriteBatch batch) throws IOException {
    readLabel(in, batch, false);
  }

  private static void readLabel(CodedInputStream in, WriteBatch batch, boolean ofExemplar)
      throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    int nameOffset = 0;
    int nameLength = 0;
    int valueOffset = 0;
    int valueLength = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case LABEL_NAME -> {
          nameLength = in.readRawVarint32();
          nameOffset = in.getTotalBytesRead();
          in.skipRawBytes(nameLength);
        }
        case LABEL_VALUE -> {
          valueLength = in.readRawVarint32();
          valueOffset = in.getTotalBytesRead();
          in.skipRawBytes(valueLength);
        }
        default -> skipUnknown(in, tag, LABEL_FIELDS, "Label");
      }
    }
    in.popLimit(limit);
    if (ofExemplar) {
      batch.addExemplarLabel(nameOffset, nameLength, valueOffset, valueLength);
    } else {
      batch.addLabel(nameOffset, nameLength, valueOffset, valueLength);
    }
  }

  // An exemplar's labels are kept as byte ranges, its value as raw bits (as a sample's).
  private static void readExemplarV1(CodedInputStream in, WriteBatch batch) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    long timestamp = 0;
    long valueBits = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case V1_EXEMPLAR_LABELS -> readLabel(in, batch, true);
        case EXEMPLAR_VALUE -> valueBits = in.readRawLittleEndian64();
        case EXEMPLAR_TIMESTAMP -> timestamp = in.readRawVarint64();
        default -> skipUnknown(in, tag, EXEMPLAR_FIELDS, "Exemplar");
      }
    }
    in.popLimit(limit);
    batch.addExemplar(timestamp, valueBits);
  }

  private static void readSample(CodedInputStream in, WriteBatch batch, long knownFields)
      throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    long timestamp = 0;
    long valueBits = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        // Raw bits, never through double: NaN payloads (the stale marker) must survive.
        case SAMPLE_VALUE -> valueBits = in.readRawLittleEndian64();
        case SAMPLE_TIMESTAMP -> timestamp = in.readRawVarint64();
        // Known in V2 (and ignored), unknown in V1: skipped either way.
        case V2_SAMPLE_START_TIMESTAMP -> in.skipField(tag);
        default -> skipUnknown(in, tag, knownFields, "Sample");
      }
    }
    in.popLimit(limit);
    batch.addSample(timestamp, valueBits);
  }

  // ---- Remote write 2.0 ----

  private void walkV2(CodedInputStream in) throws IOException {
    symbolCount = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case V2_REQUEST_SYMBOLS -> {
          int length = in.readRawVarint32();
          int offset = in.getTotalBytesRead();
          in.skipRawBytes(length);
          addSymbol(offset, length);
        }
        case V2_REQUEST_TIMESERIES -> readSeriesV2(in);
        default -> skipUnknown(in, tag, V2_REQUEST_FIELDS, "Request");
      }
    }
    if (symbolCount > 0 && symbolLengths[0] != 0) {
      throw new ProtobufDecodeException("symbols[0] must be the empty string");
    }
    batch.resolveSymbolRefs(symbolOffsets, symbolLengths, symbolCount);
  }

  private void addSymbol(int offset, int length) {
    int i = symbolCount;
    if (i == symbolOffsets.length) {
      int n = WriteBatch.grownLength(i, i + 1);
      symbolOffsets = Arrays.copyOf(symbolOffsets, n);
      symbolLengths = Arrays.copyOf(symbolLengths, n);
    }
    symbolOffsets[i] = offset;
    symbolLengths[i] = length;
    symbolCount = i + 1;
  }

  private void readSeriesV2(CodedInputStream in) throws IOException {
    int length = in.readRawVarint32();
    int limit = in.pushLimit(length);
    batch.startSeries(in.getTotalBytesRead(), length);
    seriesRefCount = 0;
    int histograms = 0;
    int exemplars = 0;
    boolean metadata = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case V2_SERIES_LABELS_REFS_PACKED -> {
          int refsLimit = in.pushLimit(in.readRawVarint32());
          while (!in.isAtEnd()) {
            addRef(in.readRawVarint32());
          }
          in.popLimit(refsLimit);
        }
        case V2_SERIES_LABELS_REFS -> addRef(in.readRawVarint32());
        case V2_SERIES_SAMPLES -> readSample(in, batch, V2_SAMPLE_FIELDS);
        case V2_SERIES_HISTOGRAMS -> {
          markHistogram(in, batch, histograms);
          histograms++;
        }
        case V2_SERIES_EXEMPLARS -> {
          readExemplarV2(in);
          exemplars++;
        }
        case V2_SERIES_METADATA -> {
          skipLengthDelimited(in);
          metadata = true;
        }
        case V2_SERIES_CREATED_TIMESTAMP -> in.readRawVarint64();
        default -> skipUnknown(in, tag, V2_SERIES_FIELDS, "TimeSeries");
      }
    }
    in.popLimit(limit);
    if ((seriesRefCount & 1) != 0) {
      throw new ProtobufDecodeException(
          "series " + batch.seriesCount() + ": labels_refs has odd length " + seriesRefCount);
    }
    if (metadata) {
      batch.addMetadata();
    }
    batch.endSeries(histograms, exemplars);
  }

  // Label refs are paired as the series' are, and resolved with them after the walk.
  private void readExemplarV2(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    long timestamp = 0;
    long valueBits = 0;
    int refs = 0;
    int nameRef = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case V2_EXEMPLAR_LABELS_REFS_PACKED -> {
          int refsLimit = in.pushLimit(in.readRawVarint32());
          while (!in.isAtEnd()) {
            int ref = in.readRawVarint32();
            if ((refs++ & 1) == 0) {
              nameRef = ref;
            } else {
              batch.addExemplarLabel(nameRef, 0, ref, 0);
            }
          }
          in.popLimit(refsLimit);
        }
        case V2_EXEMPLAR_LABELS_REFS -> {
          int ref = in.readRawVarint32();
          if ((refs++ & 1) == 0) {
            nameRef = ref;
          } else {
            batch.addExemplarLabel(nameRef, 0, ref, 0);
          }
        }
        case EXEMPLAR_VALUE -> valueBits = in.readRawLittleEndian64();
        case EXEMPLAR_TIMESTAMP -> timestamp = in.readRawVarint64();
        default -> skipUnknown(in, tag, EXEMPLAR_FIELDS, "Exemplar");
      }
    }
    in.popLimit(limit);
    if ((refs & 1) != 0) {
      throw new ProtobufDecodeException(
          "series " + batch.seriesCount() + ": exemplar labels_refs has odd length " + refs);
    }
    batch.addExemplar(timestamp, valueBits);
  }

  /** Pairs refs into labels; the batch holds the refs until {@link #walkV2} resolves them. */
  private void addRef(int ref) {
    if ((seriesRefCount++ & 1) == 0) {
      pendingNameRef = ref;
    } else {
      batch.addLabel(pendingNameRef, 0, ref, 0);
    }
  }

  // ---- Both ----

  // Histograms are not decoded here (they take a slower path, HistogramDecoder): their bytes are
  // noted and skipped.
  private static void markHistogram(CodedInputStream in, WriteBatch batch, int inSeries)
      throws IOException {
    int length = in.readRawVarint32();
    batch.addHistogram(inSeries, in.getTotalBytesRead(), length);
    in.skipRawBytes(length);
  }

  static void skipLengthDelimited(CodedInputStream in) throws IOException {
    in.skipRawBytes(in.readRawVarint32());
  }

  static void skipUnknown(CodedInputStream in, int tag, long knownFields, String message)
      throws IOException {
    int field = WireFormat.getTagFieldNumber(tag);
    if (field < 64 && (knownFields & (1L << field)) != 0) {
      throw new ProtobufDecodeException(
          message
              + " field "
              + field
              + " has unexpected wire type "
              + WireFormat.getTagWireType(tag));
    }
    if (!in.skipField(tag)) {
      throw new ProtobufDecodeException(
          message + " has an end-group tag for field " + field + " without a start-group");
    }
  }
}
