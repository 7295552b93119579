// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import java.util.Random;

/** Random remote-write requests built with the generated protobuf classes. */
final class RandomRequests {
  static final long STALE_NAN = 0x7ff0000000000002L;

  private static final long[] SPECIAL_BITS = {
    STALE_NAN,
    0x7ff8000000000000L, // the canonical quiet NaN
    0xfff8000000000001L, // a negative quiet NaN with a payload
    0x7ff0000000000001L, // the smallest signalling NaN
    Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
    Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
    Double.doubleToRawLongBits(-0.0),
    0L,
    1L, // the smallest denormal
    Double.doubleToRawLongBits(Double.MAX_VALUE),
  };

  private static final long[] SPECIAL_TIMESTAMPS = {
    0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1_700_000_000_000L, -62_135_596_800_000L,
  };

  private static final String[] ALPHABETS = {
    "abcxyz_:", "ABCxyz0189", "äöüßé", "日本語中文", "😀🎉𝄞", "\u0000\t\n\u007f", "\"'\\/ ={},",
  };

  private final Random random;

  RandomRequests(long seed) {
    this.random = new Random(seed);
  }

  RemoteWrite.WriteRequest v1() {
    RemoteWrite.WriteRequest.Builder request = RemoteWrite.WriteRequest.newBuilder();
    int series = random.nextInt(12);
    for (int s = 0; s < series; s++) {
      RemoteWrite.TimeSeries.Builder ts = RemoteWrite.TimeSeries.newBuilder();
      int labels = random.nextInt(8);
      for (int i = 0; i < labels; i++) {
        ts.addLabels(RemoteWrite.Label.newBuilder().setName(string()).setValue(string()));
      }
      int samples = random.nextInt(5);
      for (int i = 0; i < samples; i++) {
        ts.addSamples(
            RemoteWrite.Sample.newBuilder()
                .setValue(Double.longBitsToDouble(valueBits()))
                .setTimestamp(timestamp()));
      }
      int exemplars = random.nextInt(3) == 0 ? random.nextInt(3) : 0;
      for (int i = 0; i < exemplars; i++) {
        ts.addExemplars(
            RemoteWrite.Exemplar.newBuilder()
                .addLabels(RemoteWrite.Label.newBuilder().setName("trace_id").setValue(string()))
                .setValue(random.nextDouble())
                .setTimestamp(timestamp()));
      }
      int histograms = random.nextInt(4) == 0 ? random.nextInt(3) : 0;
      for (int i = 0; i < histograms; i++) {
        ts.addHistograms(histogramV1());
      }
      if (random.nextInt(5) == 0) {
        ts.setUnknownFields(unknownFields());
      }
      request.addTimeseries(ts);
    }
    int metadata = random.nextInt(4) == 0 ? random.nextInt(3) : 0;
    for (int i = 0; i < metadata; i++) {
      request.addMetadata(
          RemoteWrite.MetricMetadata.newBuilder()
              .setType(RemoteWrite.MetricMetadata.MetricType.COUNTER)
              .setMetricFamilyName(string())
              .setHelp(string())
              .setUnit(string()));
    }
    return request.build();
  }

