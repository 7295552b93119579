// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static io.sluice.receiver.decode.Bodies.snappy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.receiver.decode.Bodies.Proto;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exemplars of remote write 1.0 (§1.2: labels 1, value 2, timestamp 3) and 2.0 (§2.1). */
class RemoteWriteDecoderExemplarsTest {
  private static final long STALE_NAN = 0x7ff0000000000002L;

  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(1 << 20);

  /** Exemplar i of series s as "name=value,...|value bits hex|timestamp". */
  private static String exemplar(WriteBatch b, int s, int i) {
    List<String> labels = new ArrayList<>();
    for (int l = 0; l < b.exemplarLabelCount(s, i); l++) {
      labels.add(
          new String(
                  b.buffer(),
                  b.exemplarLabelNameOffset(s, i, l),
                  b.exemplarLabelNameLength(s, i, l),
                  StandardCharsets.UTF_8)
              + "="
              + new String(
                  b.buffer(),
                  b.exemplarLabelValueOffset(s, i, l),
                  b.exemplarLabelValueLength(s, i, l),
                  StandardCharsets.UTF_8));
    }
    return String.join(",", labels)
        + "|"
        + Long.toHexString(b.exemplarValueBits(s, i))
        + "|"
        + b.exemplarTimestamp(s, i);
  }

  private static RemoteWrite.Label label(String n, String v) {
    return RemoteWrite.Label.newBuilder().setName(n).setValue(v).build();
  }

