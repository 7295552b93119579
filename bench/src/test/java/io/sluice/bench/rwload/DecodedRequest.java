// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * A remote-write request decoded by hand, independently of the encoder, following the field numbers
 * of Prometheus' {@code prompb} protos. Fails on anything the encoder should never write.
 */
record DecodedRequest(List<String> symbols, List<Series> series) {

  record Label(String name, String value) {}

  record Sample(double value, long timestampMillis) {}

  record Series(List<Label> labels, List<Sample> samples) {
    String key() {
      StringBuilder sb = new StringBuilder();
      for (Label l : labels) {
        sb.append(l.name()).append('=').append(l.value()).append('\u0000');
      }
      return sb.toString();
    }

    String metricName() {
      return labels.stream()
          .filter(l -> l.name().equals("__name__"))
          .map(Label::value)
          .findFirst()
          .orElseThrow();
    }
  }

  static DecodedRequest decodeSnappy(byte[] compressed, Protocol protocol) throws IOException {
    byte[] raw = Snappy.uncompress(compressed);
    return protocol == Protocol.V1 ? decodeV1(raw) : decodeV2(raw);
  }

  static DecodedRequest decodeV1(byte[] raw) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(raw);
    List<Series> series = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      expect(tag, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      int limit = in.pushLimit(in.readRawVarint32());
      List<Label> labels = new ArrayList<>();
      List<Sample> samples = new ArrayList<>();
      for (int t = in.readTag(); t != 0; t = in.readTag()) {
        if (WireFormat.getTagFieldNumber(t) == 1) {
          expect(t, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          int l = in.pushLimit(in.readRawVarint32());
          String name = null;
          String value = null;
          for (int lt = in.readTag(); lt != 0; lt = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(lt)) {
              case 1 -> name = in.readString();
              case 2 -> value = in.readString();
              default -> throw new IOException("unexpected label field " + lt);
            }
          }
          in.popLimit(l);
          labels.add(new Label(name, value));
        } else {
          expect(t, 2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          samples.add(readSample(in));
        }
      }
      in.popLimit(limit);
      series.add(new Series(labels, samples));
    }
    return new DecodedRequest(List.of(), series);
  }

  static DecodedRequest decodeV2(byte[] raw) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(raw);
    List<String> symbols = new ArrayList<>();
    List<int[]> refs = new ArrayList<>();
    List<List<Sample>> samples = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == 4) {
        expect(tag, 4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        symbols.add(in.readString());
        continue;
      }
      expect(tag, 5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      int limit = in.pushLimit(in.readRawVarint32());
      List<Integer> r = new ArrayList<>();
      List<Sample> s = new ArrayList<>();
      for (int t = in.readTag(); t != 0; t = in.readTag()) {
        if (WireFormat.getTagFieldNumber(t) == 1) {
          expect(t, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          int l = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            r.add(in.readUInt32());
          }
          in.popLimit(l);
        } else {
          expect(t, 2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          s.add(readSample(in));
        }
      }
      in.popLimit(limit);
      refs.add(r.stream().mapToInt(Integer::intValue).toArray());
      samples.add(s);
    }
    List<Series> series = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      int[] r = refs.get(i);
      if (r.length % 2 != 0) {
        throw new IOException("odd number of labels_refs: " + r.length);
      }
      List<Label> labels = new ArrayList<>();
      for (int k = 0; k < r.length; k += 2) {
        labels.add(new Label(symbols.get(r[k]), symbols.get(r[k + 1])));
      }
      series.add(new Series(labels, samples.get(i)));
    }
    return new DecodedRequest(symbols, series);
  }

  private static Sample readSample(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    double value = 0;
    long ts = 0;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (t) {
        case (1 << 3) | WireFormat.WIRETYPE_FIXED64 -> value = in.readDouble();
        case (2 << 3) | WireFormat.WIRETYPE_VARINT -> ts = in.readInt64();
        default -> throw new IOException("unexpected sample tag " + t);
      }
    }
    in.popLimit(limit);
    return new Sample(value, ts);
  }

  private static void expect(int tag, int field, int wireType) throws IOException {
    if (WireFormat.getTagFieldNumber(tag) != field || WireFormat.getTagWireType(tag) != wireType) {
      throw new IOException(
          "expected field " + field + " wire type " + wireType + ", got tag " + tag);
    }
  }
}
