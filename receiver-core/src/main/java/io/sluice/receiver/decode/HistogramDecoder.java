// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one native histogram message of a remote-write request (RW1 {@code prometheus.Histogram},
 * RW2 {@code io.prometheus.write.v2.Histogram}: the same fields 1–15; see {@link
 * RemoteWriteFormat}) from the bytes {@link WriteBatch#histogramOffset} names. Histograms take this
 * slower path, off the float samples' allocation-free one: each decode allocates its histogram.
 *
 * <p>A histogram is a float histogram when its {@code count} oneof holds {@code count_float} (field
 * 2), as Thanos' {@code IsFloatHistogram} decides; Prometheus 2.42 tested {@code count_float > 0 ||
 * zero_count_float > 0} instead. Fields 16 ({@code custom_values}) and 17 ({@code start_timestamp})
 * and unknown fields are skipped. Repeated numbers are accepted packed and unpacked. Stateless and
 * thread-safe.
 */
public final class HistogramDecoder {
  /** A decoded histogram: exactly one of {@code histogram} and {@code floatHistogram} is set. */
  public record Decoded(long timestamp, Histogram histogram, FloatHistogram floatHistogram) {}

  private HistogramDecoder() {}

  /**
   * Decodes the message in {@code buf[off, off + len)}.
   *
   * @throws ProtobufDecodeException if the bytes are not a histogram message
   */
  public static Decoded decode(byte[] buf, int off, int len) throws ProtobufDecodeException {
    try {
      return read(CodedInputStream.newInstance(buf, off, len));
    } catch (IOException | IllegalArgumentException e) {
      throw new ProtobufDecodeException("histogram: " + e.getMessage());
    }
  }

  private static Decoded read(CodedInputStream in) throws IOException {
    boolean isFloat = false;
    long countInt = 0;
    double countFloat = 0;
    double sum = 0;
    int schema = 0;
    double zeroThreshold = 0;
    long zeroInt = 0;
    double zeroFloat = 0;
    List<HistogramSpan> negSpans = new ArrayList<>();
    List<HistogramSpan> posSpans = new ArrayList<>();
    Longs negDeltas = new Longs();
    Longs posDeltas = new Longs();
    Doubles negCounts = new Doubles();
    Doubles posCounts = new Doubles();
    int hint = 0;
    long t = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      int type = WireFormat.getTagWireType(tag);
      switch (field) {
        case 1 -> {
          countInt = in.readUInt64();
          isFloat = false;
        }
        case 2 -> {
          countFloat = in.readDouble();
          isFloat = true;
        }
        case 3 -> sum = in.readDouble();
        case 4 -> schema = in.readSInt32();
        case 5 -> zeroThreshold = in.readDouble();
        case 6 -> zeroInt = in.readUInt64();
        case 7 -> zeroFloat = in.readDouble();
        case 8 -> negSpans.add(span(in));
        case 9 -> sint64s(in, type, negDeltas);
        case 10 -> doubles(in, type, negCounts);
        case 11 -> posSpans.add(span(in));
        case 12 -> sint64s(in, type, posDeltas);
        case 13 -> doubles(in, type, posCounts);
        case 14 -> hint = in.readEnum();
        case 15 -> t = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    byte h = (byte) (hint >= 0 && hint <= 3 ? hint : 0);
    if (isFloat) {
      return new Decoded(
          t,
          null,
          new FloatHistogram(
              h,
              schema,
              zeroThreshold,
              zeroFloat,
              countFloat,
              sum,
              posSpans,
              negSpans,
              posCounts.toArray(),
              negCounts.toArray()));
    }
    return new Decoded(
        t,
        new Histogram(
            h,
            schema,
            zeroThreshold,
            zeroInt,
            countInt,
            sum,
            posSpans,
            negSpans,
            posDeltas.toArray(),
            negDeltas.toArray()),
        null);
  }

  private static HistogramSpan span(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    int offset = 0;
    long length = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> offset = in.readSInt32();
        case 2 -> length = in.readUInt32() & 0xFFFF_FFFFL;
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return new HistogramSpan(offset, length);
  }

  private static void sint64s(CodedInputStream in, int type, Longs out) throws IOException {
    if (type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int limit = in.pushLimit(in.readRawVarint32());
      while (!in.isAtEnd()) {
        out.add(in.readSInt64());
      }
      in.popLimit(limit);
    } else {
      out.add(in.readSInt64());
    }
  }

  private static void doubles(CodedInputStream in, int type, Doubles out) throws IOException {
    if (type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int limit = in.pushLimit(in.readRawVarint32());
      while (!in.isAtEnd()) {
        out.add(in.readDouble());
      }
      in.popLimit(limit);
    } else {
      out.add(in.readDouble());
    }
  }

  private static final class Longs {
    long[] a = new long[8];
    int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  private static final class Doubles {
    double[] a = new double[8];
    int n;

    void add(double v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    double[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
