// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import io.sluice.tsdb.labels.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Builds remote-write request bodies of {@link BenchSeries} with the generated protobuf classes, as
 * a Prometheus sender lays them out: one sample per {@code TimeSeries}, labels sorted, and for
 * remote write 2.0 a symbol table in order of first use starting with the empty string.
 *
 * <p>{@link Template} rewrites the timestamps and values of an encoded request in place, so that a
 * benchmark can send the same series at ever later scrapes without building messages in its timed
 * code and without allocating.
 */
final class RemoteWriteBodies {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  // Timestamps between 2^35 and 2^42 ms (1971 to 2109) are varints of exactly six bytes.
  private static final long MIN_6_BYTE_VARINT = 1L << 35;
  private static final long MAX_6_BYTE_VARINT = (1L << 42) - 1;

  private RemoteWriteBodies() {}

  /**
   * Encodes series {@code [from, from + count)} at scrape {@code pass} as an uncompressed request.
   */
  static byte[] encode(
      RemoteWriteVersion version, BenchSeries series, int from, int count, long pass) {
    return version == RemoteWriteVersion.V1
        ? encodeV1(series, from, count, pass)
        : encodeV2(series, from, count, pass);
  }

  /**
   * Encodes series {@code [0, count)} as an uncompressed remote-write 1.0 request with one sample
   * each at {@code timestampMs} (for a receiver that checks samples against its clock).
   */
  static byte[] encodeV1At(BenchSeries series, int count, long timestampMs) {
    try {
      RemoteWrite.WriteRequest.Builder request =
          RemoteWrite.WriteRequest.parseFrom(encodeV1(series, 0, count, 0)).toBuilder();
      for (RemoteWrite.TimeSeries.Builder ts : request.getTimeseriesBuilderList()) {
        ts.getSamplesBuilder(0).setTimestamp(timestampMs);
      }
      return request.build().toByteArray();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("re-reading a request just encoded", e);
    }
  }

  private static byte[] encodeV1(BenchSeries series, int from, int count, long pass) {
    RemoteWrite.WriteRequest.Builder request = RemoteWrite.WriteRequest.newBuilder();
    for (int i = from; i < from + count; i++) {
      RemoteWrite.TimeSeries.Builder ts = RemoteWrite.TimeSeries.newBuilder();
      Labels labels = series.labels(i);
      for (int l = 0; l < labels.size(); l++) {
        ts.addLabels(
            RemoteWrite.Label.newBuilder().setName(labels.name(l)).setValue(labels.value(l)));
      }
      ts.addSamples(
          RemoteWrite.Sample.newBuilder()
              .setTimestamp(series.timestamp(i, pass))
              .setValue(Double.longBitsToDouble(series.valueBits(i, pass))));
      request.addTimeseries(ts);
    }
    return request.build().toByteArray();
  }

  private static byte[] encodeV2(BenchSeries series, int from, int count, long pass) {
    RemoteWriteV2.Request.Builder request = RemoteWriteV2.Request.newBuilder();
    Map<String, Integer> symbols = new HashMap<>();
    symbols.put("", 0);
    request.addSymbols("");
    for (int i = from; i < from + count; i++) {
      RemoteWriteV2.TimeSeries.Builder ts = RemoteWriteV2.TimeSeries.newBuilder();
      Labels labels = series.labels(i);
      for (int l = 0; l < labels.size(); l++) {
        ts.addLabelsRefs(symbol(request, symbols, labels.name(l)));
        ts.addLabelsRefs(symbol(request, symbols, labels.value(l)));
      }
      ts.addSamples(
          RemoteWriteV2.Sample.newBuilder()
              .setTimestamp(series.timestamp(i, pass))
              .setValue(Double.longBitsToDouble(series.valueBits(i, pass))));
      request.addTimeseries(ts);
    }
    return request.build().toByteArray();
  }

