// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import io.sluice.receiver.write.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** Relabelling a decoded batch: what the request keeps and what the batch then describes. */
class BatchRelabellerTest {
  private static final String RULES =
      """
      - {source_labels: [__name__], regex: "drop_.*", action: drop}
      - {source_labels: [__name__, job], regex: "renamed;(.*)", target_label: origin,
         replacement: "job-$1"}
      - {regex: "job", action: labeldrop}
      """;

  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(1 << 20);
  private final BatchRelabeller relabeller;

  BatchRelabellerTest() throws Exception {
    relabeller = new BatchRelabeller(new Relabeller(RelabelConfigs.parse(RULES).configs()));
  }

  private static RemoteWrite.TimeSeries series(String... labels) {
    RemoteWrite.TimeSeries.Builder b = RemoteWrite.TimeSeries.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      b.addLabels(RemoteWrite.Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
    }
    return b.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(1).setValue(labels.length))
        .build();
  }

  private WriteBatch decode(RemoteWrite.TimeSeries... series) throws Exception {
    RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
    for (RemoteWrite.TimeSeries s : series) {
      b.addTimeseries(s);
    }
    byte[] body = Snappy.compress(b.build().toByteArray());
    return decoder.decode(body, 0, body.length, RemoteWriteVersion.V1);
  }

  static List<String> labels(WriteBatch b, int s) {
    List<String> out = new ArrayList<>();
    byte[] buf = b.buffer();
    for (int l = 0; l < b.labelCount(s); l++) {
      out.add(
          new String(buf, b.labelNameOffset(s, l), b.labelNameLength(s, l), StandardCharsets.UTF_8)
              + "="
              + new String(
                  buf, b.labelValueOffset(s, l), b.labelValueLength(s, l), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static byte[] raw(WriteBatch b, int s) {
    return Arrays.copyOfRange(b.buffer(), b.seriesOffset(s), b.seriesOffset(s) + b.seriesLength(s));
  }

  @Test
  void keptSeriesGoToTheRequestAndChangedOnesGetTheirNewLabelsInTheBatch() throws Exception {
    RemoteWrite.TimeSeries unchanged = series("__name__", "kept");
    RemoteWrite.TimeSeries renamed = series("__name__", "renamed", "job", "api", "zone", "z1");
    WriteBatch b =
        decode(unchanged, series("__name__", "drop_me"), renamed, series("__name__", "last"));
    WriteRequest req = new WriteRequest().reset("t", 0, b);

    assertThat(relabeller.relabel(b, req)).isEqualTo(3);

    assertThat(req.seriesCount()).isEqualTo(3);
    assertThat(List.of(req.series(0), req.series(1), req.series(2))).containsExactly(0, 2, 3);
    assertThat(labels(b, 0)).containsExactly("__name__=kept");
    assertThat(labels(b, 2)).containsExactly("__name__=renamed", "origin=job-api", "zone=z1");
    assertThat(labels(b, 3)).containsExactly("__name__=last");
    assertThat(b.labelsRewritten(0)).isFalse();
    assertThat(b.labelsRewritten(1)).isFalse();
    assertThat(b.labelsRewritten(2)).isTrue();
    assertThat(b.labelsRewritten(3)).isFalse();
    // Raw bytes still hold every series as sent; samples are untouched.
    assertThat(raw(b, 0)).isEqualTo(unchanged.toByteArray());
    assertThat(raw(b, 2)).isEqualTo(renamed.toByteArray());
    assertThat(b.sampleValueBits(2, 0)).isEqualTo(Double.doubleToRawLongBits(6));
    assertThat(b.totalSamples()).isEqualTo(4);
  }

  @Test
  void aBatchWhoseLabelsStayTheSameIsNotTouched() throws Exception {
    WriteBatch b = decode(series("__name__", "a"), series("__name__", "b", "zone", "z"));
    byte[] buffer = b.buffer();
    WriteRequest req = new WriteRequest().reset("t", 0, b);
    assertThat(relabeller.relabel(b, req)).isEqualTo(2);
    assertThat(b.buffer()).isSameAs(buffer);
    assertThat(b.labelsRewritten(0) || b.labelsRewritten(1)).isFalse();
  }

  @Test
  void requestsAfterARewriteAreRelabelledFromTheirOwnLabels() throws Exception {
    WriteRequest req = new WriteRequest();
    for (int round = 0; round < 5; round++) {
      List<RemoteWrite.TimeSeries> in = new ArrayList<>();
      for (int i = 0; i < 40 + round * 30; i++) {
        in.add(
            i % 3 == 0
                ? series("__name__", "renamed", "i", Integer.toString(i), "job", "r" + round)
                : series("__name__", "m" + i, "job", "x"));
      }
      WriteBatch b = decode(in.toArray(RemoteWrite.TimeSeries[]::new));
      relabeller.relabel(b, req.reset("t", 0, b));
      assertThat(req.seriesCount()).isEqualTo(in.size());
      for (int i = 0; i < in.size(); i++) {
        List<String> want =
            i % 3 == 0
                ? List.of("__name__=renamed", "i=" + i, "origin=job-r" + round)
                : List.of("__name__=m" + i);
        assertThat(labels(b, i)).as("round %d series %d", round, i).isEqualTo(want);
        assertThat(b.labelsRewritten(i)).isTrue();
      }
    }
  }

  @Test
  void aCopyOfARelabelledBatchKeepsItsLabelsAndFlags() throws Exception {
    WriteBatch b =
        decode(series("__name__", "renamed", "job", "a"), series("__name__", "plain", "z", "1"));
    relabeller.relabel(b, new WriteRequest().reset("t", 0, b));
    WriteBatch copy = new WriteBatch().copyFrom(b);
    // The decoder's next request reuses what b holds; the copy must not change.
    decode(series("__name__", "other", "job", "b"));
    assertThat(labels(copy, 0)).containsExactly("__name__=renamed", "origin=job-a");
    assertThat(labels(copy, 1)).containsExactly("__name__=plain", "z=1");
    assertThat(copy.labelsRewritten(0)).isTrue();
    assertThat(copy.labelsRewritten(1)).isFalse();
  }

  @Test
  void theRewriterRefusesSeriesOutOfOrderOrLeftOpen() throws Exception {
    WriteBatch b = decode(series("__name__", "a"), series("__name__", "b"));
    io.sluice.receiver.decode.LabelRewriter r = new io.sluice.receiver.decode.LabelRewriter();
    r.begin(b);
    r.startSeries(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(r::commit)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("still open");
    r.addLabel("__name__", "c");
    r.endSeries();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.startSeries(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("comes after");
    r.commit();
    assertThat(labels(b, 0)).containsExactly("__name__=a");
    assertThat(labels(b, 1)).containsExactly("__name__=c");
  }

  @Test
  void remoteWrite2SeriesAreRelabelledToo() throws Exception {
    RemoteWriteV2.Request v2 =
        RemoteWriteV2.Request.newBuilder()
            .addAllSymbols(List.of("", "__name__", "renamed", "job", "api", "drop_x"))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2, 3, 4))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(5).setValue(1)))
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 5))
                    .addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(5).setValue(1)))
            .build();
    byte[] body = Snappy.compress(v2.toByteArray());
    WriteBatch b = decoder.decode(body, 0, body.length, RemoteWriteVersion.V2);
    WriteRequest req = new WriteRequest().reset("t", 0, b);
    assertThat(relabeller.relabel(b, req)).isEqualTo(1);
    assertThat(labels(b, 0)).containsExactly("__name__=renamed", "origin=job-api");
  }
}
