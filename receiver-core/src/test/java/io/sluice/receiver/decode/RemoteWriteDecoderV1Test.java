// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static io.sluice.receiver.decode.Bodies.snappy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UnknownFieldSet;
import io.sluice.receiver.decode.Bodies.Proto;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteWriteDecoderV1Test {
  private static final int MAX = 32 << 20;

  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(MAX);

  private WriteBatch decode(byte[] body) throws RemoteWriteDecodeException {
    return decoder.decode(body, 0, body.length, RemoteWriteVersion.V1);
  }

  private static RemoteWrite.TimeSeries series(String name, long timestamp, double value) {
    return RemoteWrite.TimeSeries.newBuilder()
        .addLabels(label("__name__", name))
        .addLabels(label("job", "node"))
        .addSamples(RemoteWrite.Sample.newBuilder().setValue(value).setTimestamp(timestamp))
        .build();
  }

  private static RemoteWrite.Label label(String name, String value) {
    return RemoteWrite.Label.newBuilder().setName(name).setValue(value).build();
  }

  @Test
  void decodesLabelsAndSamplesAsByteRangesOfTheDecodedBody() throws Exception {
    RemoteWrite.WriteRequest request =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(series("up", 1000, 1))
            .addTimeseries(series("down", -5, 0.5))
            .build();

    WriteBatch batch = decode(snappy(request));

    assertThat(batch.version()).isEqualTo(RemoteWriteVersion.V1);
    assertThat(batch.seriesCount()).isEqualTo(2);
    assertThat(batch.bufferLength()).isEqualTo(request.getSerializedSize());
    assertThat(Arrays.copyOf(batch.buffer(), batch.bufferLength()))
        .isEqualTo(request.toByteArray());
    assertThat(batch.labelCount(1)).isEqualTo(2);
    assertThat(string(batch, batch.labelNameOffset(1, 0), batch.labelNameLength(1, 0)))
        .isEqualTo("__name__");
    assertThat(string(batch, batch.labelValueOffset(1, 0), batch.labelValueLength(1, 0)))
        .isEqualTo("down");
    assertThat(batch.sampleCount(1)).isEqualTo(1);
    assertThat(batch.sampleTimestamp(1, 0)).isEqualTo(-5);
    assertThat(batch.sampleValueBits(1, 0)).isEqualTo(Double.doubleToRawLongBits(0.5));
    assertThat(batch.totalSamples()).isEqualTo(2);
    assertThat(batch.totalHistograms()).isZero();
    assertThat(batch.totalExemplars()).isZero();
    assertThat(batch.metadataCount()).isZero();
  }

  @Test
  void recordsEachSeriesAsTheByteRangeOfItsTimeSeriesMessage() throws Exception {
    RemoteWrite.WriteRequest request =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(series("a", 1, 1))
            .addTimeseries(series("bb", 2, 2))
            .build();

    WriteBatch batch = decode(snappy(request));

    for (int s = 0; s < 2; s++) {
      byte[] range =
          Arrays.copyOfRange(
              batch.buffer(), batch.seriesOffset(s), batch.seriesOffset(s) + batch.seriesLength(s));
      assertThat(range).isEqualTo(request.getTimeseries(s).toByteArray());
    }
  }

  @Test
  void matchesTheGeneratedParserOnAThousandRandomRequests() throws Exception {
    for (long seed = 0; seed < 1000; seed++) {
      RemoteWrite.WriteRequest request = new RandomRequests(seed).v1();

      WriteBatch batch = decode(snappy(request));

      assertThat(DecodedSeries.of(batch)).as("seed %d", seed).isEqualTo(DecodedSeries.of(request));
      assertThat(batch.metadataCount()).as("seed %d", seed).isEqualTo(request.getMetadataCount());
      assertThat(batch.totalSamples())
          .isEqualTo(request.getTimeseriesList().stream().mapToInt(t -> t.getSamplesCount()).sum());
      assertThat(batch.totalHistograms())
          .isEqualTo(
              request.getTimeseriesList().stream().mapToInt(t -> t.getHistogramsCount()).sum());
      assertThat(batch.totalExemplars())
          .isEqualTo(
              request.getTimeseriesList().stream().mapToInt(t -> t.getExemplarsCount()).sum());
    }
  }

  @Test
  void keepsTheStaleMarkerNanPayloadBitForBit() throws Exception {
    byte[] sample =
        new Proto()
            .fixed64(1, RandomRequests.STALE_NAN)
            .varint(2, 1_700_000_000_000L)
            .toByteArray();
    byte[] body =
        new Proto()
            .message(
                1,
                new Proto()
                    .message(1, new Proto().string(1, "__name__").string(2, "up"))
                    .bytes(2, sample))
            .toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(batch.sampleValueBits(0, 0)).isEqualTo(0x7ff0000000000002L);
    assertThat(batch.sampleTimestamp(0, 0)).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void acceptsFieldsInAnyOrder() throws Exception {
    Proto label = new Proto().string(2, "v").string(1, "n");
    Proto sample = new Proto().varint(2, -7).fixed64(1, 42);
    byte[] body =
        new Proto()
            .message(1, new Proto().message(2, sample).message(1, label).message(2, sample))
            .toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(DecodedSeries.of(batch))
        .containsExactly(
            new DecodedSeries(List.of("n", "v"), List.of(-7L, -7L), List.of(42L, 42L), 0, 0));
  }

  @Test
  void takesTheLastValueOfAFieldThatIsRepeatedInOneMessage() throws Exception {
    Proto label = new Proto().string(1, "first").string(2, "v").string(1, "last");
    Proto sample = new Proto().fixed64(1, 1).varint(2, 1).fixed64(1, 2).varint(2, 2);
    byte[] body =
        new Proto().message(1, new Proto().message(1, label).message(2, sample)).toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(DecodedSeries.of(batch))
        .containsExactly(new DecodedSeries(List.of("last", "v"), List.of(2L), List.of(2L), 0, 0));
  }

  @Test
  void readsAbsentScalarsAsTheirDefaults() throws Exception {
    byte[] body =
        new Proto()
            .message(1, new Proto().message(1, new Proto()).message(2, new Proto()))
            .toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(DecodedSeries.of(batch))
        .containsExactly(new DecodedSeries(List.of("", ""), List.of(0L), List.of(0L), 0, 0));
  }

  @Test
  void skipsUnknownFieldsOfEveryWireTypeAtEveryLevel() throws Exception {
    RandomRequests random = new RandomRequests(7);
    UnknownFieldSet unknown = random.unknownFields();
    RemoteWrite.WriteRequest request =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(
                RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "up").toBuilder().setUnknownFields(unknown))
                    .addSamples(
                        RemoteWrite.Sample.newBuilder()
                            .setValue(3)
                            .setTimestamp(9)
                            .setUnknownFields(unknown))
                    .setUnknownFields(unknown))
            .setUnknownFields(unknown)
            .build();
    // The reserved field 2 is unknown to a decoder, whatever its wire type.
    byte[] body =
        Bodies.concat(
            new Proto().varint(2, 1).bytes(2, new byte[3]).toByteArray(), request.toByteArray());

    WriteBatch batch = decode(snappy(body));

    assertThat(DecodedSeries.of(batch)).isEqualTo(DecodedSeries.of(request));
  }

  @Test
  void countsExemplarsHistogramsAndMetadataWithoutDecodingThem() throws Exception {
    RandomRequests random = new RandomRequests(1);
    RemoteWrite.WriteRequest request =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(
                RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "h"))
                    .addHistograms(random.histogramV1())
                    .addHistograms(random.histogramV1())
                    .addExemplars(RemoteWrite.Exemplar.newBuilder().setValue(1).setTimestamp(2)))
            .addMetadata(RemoteWrite.MetricMetadata.newBuilder().setMetricFamilyName("h"))
            .addMetadata(RemoteWrite.MetricMetadata.newBuilder().setMetricFamilyName("i"))
            .build();

    WriteBatch batch = decode(snappy(request));

    assertThat(batch.histogramCount(0)).isEqualTo(2);
    assertThat(batch.exemplarCount(0)).isEqualTo(1);
    assertThat(batch.sampleCount(0)).isZero();
    assertThat(batch.totalHistograms()).isEqualTo(2);
    assertThat(batch.totalExemplars()).isEqualTo(1);
    assertThat(batch.metadataCount()).isEqualTo(2);
  }

  @Test
  void decodesAMetadataOnlyRequestAsNoSeries() throws Exception {
    RemoteWrite.WriteRequest request =
        RemoteWrite.WriteRequest.newBuilder()
            .addMetadata(RemoteWrite.MetricMetadata.newBuilder().setMetricFamilyName("up"))
            .build();

    WriteBatch batch = decode(snappy(request));

    assertThat(batch.seriesCount()).isZero();
    assertThat(batch.metadataCount()).isEqualTo(1);
  }

  @Test
  void decodesAnEmptyBodyAsAnEmptyRequest() throws Exception {
    WriteBatch batch = decode(new byte[] {0});

    assertThat(batch.seriesCount()).isZero();
    assertThat(batch.bufferLength()).isZero();
  }

  @Test
  void readsARemoteWrite2BodyAsAnEmptyRequestBecauseItsFieldsAreReservedInVersion1()
      throws Exception {
    RemoteWriteV2.Request v2 =
        RemoteWriteV2.Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("up")
            .addTimeseries(RemoteWriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2))
            .build();

    WriteBatch batch = decode(snappy(v2));

    assertThat(batch.seriesCount()).isZero();
  }

  @Test
  void rejectsAKnownFieldWithTheWrongWireType() {
    byte[] timeseriesAsVarint = new Proto().varint(1, 5).toByteArray();
    byte[] labelAsFixed64 = new Proto().message(1, new Proto().fixed64(1, 5)).toByteArray();
    byte[] nameAsVarint =
        new Proto().message(1, new Proto().message(1, new Proto().varint(1, 5))).toByteArray();
    byte[] valueAsDoubleFixed32 =
        new Proto().message(1, new Proto().message(2, new Proto().fixed32(1, 5))).toByteArray();
    byte[] timestampAsFixed64 =
        new Proto().message(1, new Proto().message(2, new Proto().fixed64(2, 5))).toByteArray();

    for (byte[] body :
        List.of(
            timeseriesAsVarint,
            labelAsFixed64,
            nameAsVarint,
            valueAsDoubleFixed32,
            timestampAsFixed64)) {
      assertThatThrownBy(() -> decode(snappy(body)))
          .isInstanceOf(ProtobufDecodeException.class)
          .hasMessageContaining("unexpected wire type");
    }
  }

  @Test
  void showsOnlyTheCurrentRequestAfterALargerOne() throws Exception {
    RemoteWrite.WriteRequest.Builder large = RemoteWrite.WriteRequest.newBuilder();
    for (int i = 0; i < 100; i++) {
      large.addTimeseries(series("s" + i, i, i));
    }
    decode(snappy(large.build()));
    RemoteWrite.WriteRequest small =
        RemoteWrite.WriteRequest.newBuilder().addTimeseries(series("only", 1, 2)).build();

    WriteBatch batch = decode(snappy(small));

    assertThat(DecodedSeries.of(batch)).isEqualTo(DecodedSeries.of(small));
    assertThat(batch.totalSamples()).isEqualTo(1);
    assertThatThrownBy(() -> batch.labelCount(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> batch.labelNameOffset(0, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> batch.sampleTimestamp(0, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void leavesTheBatchEmptyAfterAFailedDecode() throws Exception {
    WriteBatch batch =
        decode(
            snappy(
                RemoteWrite.WriteRequest.newBuilder().addTimeseries(series("up", 1, 1)).build()));
    byte[] truncated =
        Arrays.copyOf(new Proto().message(1, new Proto().string(1, "x")).toByteArray(), 3);

    assertThatThrownBy(() -> decode(snappy(truncated))).isInstanceOf(ProtobufDecodeException.class);
    assertThat(batch.seriesCount()).isZero();
    assertThat(batch.totalSamples()).isZero();
  }

  @Test
  void decodesABodyAtAnOffsetInsideALargerArray() throws Exception {
    RemoteWrite.WriteRequest request =
        RemoteWrite.WriteRequest.newBuilder().addTimeseries(series("up", 1, 1)).build();
    byte[] body = snappy(request);
    byte[] framed = Bodies.concat(new byte[] {9, 9, 9}, body, new byte[] {7, 7});

    WriteBatch batch = decoder.decode(framed, 3, body.length, RemoteWriteVersion.V1);

    assertThat(DecodedSeries.of(batch)).isEqualTo(DecodedSeries.of(request));
  }

  private static String string(WriteBatch batch, int offset, int length) {
    return new String(batch.buffer(), offset, length, StandardCharsets.UTF_8);
  }
}