  RemoteWriteV2.Request v2() {
    RemoteWriteV2.Request.Builder request = RemoteWriteV2.Request.newBuilder().addSymbols("");
    int symbols = random.nextInt(20);
    for (int i = 0; i < symbols; i++) {
      request.addSymbols(string());
    }
    int symbolCount = request.getSymbolsCount();
    int series = random.nextInt(12);
    for (int s = 0; s < series; s++) {
      RemoteWriteV2.TimeSeries.Builder ts = RemoteWriteV2.TimeSeries.newBuilder();
      int labels = random.nextInt(8);
      for (int i = 0; i < 2 * labels; i++) {
        ts.addLabelsRefs(random.nextInt(symbolCount));
      }
      int samples = random.nextInt(5);
      for (int i = 0; i < samples; i++) {
        RemoteWriteV2.Sample.Builder sample =
            RemoteWriteV2.Sample.newBuilder()
                .setValue(Double.longBitsToDouble(valueBits()))
                .setTimestamp(timestamp());
        if (random.nextBoolean()) {
          sample.setStartTimestamp(timestamp());
        }
        ts.addSamples(sample);
      }
      int histograms = random.nextInt(4) == 0 ? random.nextInt(3) : 0;
      for (int i = 0; i < histograms; i++) {
        ts.addHistograms(
            RemoteWriteV2.Histogram.newBuilder()
                .setCountInt(random.nextInt(1000))
                .setSchema(random.nextInt(13) - 4)
                .addPositiveSpans(RemoteWriteV2.BucketSpan.newBuilder().setOffset(-2).setLength(2))
                .addPositiveDeltas(3)
                .addPositiveDeltas(-1)
                .setTimestamp(timestamp()));
      }
      int exemplars = random.nextInt(3) == 0 ? random.nextInt(3) : 0;
      for (int i = 0; i < exemplars; i++) {
        ts.addExemplars(
            RemoteWriteV2.Exemplar.newBuilder()
                .addLabelsRefs(random.nextInt(symbolCount))
                .addLabelsRefs(random.nextInt(symbolCount))
                .setValue(random.nextDouble())
                .setTimestamp(timestamp()));
      }
      if (random.nextBoolean()) {
        ts.setMetadata(
            RemoteWriteV2.Metadata.newBuilder()
                .setType(RemoteWriteV2.Metadata.MetricType.METRIC_TYPE_GAUGE)
                .setHelpRef(random.nextInt(symbolCount)));
      }
      if (random.nextInt(4) == 0) {
        ts.setCreatedTimestamp(timestamp());
      }
      request.addTimeseries(ts);
    }
    if (random.nextInt(5) == 0) {
      request.setUnknownFields(unknownFields());
    }
    return request.build();
  }

  /** Unknown fields of every wire type, a group with a nested group included. */
  UnknownFieldSet unknownFields() {
    UnknownFieldSet inner =
        UnknownFieldSet.newBuilder()
            .addField(
                1,
                UnknownFieldSet.Field.newBuilder()
                    .addGroup(
                        UnknownFieldSet.newBuilder()
                            .addField(2, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                            .build())
                    .build())
            .addField(3, UnknownFieldSet.Field.newBuilder().addFixed32(0x01020304).build())
            .build();
    return UnknownFieldSet.newBuilder()
        .addField(
            99 + random.nextInt(1000),
            UnknownFieldSet.Field.newBuilder()
                .addVarint(random.nextLong())
                .addFixed64(random.nextLong())
                .addFixed32(random.nextInt())
                .addLengthDelimited(ByteString.copyFromUtf8(string()))
                .addGroup(inner)
                .build())
        .build();
  }

  RemoteWrite.Histogram histogramV1() {
    RemoteWrite.Histogram.Builder h =
        RemoteWrite.Histogram.newBuilder()
            .setSum(random.nextDouble())
            .setSchema(random.nextInt(13) - 4)
            .setZeroThreshold(1e-128)
            .setTimestamp(timestamp())
            .addNegativeSpans(RemoteWrite.BucketSpan.newBuilder().setOffset(-3).setLength(1))
            .setResetHint(RemoteWrite.Histogram.ResetHint.NO);
    if (random.nextBoolean()) {
      h.setCountInt(random.nextInt(1000)).setZeroCountInt(1).addNegativeDeltas(-5);
    } else {
      h.setCountFloat(random.nextDouble()).setZeroCountFloat(0.5).addNegativeCounts(2.5);
    }
    return h.build();
  }

  String string() {
    int kind = random.nextInt(10);
    if (kind == 0) {
      return "";
    }
    if (kind == 1) {
      return "__name__";
    }
    String alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)];
    int[] codePoints = alphabet.codePoints().toArray();
    int length = 1 + random.nextInt(kind == 2 ? 300 : 12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
    }
    return sb.toString();
  }

  long valueBits() {
    return switch (random.nextInt(4)) {
      case 0 -> SPECIAL_BITS[random.nextInt(SPECIAL_BITS.length)];
      case 1 -> random.nextLong();
      default -> Double.doubleToRawLongBits(random.nextGaussian() * 1e6);
    };
  }

  long timestamp() {
    return switch (random.nextInt(3)) {
      case 0 -> SPECIAL_TIMESTAMPS[random.nextInt(SPECIAL_TIMESTAMPS.length)];
      case 1 -> random.nextLong();
      default -> 1_700_000_000_000L + random.nextInt(1_000_000);
    };
  }
}