  private static int symbol(
      RemoteWriteV2.Request.Builder request, Map<String, Integer> symbols, String s) {
    Integer ref = symbols.get(s);
    if (ref == null) {
      ref = symbols.size();
      symbols.put(s, ref);
      request.addSymbols(s);
    }
    return ref;
  }

  /** Snappy block compression, as a remote-write sender does it. */
  static byte[] snappy(byte[] protobuf) {
    try {
      return Snappy.compress(protobuf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An encoded request for series {@code [from, from + count)} whose sample timestamps and values
   * can be moved to any scrape. Not thread-safe; {@link #compressPass} allocates nothing.
   */
  static final class Template {
    private final BenchSeries series;
    private final int from;
    private final int count;
    private final byte[] protobuf;
    // Per sample: where its timestamp varint and its value's fixed64 start, -1 for no value field.
    private final int[] timestampAt;
    private final int[] valueAt;

    Template(RemoteWriteVersion version, BenchSeries series, int from, int count) {
      this.series = series;
      this.from = from;
      this.count = count;
      this.protobuf = encode(version, series, from, count, 0);
      this.timestampAt = new int[count];
      this.valueAt = new int[count];
      locateSamples(version);
    }

    /** {@return the largest compressed size of this request, in bytes} */
    int maxCompressedLength() {
      return Snappy.maxCompressedLength(protobuf.length);
    }

    /** {@return the uncompressed size of this request, in bytes} */
    int uncompressedLength() {
      return protobuf.length;
    }

    /**
     * Moves every sample to scrape {@code pass} and compresses the request into {@code out}.
     *
     * @return the compressed length
     */
    int compressPass(long pass, byte[] out) {
      for (int k = 0; k < count; k++) {
        int i = from + k;
        writeVarint6(protobuf, timestampAt[k], series.timestamp(i, pass));
        if (!series.isConstant(i)) {
          LONG_LE.set(protobuf, valueAt[k], series.valueBits(i, pass));
        }
      }
      try {
        return Snappy.compress(protobuf, 0, protobuf.length, out, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void locateSamples(RemoteWriteVersion version) {
      int seriesTag =
          tag(version == RemoteWriteVersion.V1 ? 1 : 5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      int samplesTag = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      int valueTag = tag(1, WireFormat.WIRETYPE_FIXED64);
      int timestampTag = tag(2, WireFormat.WIRETYPE_VARINT);
      int k = 0;
      try {
        CodedInputStream in = CodedInputStream.newInstance(protobuf);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          if (tag != seriesTag) {
            in.skipField(tag);
            continue;
          }
          int seriesLimit = in.pushLimit(in.readRawVarint32());
          for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t != samplesTag) {
              in.skipField(t);
              continue;
            }
            int sampleLimit = in.pushLimit(in.readRawVarint32());
            valueAt[k] = -1;
            timestampAt[k] = -1;
            for (int f = in.readTag(); f != 0; f = in.readTag()) {
              if (f == valueTag) {
                valueAt[k] = in.getTotalBytesRead();
                in.readRawLittleEndian64();
              } else if (f == timestampTag) {
                timestampAt[k] = in.getTotalBytesRead();
                in.readRawVarint64();
              } else {
                in.skipField(f);
              }
            }
            in.popLimit(sampleLimit);
            int i = from + k;
            if (timestampAt[k] < 0 || (valueAt[k] < 0 && !series.isConstant(i))) {
              throw new IllegalStateException("sample of series " + i + " lacks a field");
            }
            k++;
          }
          in.popLimit(seriesLimit);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (k != count) {
        throw new IllegalStateException("found " + k + " samples, expected " + count);
      }
    }
  }

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  private static void writeVarint6(byte[] b, int at, long v) {
    if (v < MIN_6_BYTE_VARINT || v > MAX_6_BYTE_VARINT) {
      throw new IllegalArgumentException("timestamp is not a 6-byte varint: " + v);
    }
    for (int i = 0; i < 5; i++) {
      b[at + i] = (byte) (v & 0x7F | 0x80);
      v >>>= 7;
    }
    b[at + 5] = (byte) v;
  }
}
