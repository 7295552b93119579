// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.receiver.proto.thanos.StoreRpc.TimeSeriesTenantTuple;
import io.sluice.receiver.proto.thanos.StoreRpc.WriteRequest;
import io.sluice.receiver.proto.thanos.prompb.PromTypes;
import io.sluice.receiver.proto.thanos.prompb.PromTypes.Sample;
import io.sluice.receiver.proto.thanos.prompb.PromTypes.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThanosWriteRequestDecoderTest {
  private final ThanosWriteRequestDecoder decoder = new ThanosWriteRequestDecoder();

  private static TimeSeries series(String name, long t, double v) {
    return TimeSeries.newBuilder()
        .addLabels(Label.newBuilder().setName("__name__").setValue(name))
        .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v))
        .build();
  }

  /** Tenant t's series as "name t v" strings. */
  private List<String> seriesOf(int t) {
    WriteBatch b = decoder.batch();
    List<String> out = new ArrayList<>();
    for (int s = decoder.firstSeries(t); s < decoder.endSeries(t); s++) {
      String value =
          new String(
              b.buffer(),
              b.labelValueOffset(s, 0),
              b.labelValueLength(s, 0),
              StandardCharsets.UTF_8);
      for (int i = 0; i < b.sampleCount(s); i++) {
        out.add(
            value
                + " "
                + b.sampleTimestamp(s, i)
                + " "
                + Double.longBitsToDouble(b.sampleValueBits(s, i)));
      }
    }
    return out;
  }

  private int decode(WriteRequest r) throws ProtobufDecodeException {
    byte[] bytes = r.toByteArray();
    return decoder.decode(bytes, bytes.length);
  }

  @Test
  void aForwardedHistogramIsNotedWithItsBytesAndDecodes() throws Exception {
    TimeSeries ts =
        TimeSeries.newBuilder()
            .addLabels(Label.newBuilder().setName("__name__").setValue("lat"))
            .addHistograms(
                PromTypes.Histogram.newBuilder()
                    .setCountInt(4)
                    .setSum(2.5)
                    .setZeroCountInt(4)
                    .setTimestamp(1800))
            .build();
    decode(
        WriteRequest.newBuilder()
            .addTimeseriesTenantData(
                TimeSeriesTenantTuple.newBuilder().setTenant("t").addTimeseries(ts))
            .build());
    WriteBatch b = decoder.batch();
    int s = decoder.firstSeries(0);
    assertThat(b.histogramCount(s)).isOne();
    HistogramDecoder.Decoded h =
        HistogramDecoder.decode(b.buffer(), b.histogramOffset(s, 0), b.histogramLength(s, 0));
    assertThat(h.timestamp()).isEqualTo(1800);
    assertThat(h.histogram().count()).isEqualTo(4);
    assertThat(h.histogram().zeroCount()).isEqualTo(4);
    assertThat(h.histogram().sum()).isEqualTo(2.5);
    assertThat(h.floatHistogram()).isNull();
  }

  @Test
  void legacyFormIsOneTenantWithTheSeriesOfField1() throws Exception {
    int n =
        decode(
            WriteRequest.newBuilder()
                .addTimeseries(series("a", 1, 1))
                .addTimeseries(series("b", 2, 2))
                .setTenant("team-a")
                .setReplica(3)
                .build());
    assertThat(n).isEqualTo(1);
    assertThat(decoder.tenant(0)).isEqualTo("team-a");
    assertThat(decoder.replica()).isEqualTo(3);
    assertThat(decoder.batch().version()).isEqualTo(RemoteWriteVersion.V1);
    assertThat(seriesOf(0)).containsExactly("a 1 1.0", "b 2 2.0");
    // Series byte ranges are the TimeSeries messages, as for remote write 1.0.
    WriteBatch b = decoder.batch();
    byte[] first = new byte[b.seriesLength(0)];
    System.arraycopy(b.buffer(), b.seriesOffset(0), first, 0, first.length);
    assertThat(TimeSeries.parseFrom(first)).isEqualTo(series("a", 1, 1));
  }

  @Test
  void tuplesOfField4WinOverTheLegacyFields() throws Exception {
    int n =
        decode(
            WriteRequest.newBuilder()
                .addTimeseries(series("legacy", 9, 9))
                .setTenant("ignored")
                .addTimeseriesTenantData(
                    TimeSeriesTenantTuple.newBuilder()
                        .setTenant("x")
                        .addTimeseries(series("a", 1, 1))
                        .addTimeseries(series("b", 2, 2)))
                .addTimeseriesTenantData(
                    TimeSeriesTenantTuple.newBuilder()
                        .setTenant("y")
                        .addTimeseries(series("c", 3, 3)))
                .addTimeseriesTenantData(TimeSeriesTenantTuple.newBuilder().setTenant("x"))
                .setReplica(1)
                .build());
    assertThat(n).isEqualTo(3);
    assertThat(decoder.tenant(0)).isEqualTo("x");
    assertThat(seriesOf(0)).containsExactly("a 1 1.0", "b 2 2.0");
    assertThat(decoder.tenant(1)).isEqualTo("y");
    assertThat(seriesOf(1)).containsExactly("c 3 3.0");
    assertThat(decoder.tenant(2)).isEqualTo("x");
    assertThat(seriesOf(2)).isEmpty();
    assertThat(decoder.replica()).isEqualTo(1);
  }

  @Test
  void anEmptyMessageIsOneTenantWithoutSeries() throws Exception {
    assertThat(decoder.decode(new byte[0], 0)).isEqualTo(1);
    assertThat(decoder.tenant(0)).isEmpty();
    assertThat(decoder.firstSeries(0)).isEqualTo(decoder.endSeries(0));
    assertThat(decoder.replica()).isZero();
  }

  @Test
  void garbageAndWrongWireTypesAreRejectedAndLeaveNothing() throws Exception {
    decode(WriteRequest.newBuilder().addTimeseries(series("a", 1, 1)).setTenant("t").build());
    byte[] truncated =
        WriteRequest.newBuilder().addTimeseries(series("a", 1, 1)).build().toByteArray();
    assertThatThrownBy(() -> decoder.decode(truncated, truncated.length - 1))
        .isInstanceOf(ProtobufDecodeException.class);
    assertThat(decoder.tenantCount()).isZero();
    assertThat(decoder.batch().seriesCount()).isZero();
    // Field 3 (replica) as a length-delimited field.
    byte[] wrongType = {0x1a, 0x01, 0x00};
    assertThatThrownBy(() -> decoder.decode(wrongType, wrongType.length))
        .isInstanceOf(ProtobufDecodeException.class)
        .hasMessageContaining("WriteRequest field 3");
    byte[] garbage = "this is not protobuf at all".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> decoder.decode(garbage, garbage.length))
        .isInstanceOf(ProtobufDecodeException.class);
  }

  @Test
  void unknownFieldsAreSkipped() throws Exception {
    byte[] known =
        WriteRequest.newBuilder()
            .addTimeseries(series("a", 1, 1))
            .setTenant("t")
            .build()
            .toByteArray();
    byte[] withUnknown = new byte[known.length + 2];
    System.arraycopy(known, 0, withUnknown, 0, known.length);
    withUnknown[known.length] = (byte) (9 << 3); // field 9, varint
    withUnknown[known.length + 1] = 5;
    assertThat(decoder.decode(withUnknown, withUnknown.length)).isEqualTo(1);
    assertThat(seriesOf(0)).containsExactly("a 1 1.0");
  }
}
