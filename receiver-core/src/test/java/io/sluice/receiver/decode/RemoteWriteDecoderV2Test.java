// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static io.sluice.receiver.decode.Bodies.snappy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.receiver.decode.Bodies.Proto;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteWriteDecoderV2Test {
  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(32 << 20);

  private WriteBatch decode(byte[] body) throws RemoteWriteDecodeException {
    return decoder.decode(body, 0, body.length, RemoteWriteVersion.V2);
  }

  /** symbols: 0 "", 1 __name__, 2 up, 3 job, 4 node, 5 down. */
  private static Proto symbols() {
    Proto p = new Proto();
    for (String s : List.of("", "__name__", "up", "job", "node", "down")) {
      p.string(4, s);
    }
    return p;
  }

  private static Proto sample(long timestamp, long bits) {
    return new Proto().fixed64(1, bits).varint(2, timestamp);
  }

  @Test
  void resolvesLabelRefsToByteRangesOfTheSymbols() throws Exception {
    RemoteWriteV2.Request request =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "__name__", "up", "job", "node"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2, 3, 4))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setValue(1).setTimestamp(5)))
            .build();

    WriteBatch batch = decode(snappy(request));

    assertThat(batch.version()).isEqualTo(RemoteWriteVersion.V2);
    assertThat(DecodedSeries.of(batch))
        .containsExactly(
            new DecodedSeries(
                List.of("__name__", "up", "job", "node"),
                List.of(5L),
                List.of(Double.doubleToRawLongBits(1)),
                0,
                0));
  }

  @Test
  void matchesTheGeneratedParserOnAThousandRandomRequests() throws Exception {
    for (long seed = 0; seed < 1000; seed++) {
      RemoteWriteV2.Request request = new RandomRequests(seed).v2();

      WriteBatch batch = decode(snappy(request));

      assertThat(DecodedSeries.of(batch)).as("seed %d", seed).isEqualTo(DecodedSeries.of(request));
      assertThat(batch.metadataCount())
          .as("seed %d", seed)
          .isEqualTo(
              (int) request.getTimeseriesList().stream().filter(t -> t.hasMetadata()).count());
    }
  }

  @Test
  void resolvesSymbolsThatComeAfterTheSeries() throws Exception {
    byte[] body =
        new Proto()
            .message(5, new Proto().packedVarints(1, 1, 5).message(2, sample(1, 7)))
            .raw(symbols().toByteArray())
            .toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(DecodedSeries.of(batch))
        .containsExactly(
            new DecodedSeries(List.of("__name__", "down"), List.of(1L), List.of(7L), 0, 0));
  }

  @Test
  void letsSeriesShareSymbols() throws Exception {
    byte[] body =
        symbols()
            .message(5, new Proto().packedVarints(1, 1, 2, 3, 4))
            .message(5, new Proto().packedVarints(1, 1, 5, 3, 4))
            .toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(DecodedSeries.of(batch))
        .extracting(DecodedSeries::labels)
        .containsExactly(
            List.of("__name__", "up", "job", "node"), List.of("__name__", "down", "job", "node"));
    assertThat(batch.labelNameOffset(0, 0)).isEqualTo(batch.labelNameOffset(1, 0));
  }

  @Test
  void decodesPackedUnpackedAndSplitLabelRefsAlike() throws Exception {
    byte[] packed = symbols().message(5, new Proto().packedVarints(1, 1, 2, 3, 4)).toByteArray();
    byte[] unpacked =
        symbols()
            .message(5, new Proto().varint(1, 1).varint(1, 2).varint(1, 3).varint(1, 4))
            .toByteArray();
    byte[] mixed =
        symbols()
            .message(5, new Proto().varint(1, 1).packedVarints(1, 2, 3).varint(1, 4))
            .toByteArray();

    List<String> expected = List.of("__name__", "up", "job", "node");
    for (byte[] body : List.of(packed, unpacked, mixed)) {
      assertThat(DecodedSeries.of(decode(snappy(body))))
          .extracting(DecodedSeries::labels)
          .containsExactly(expected);
    }
  }

  @Test
  void rejectsALabelRefOutsideOfTheSymbolsTable() {
    byte[] body = symbols().message(5, new Proto().packedVarints(1, 1, 6)).toByteArray();

    assertThatThrownBy(() -> decode(snappy(body)))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("outside of symbols table");
  }

  @Test
  void rejectsALabelRefAboveTwoToThe31AsOutsideOfTheSymbolsTable() {
    byte[] body = symbols().message(5, new Proto().packedVarints(1, 1, 0xffff_ffffL)).toByteArray();

    assertThatThrownBy(() -> decode(snappy(body)))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("4294967295 outside of symbols table");
  }

  @Test
  void rejectsLabelRefsWithoutAnySymbols() {
    byte[] body = new Proto().message(5, new Proto().packedVarints(1, 0, 0)).toByteArray();

    assertThatThrownBy(() -> decode(snappy(body)))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("outside of symbols table (size 0)");
  }

  @Test
  void rejectsAnOddNumberOfLabelRefs() {
    byte[] body = symbols().message(5, new Proto().packedVarints(1, 1, 2, 3)).toByteArray();

    assertThatThrownBy(() -> decode(snappy(body)))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("odd length 3");
  }

  @Test
  void rejectsAFirstSymbolThatIsNotEmpty() {
    byte[] body =
        new Proto()
            .string(4, "__name__")
            .string(4, "up")
            .message(5, new Proto().packedVarints(1, 0, 1))
            .toByteArray();

    assertThatThrownBy(() -> decode(snappy(body)))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("symbols[0] must be the empty string");
  }

  @Test
  void acceptsASeriesWithoutLabelsAndARequestWithoutSymbols() throws Exception {
    byte[] body = new Proto().message(5, new Proto().message(2, sample(3, 4))).toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(DecodedSeries.of(batch))
        .containsExactly(new DecodedSeries(List.of(), List.of(3L), List.of(4L), 0, 0));
  }

  @Test
  void acceptsCreatedAndStartTimestampsOfBothDrafts() throws Exception {
    byte[] body =
        symbols()
            .message(
                5,
                new Proto()
                    .packedVarints(1, 1, 2)
                    .message(2, sample(10, 11).varint(3, 9))
                    .varint(6, 8))
            .toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(DecodedSeries.of(batch))
        .containsExactly(
            new DecodedSeries(List.of("__name__", "up"), List.of(10L), List.of(11L), 0, 0));
  }

  @Test
  void countsHistogramsExemplarsAndMetadata() throws Exception {
    byte[] body =
        symbols()
            .message(
                5,
                new Proto()
                    .packedVarints(1, 1, 2)
                    .message(3, new Proto().varint(1, 3))
                    .message(3, new Proto().varint(1, 4))
                    .message(4, new Proto().packedVarints(1, 3, 4).fixed64(2, 1).varint(3, 1))
                    .message(5, new Proto().varint(1, 2).varint(3, 2)))
            .toByteArray();

    WriteBatch batch = decode(snappy(body));

    assertThat(batch.histogramCount(0)).isEqualTo(2);
    assertThat(batch.exemplarCount(0)).isEqualTo(1);
    assertThat(batch.metadataCount()).isEqualTo(1);
    assertThat(batch.totalSamples()).isZero();
  }

  @Test
  void rejectsAKnownFieldWithTheWrongWireType() {
    List<byte[]> bodies =
        List.of(
            new Proto().varint(4, 1).toByteArray(),
            new Proto().fixed64(5, 1).toByteArray(),
            new Proto().message(5, new Proto().fixed32(1, 1)).toByteArray(),
            new Proto().message(5, new Proto().varint(2, 1)).toByteArray(),
            new Proto().message(5, new Proto().bytes(6, new byte[1])).toByteArray(),
            new Proto()
                .message(5, new Proto().message(2, new Proto().fixed64(3, 1)))
                .toByteArray());

    for (byte[] body : bodies) {
      assertThatThrownBy(() -> decode(snappy(body)))
          .isInstanceOf(ProtobufDecodeException.class)
          .hasMessageContaining("unexpected wire type");
    }
  }

  @Test
  void skipsTheReservedVersion1FieldsSoAVersion1BodyIsAnEmptyRequest() throws Exception {
    RemoteWrite.WriteRequest v1 =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(
                RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("up")))
            .addMetadata(RemoteWrite.MetricMetadata.newBuilder().setMetricFamilyName("up"))
            .build();

    WriteBatch batch = decode(snappy(v1));

    assertThat(batch.seriesCount()).isZero();
    assertThat(batch.metadataCount()).isZero();
  }

  @Test
  void skipsUnknownFieldsAtEveryLevel() throws Exception {
    RandomRequests random = new RandomRequests(3);
    RemoteWriteV2.Request request =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "a", "b"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2))
                    .addSamples(
                        RemoteWriteV2.Sample.newBuilder()
                            .setValue(2)
                            .setTimestamp(3)
                            .setUnknownFields(random.unknownFields()))
                    .setUnknownFields(random.unknownFields()))
            .setUnknownFields(random.unknownFields())
            .build();

    WriteBatch batch = decode(snappy(request));

    assertThat(DecodedSeries.of(batch)).isEqualTo(DecodedSeries.of(request));
  }

  @Test
  void forgetsTheSymbolsOfThePreviousRequest() throws Exception {
    decode(snappy(symbols().toByteArray()));
    byte[] refsOnly = new Proto().message(5, new Proto().packedVarints(1, 1, 2)).toByteArray();

    assertThatThrownBy(() -> decode(snappy(refsOnly)))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("outside of symbols table (size 0)");
  }
}