  @Test
  void decodesRemoteWrite1ExemplarsWithTheirLabelsValueBitsAndTimestamps() throws Exception {
    RemoteWrite.WriteRequest request =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(
                RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "a"))
                    .addSamples(RemoteWrite.Sample.newBuilder().setValue(1).setTimestamp(10))
                    .addExemplars(
                        RemoteWrite.Exemplar.newBuilder()
                            .addLabels(label("trace_id", "abc123"))
                            .addLabels(label("span_id", "s1"))
                            .setValue(0.5)
                            .setTimestamp(9)))
            .addTimeseries(RemoteWrite.TimeSeries.newBuilder().addLabels(label("__name__", "b")))
            .addTimeseries(
                RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "c"))
                    .addExemplars(
                        RemoteWrite.Exemplar.newBuilder()
                            .setValue(Double.longBitsToDouble(STALE_NAN))
                            .setTimestamp(-5))
                    .addExemplars(
                        RemoteWrite.Exemplar.newBuilder()
                            .addLabels(label("trace_id", "ü"))
                            .setTimestamp(7)))
            .build();
    byte[] body = snappy(request);

    WriteBatch b = decoder.decode(body, 0, body.length, RemoteWriteVersion.V1);

    assertThat(b.totalExemplars()).isEqualTo(3);
    assertThat(b.exemplarCount(0)).isEqualTo(1);
    assertThat(b.exemplarCount(1)).isZero();
    assertThat(b.exemplarCount(2)).isEqualTo(2);
    assertThat(exemplar(b, 0, 0))
        .isEqualTo(
            "trace_id=abc123,span_id=s1|"
                + Long.toHexString(Double.doubleToRawLongBits(0.5))
                + "|9");
    assertThat(exemplar(b, 2, 0)).isEqualTo("|" + Long.toHexString(STALE_NAN) + "|-5");
    assertThat(exemplar(b, 2, 1)).isEqualTo("trace_id=ü|0|7");
    // Samples are unchanged by the exemplars around them.
    assertThat(b.sampleCount(0)).isEqualTo(1);
    assertThat(b.sampleTimestamp(0, 0)).isEqualTo(10);

    // A copy carries them.
    WriteBatch copy = new WriteBatch().copyFrom(b);
    assertThat(exemplar(copy, 2, 1)).isEqualTo("trace_id=ü|0|7");
  }

  @Test
  void aRequestWithoutExemplarsAfterOneWithThemHasNone() throws Exception {
    RemoteWrite.WriteRequest with =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(
                RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "a"))
                    .addExemplars(
                        RemoteWrite.Exemplar.newBuilder()
                            .addLabels(label("trace_id", "x"))
                            .setTimestamp(1)))
            .build();
    byte[] body = snappy(with);
    decoder.decode(body, 0, body.length, RemoteWriteVersion.V1);
    RemoteWrite.WriteRequest without =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(
                RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "a"))
                    .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(2)))
            .build();
    body = snappy(without);
    WriteBatch b = decoder.decode(body, 0, body.length, RemoteWriteVersion.V1);
    assertThat(b.totalExemplars()).isZero();
    assertThat(b.exemplarCount(0)).isZero();
    assertThatThrownBy(() -> b.exemplarTimestamp(0, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void thanosForwardedSeriesCarryTheirExemplars() throws Exception {
    // prometheus_copy.TimeSeries has the layout of prometheus.TimeSeries (§4.6).
    byte[] series =
        RemoteWrite.TimeSeries.newBuilder()
            .addLabels(label("__name__", "a"))
            .addExemplars(
                RemoteWrite.Exemplar.newBuilder()
                    .addLabels(label("trace_id", "t"))
                    .setValue(2)
                    .setTimestamp(3))
            .build()
            .toByteArray();
    byte[] request = new Proto().bytes(1, series).string(2, "tenant-a").toByteArray();
    ThanosWriteRequestDecoder d = new ThanosWriteRequestDecoder();
    assertThat(d.decode(request, request.length)).isEqualTo(1);
    assertThat(exemplar(d.batch(), 0, 0))
        .isEqualTo("trace_id=t|" + Long.toHexString(Double.doubleToRawLongBits(2)) + "|3");
    d.release();
  }

  @Test
  void decodesRemoteWrite2ExemplarsByResolvingTheirLabelRefs() throws Exception {
    RemoteWriteV2.Request request =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "__name__", "a", "trace_id", "abc123"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setValue(1).setTimestamp(10))
                    .addExemplars(
                        RemoteWriteV2.Exemplar.newBuilder()
                            .addAllLabelsRefs(List.of(3, 4))
                            .setValue(0.25)
                            .setTimestamp(10)))
            .build();
    byte[] body = snappy(request);

    WriteBatch b = decoder.decode(body, 0, body.length, RemoteWriteVersion.V2);

    assertThat(b.totalExemplars()).isEqualTo(1);
    assertThat(exemplar(b, 0, 0))
        .isEqualTo("trace_id=abc123|" + Long.toHexString(Double.doubleToRawLongBits(0.25)) + "|10");
  }

  @Test
  void acceptsUnpackedRemoteWrite2ExemplarRefsAndSymbolsAfterTheSeries() throws Exception {
    byte[] body =
        new Proto()
            .message(
                5,
                new Proto()
                    .packedVarints(1, 1, 2)
                    .message(4, new Proto().varint(1, 3).varint(1, 4).fixed64(2, 0).varint(3, 99)))
            .string(4, "")
            .string(4, "__name__")
            .string(4, "a")
            .string(4, "k")
            .string(4, "v")
            .toByteArray();

    WriteBatch b = decoder.decode(snappy(body), 0, snappy(body).length, RemoteWriteVersion.V2);

    assertThat(exemplar(b, 0, 0)).isEqualTo("k=v|0|99");
  }

  @Test
  void rejectsRemoteWrite2ExemplarRefsOutsideTheSymbolsOrOfOddLength() {
    byte[] outside =
        new Proto()
            .string(4, "")
            .string(4, "__name__")
            .string(4, "a")
            .message(
                5,
                new Proto()
                    .packedVarints(1, 1, 2)
                    .message(4, new Proto().packedVarints(1, 1, 7).varint(3, 1)))
            .toByteArray();
    assertThatThrownBy(
            () -> decoder.decode(snappy(outside), 0, snappy(outside).length, RemoteWriteVersion.V2))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("exemplar labels_refs 7 outside of symbols table (size 3)");
    byte[] odd =
        new Proto()
            .string(4, "")
            .string(4, "__name__")
            .string(4, "a")
            .message(
                5,
                new Proto()
                    .packedVarints(1, 1, 2)
                    .message(4, new Proto().packedVarints(1, 1).varint(3, 1)))
            .toByteArray();
    assertThatThrownBy(
            () -> decoder.decode(snappy(odd), 0, snappy(odd).length, RemoteWriteVersion.V2))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("exemplar labels_refs has odd length 1");
  }

  @Test
  void rejectsAnExemplarFieldWithTheWrongWireType() {
    byte[] body =
        new Proto()
            .message(
                1,
                new Proto()
                    .message(1, new Proto().string(1, "__name__").string(2, "a"))
                    .message(3, new Proto().varint(2, 1)))
            .toByteArray();
    assertThatThrownBy(
            () -> decoder.decode(snappy(body), 0, snappy(body).length, RemoteWriteVersion.V1))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("Exemplar field 2 has unexpected wire type 0");
  }
}
