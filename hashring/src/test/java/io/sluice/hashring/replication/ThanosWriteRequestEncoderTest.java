// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import static io.sluice.hashring.replication.Batches.sample;
import static io.sluice.hashring.replication.Batches.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.receiver.proto.thanos.StoreRpc;
import io.sluice.receiver.proto.thanos.prompb.PromTypes;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import io.sluice.receiver.write.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThanosWriteRequestEncoderTest {
  private static final long STALE_NAN = 0x7ff0000000000002L;

  private final ThanosWriteRequestEncoder encoder = new ThanosWriteRequestEncoder();

  private StoreRpc.WriteRequest encodeAndParse(WriteRequest request) throws Exception {
    encoder.encode(request);
    return StoreRpc.WriteRequest.parseFrom(encoder.toByteArray());
  }

  private static List<String> labels(PromTypes.TimeSeries ts) {
    List<String> out = new ArrayList<>();
    for (Label l : ts.getLabelsList()) {
      out.add(l.getName() + "=" + l.getValue());
    }
    return out;
  }

  @Test
  void aV1SeriesWithASplitTenantLabelIsReEncodedWithoutIt() throws Exception {
    WriteBatch batch =
        Batches.v1(
            RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(
                    series("__name__", "up", "tenant", "team-a", "zone", "z1")
                        .addSamples(sample(1000, 1.5)))
                .addTimeseries(series("__name__", "kept").addSamples(sample(1000, 2)))
                .build());
    WriteRequest req = new WriteRequest().reset("team-a", 1, batch);
    req.add(0, 0, 1);
    req.add(1, 0, -1);
    StoreRpc.WriteRequest got = encodeAndParse(req);
    assertThat(labels(got.getTimeseries(0))).containsExactly("__name__=up", "zone=z1");
    assertThat(got.getTimeseries(0).getSamples(0).getValue()).isEqualTo(1.5);
    assertThat(got.getTimeseries(0).getSamples(0).getTimestamp()).isEqualTo(1000);
    assertThat(labels(got.getTimeseries(1))).containsExactly("__name__=kept");
  }

  @Test
  void aRelabelledV1SeriesIsReEncodedWithItsNewLabelsAndEveryOtherFieldAsSent() throws Exception {
    RemoteWrite.TimeSeries renamed =
        series("__name__", "old", "job", "a")
            .addSamples(sample(1000, -0.0))
            .addSamples(
                RemoteWrite.Sample.newBuilder()
                    .setTimestamp(2000)
                    .setValue(Double.longBitsToDouble(STALE_NAN)))
            .addExemplars(
                RemoteWrite.Exemplar.newBuilder()
                    .addLabels(RemoteWrite.Label.newBuilder().setName("trace_id").setValue("t1"))
                    .setValue(3)
                    .setTimestamp(1500))
            .addHistograms(
                RemoteWrite.Histogram.newBuilder().setCountInt(4).setSum(2.5).setTimestamp(1800))
            .build();
    RemoteWrite.TimeSeries kept = series("__name__", "kept").addSamples(sample(1, 1)).build();
    WriteBatch batch =
        Batches.v1(
            RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(renamed)
                .addTimeseries(kept)
                .build());
    var rules =
        io.sluice.receiver.relabel.RelabelConfigs.parse(
                "- {source_labels: [__name__], regex: old, target_label: __name__, replacement:"
                    + " new}\n"
                    + "- {regex: job, action: labeldrop}\n"
                    + "- {source_labels: [__name__], regex: new, target_label: zone, replacement: z1}")
            .configs();
    WriteRequest req = new WriteRequest().reset("t", 1, batch);
    new io.sluice.receiver.relabel.BatchRelabeller(new io.sluice.receiver.relabel.Relabeller(rules))
        .relabel(batch, req);

    StoreRpc.WriteRequest got = encodeAndParse(req);

    PromTypes.TimeSeries first = got.getTimeseries(0);
    assertThat(labels(first)).containsExactly("__name__=new", "zone=z1");
    assertThat(first.getSamplesCount()).isEqualTo(2);
    assertThat(Double.doubleToRawLongBits(first.getSamples(0).getValue()))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Double.doubleToRawLongBits(first.getSamples(1).getValue())).isEqualTo(STALE_NAN);
    assertThat(first.getExemplars(0).getLabels(0).getValue()).isEqualTo("t1");
    assertThat(first.getHistograms(0).getCountInt()).isEqualTo(4);
    assertThat(first.getHistograms(0).getSum()).isEqualTo(2.5);
    // Every field but the labels is the bytes sent.
    RemoteWrite.TimeSeries expected =
        renamed.toBuilder()
            .clearLabels()
            .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("new"))
            .addLabels(RemoteWrite.Label.newBuilder().setName("zone").setValue("z1"))
            .build();
    assertThat(first.toByteArray()).isEqualTo(expected.toByteArray());
    // A series relabelling kept as it was is still copied as its raw bytes.
    assertThat(batch.labelsRewritten(1)).isFalse();
    assertThat(got.getTimeseries(1).toByteArray()).isEqualTo(kept.toByteArray());
  }

  @Test
  void aSplitTenantSeriesKeepsItsExemplarsWithoutTheLabel() throws Exception {
    RemoteWrite.TimeSeries s =
        series("__name__", "up", "tenant", "team-a")
            .addSamples(sample(1000, 1))
            .addExemplars(
                RemoteWrite.Exemplar.newBuilder()
                    .addLabels(RemoteWrite.Label.newBuilder().setName("trace_id").setValue("x"))
                    .setValue(1)
                    .setTimestamp(1000))
            .build();
    WriteBatch batch = Batches.v1(RemoteWrite.WriteRequest.newBuilder().addTimeseries(s).build());
    WriteRequest req = new WriteRequest().reset("team-a", 1, batch);
    req.add(0, 0, 1);
    PromTypes.TimeSeries got = encodeAndParse(req).getTimeseries(0);
    assertThat(labels(got)).containsExactly("__name__=up");
    assertThat(got.getExemplarsCount()).isEqualTo(1);
  }

  @Test
  void v1SeriesAreCopiedAsTheirRawBytesWithTenantAndReplica() throws Exception {
    RemoteWrite.TimeSeries a =
        series("__name__", "up", "job", "a")
            .addSamples(sample(1000, 1.5))
            .addSamples(sample(2000, -0.0))
            .addExemplars(
                RemoteWrite.Exemplar.newBuilder()
                    .addLabels(RemoteWrite.Label.newBuilder().setName("trace_id").setValue("x"))
                    .setValue(3)
                    .setTimestamp(1500))
            .build();
    RemoteWrite.TimeSeries b = series("__name__", "skipped").addSamples(sample(1, 1)).build();
    RemoteWrite.TimeSeries c =
        series("__name__", "ünï", "le", "")
            .addSamples(
                RemoteWrite.Sample.newBuilder()
                    .setTimestamp(-5)
                    .setValue(Double.longBitsToDouble(STALE_NAN)))
            .build();
    WriteBatch batch =
        Batches.v1(
            RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(a)
                .addTimeseries(b)
                .addTimeseries(c)
                .build());
    WriteRequest req = new WriteRequest().reset("team-a", 2, batch);
    req.add(0, 11);
    req.add(2, 22);

    StoreRpc.WriteRequest got = encodeAndParse(req);

    assertThat(got.getTenant()).isEqualTo("team-a");
    assertThat(got.getReplica()).isEqualTo(2);
    assertThat(got.getTimeseriesTenantDataCount()).isZero();
    assertThat(got.getTimeseriesCount()).isEqualTo(2);
    // Same bytes as the original TimeSeries: same labels, samples (bits) and exemplars.
    assertThat(got.getTimeseries(0).toByteArray()).isEqualTo(a.toByteArray());
    assertThat(got.getTimeseries(1).toByteArray()).isEqualTo(c.toByteArray());
    PromTypes.TimeSeries first = got.getTimeseries(0);
    assertThat(labels(first)).containsExactly("__name__=up", "job=a");
    assertThat(first.getSamplesList())
        .extracting(PromTypes.Sample::getTimestamp)
        .containsExactly(1000L, 2000L);
    assertThat(Double.doubleToRawLongBits(first.getSamples(1).getValue()))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(first.getExemplars(0).getLabels(0).getValue()).isEqualTo("x");
    assertThat(labels(got.getTimeseries(1))).containsExactly("__name__=ünï", "le=");
    assertThat(Double.doubleToRawLongBits(got.getTimeseries(1).getSamples(0).getValue()))
        .isEqualTo(STALE_NAN);
    assertThat(got.getTimeseries(1).getSamples(0).getTimestamp()).isEqualTo(-5);
  }

  @Test
  void replicaZeroAndEmptyTenantAreOmittedAsProto3Does() throws Exception {
    WriteBatch batch =
        Batches.v1(
            RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(series("a", "b").addSamples(sample(1, 1)))
                .build());
    encoder.encode(new WriteRequest().resetAll("", 0, batch));
    byte[] bytes = encoder.toByteArray();
    StoreRpc.WriteRequest expected =
        StoreRpc.WriteRequest.newBuilder()
            .addTimeseries(PromTypes.TimeSeries.parseFrom(batchSeriesBytes(batch, 0)))
            .build();
    assertThat(bytes).isEqualTo(expected.toByteArray());
  }

  @Test
  void v2SeriesAreReencodedFromTheirResolvedLabelsAndSamples() throws Exception {
    RemoteWriteV2.Request v2 =
        RemoteWriteV2.Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("http_requests_total")
            .addSymbols("code")
            .addSymbols("200")
            .addSymbols("empty")
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2, 3, 4))
                    .addSamples(
                        RemoteWriteV2.Sample.newBuilder().setTimestamp(1000).setValue(7).build())
                    .addSamples(
                        RemoteWriteV2.Sample.newBuilder()
                            .setTimestamp(Long.MIN_VALUE)
                            .setValue(Double.longBitsToDouble(STALE_NAN))
                            .build()))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 5, 5, 0))
                    .addSamples(
                        RemoteWriteV2.Sample.newBuilder().setTimestamp(0).setValue(0).build()))
            .build();
    WriteBatch batch = Batches.v2(v2);
    StoreRpc.WriteRequest got = encodeAndParse(new WriteRequest().resetAll("t", 3, batch));

    assertThat(got.getTenant()).isEqualTo("t");
    assertThat(got.getReplica()).isEqualTo(3);
    assertThat(got.getTimeseriesCount()).isEqualTo(2);
    assertThat(labels(got.getTimeseries(0)))
        .containsExactly("__name__=http_requests_total", "code=200");
    assertThat(got.getTimeseries(0).getSamplesList())
        .extracting(PromTypes.Sample::getTimestamp)
        .containsExactly(1000L, Long.MIN_VALUE);
    assertThat(got.getTimeseries(0).getSamples(0).getValue()).isEqualTo(7.0);
    assertThat(Double.doubleToRawLongBits(got.getTimeseries(0).getSamples(1).getValue()))
        .isEqualTo(STALE_NAN);
    assertThat(labels(got.getTimeseries(1))).containsExactly("__name__=empty", "empty=");
    assertThat(got.getTimeseries(1).getSamples(0).getTimestamp()).isZero();
    assertThat(got.getTimeseries(1).getExemplarsCount()).isZero();
    assertThat(got.getTimeseries(1).getHistogramsCount()).isZero();
    // Byte-identical to what protobuf-java writes for the same message (apart from the always
    // written zero-valued sample fields, which protobuf-java omits): parse and re-serialize.
    assertThat(StoreRpc.WriteRequest.parseFrom(got.toByteArray())).isEqualTo(got);
  }

  @Test
  void aBufferReusedForASmallerRequestHoldsOnlyThatRequest() throws Exception {
    RemoteWrite.WriteRequest.Builder big = RemoteWrite.WriteRequest.newBuilder();
    for (int i = 0; i < 500; i++) {
      big.addTimeseries(series("__name__", "m", "i", Integer.toString(i)).addSamples(sample(i, i)));
    }
    encoder.encode(new WriteRequest().resetAll("a", 0, Batches.v1(big.build())));
    WriteBatch small =
        Batches.v1(
            RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "s").addSamples(sample(9, 9)))
                .build());
    StoreRpc.WriteRequest got = encodeAndParse(new WriteRequest().resetAll("bb", 1, small));
    assertThat(got.getTimeseriesCount()).isEqualTo(1);
    assertThat(got.getTenant()).isEqualTo("bb");
    assertThat(labels(got.getTimeseries(0))).containsExactly("__name__=s");
  }

  @Test
  void v2ExemplarsAreReencodedWithTheirLabelsValueBitsAndTimestamps() throws Exception {
    RemoteWriteV2.Request v2 =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "__name__", "m", "trace_id", "abc123", "span_id"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(10).setValue(1))
                    .addExemplars(
                        RemoteWriteV2.Exemplar.newBuilder()
                            .addAllLabelsRefs(List.of(3, 4, 5, 0))
                            .setValue(0.5)
                            .setTimestamp(9))
                    .addExemplars(
                        RemoteWriteV2.Exemplar.newBuilder()
                            .setValue(Double.longBitsToDouble(STALE_NAN))
                            .setTimestamp(-1)))
            .build();
    WriteRequest req = new WriteRequest().resetAll("t", 0, Batches.v2(v2));
    StoreRpc.WriteRequest got = encodeAndParse(req);

    PromTypes.TimeSeries ts = got.getTimeseries(0);
    assertThat(ts.getSamplesCount()).isOne();
    assertThat(ts.getExemplarsCount()).isEqualTo(2);
    PromTypes.Exemplar first = ts.getExemplars(0);
    assertThat(first.getLabelsList())
        .extracting(l -> l.getName() + "=" + l.getValue())
        .containsExactly("trace_id=abc123", "span_id=");
    assertThat(first.getValue()).isEqualTo(0.5);
    assertThat(first.getTimestamp()).isEqualTo(9);
    assertThat(Double.doubleToRawLongBits(ts.getExemplars(1).getValue())).isEqualTo(STALE_NAN);
    assertThat(ts.getExemplars(1).getTimestamp()).isEqualTo(-1);
    assertThat(ts.getExemplars(1).getLabelsCount()).isZero();
    // The receiving side decodes the same exemplars.
    assertThat(StoreRpc.WriteRequest.parseFrom(got.toByteArray())).isEqualTo(got);
  }

  @Test
  void v2HistogramsAreForwardedAsTheHistogramsOfTheSeries() throws Exception {
    RemoteWriteV2.Histogram integer =
        RemoteWriteV2.Histogram.newBuilder()
            .setCountInt(7)
            .setSum(12.5)
            .setSchema(3)
            .setZeroThreshold(1e-128)
            .setZeroCountInt(1)
            .addPositiveSpans(RemoteWriteV2.BucketSpan.newBuilder().setOffset(-2).setLength(2))
            .addAllPositiveDeltas(List.of(4L, -2L))
            .setResetHint(RemoteWriteV2.Histogram.ResetHint.RESET_HINT_NO)
            .setTimestamp(5)
            .build();
    RemoteWriteV2.Histogram floats =
        RemoteWriteV2.Histogram.newBuilder()
            .setCountFloat(2.5)
            .setSum(-1)
            .setSchema(-4)
            .addNegativeSpans(RemoteWriteV2.BucketSpan.newBuilder().setOffset(1).setLength(1))
            .addNegativeCounts(2.5)
            .setTimestamp(6)
            .build();
    RemoteWriteV2.Request v2 =
        RemoteWriteV2.Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("h")
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2))
                    .addHistograms(integer)
                    .addHistograms(floats))
            .build();
    StoreRpc.WriteRequest got = encodeAndParse(new WriteRequest().resetAll("t", 0, Batches.v2(v2)));

    PromTypes.TimeSeries ts = got.getTimeseries(0);
    assertThat(labels(ts)).containsExactly("__name__=h");
    assertThat(ts.getHistogramsCount()).isEqualTo(2);
    PromTypes.Histogram h = ts.getHistograms(0);
    assertThat(h.getCountInt()).isEqualTo(7);
    assertThat(h.getSum()).isEqualTo(12.5);
    assertThat(h.getSchema()).isEqualTo(3);
    assertThat(h.getZeroThreshold()).isEqualTo(1e-128);
    assertThat(h.getZeroCountInt()).isEqualTo(1);
    assertThat(h.getPositiveSpans(0).getOffset()).isEqualTo(-2);
    assertThat(h.getPositiveSpans(0).getLength()).isEqualTo(2);
    assertThat(h.getPositiveDeltasList()).containsExactly(4L, -2L);
    assertThat(h.getResetHint()).isEqualTo(PromTypes.Histogram.ResetHint.NO);
    assertThat(h.getTimestamp()).isEqualTo(5);
    PromTypes.Histogram f = ts.getHistograms(1);
    assertThat(f.getCountFloat()).isEqualTo(2.5);
    assertThat(f.getNegativeCountsList()).containsExactly(2.5);
    assertThat(f.getNegativeSpans(0).getOffset()).isEqualTo(1);
    assertThat(f.getSchema()).isEqualTo(-4);
    assertThat(f.getTimestamp()).isEqualTo(6);
  }

  @Test
  void varintSizesMatchProtobuf() {
    for (long v : new long[] {0, 1, 127, 128, 16_383, 16_384, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
      assertThat(ThanosWriteRequestEncoder.varint64Size(v))
          .as("%d", v)
          .isEqualTo(com.google.protobuf.CodedOutputStream.computeUInt64SizeNoTag(v));
    }
  }

  private static byte[] batchSeriesBytes(WriteBatch b, int s) {
    return java.util.Arrays.copyOfRange(
        b.buffer(), b.seriesOffset(s), b.seriesOffset(s) + b.seriesLength(s));
  }
}
