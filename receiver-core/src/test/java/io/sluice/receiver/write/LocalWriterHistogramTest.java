// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.chunkenc.FloatHistogramChunk;
import io.sluice.tsdb.chunkenc.FloatHistogramIterator;
import io.sluice.tsdb.chunkenc.HistogramChunk;
import io.sluice.tsdb.chunkenc.HistogramChunkFormat;
import io.sluice.tsdb.chunkenc.HistogramIterator;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import io.sluice.tsdb.wal.WalOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Native histograms through the local writer, as Thanos' writer takes them. */
class LocalWriterHistogramTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String TENANT = "default-tenant";

  @TempDir Path root;

  private MultiTsdb tsdbs;

  @BeforeEach
  void open() throws Exception {
    tsdbs =
        new MultiTsdb(
            root,
            prefix ->
                new TsdbOptions(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(T0)))
                        .withTooFarInFutureMs(60_000),
                    WalOptions.defaults(),
                    false,
                    2),
            t -> {});
    tsdbs.open(TENANT);
  }

  @AfterEach
  void close() throws Exception {
    tsdbs.close();
  }

  private static RemoteWrite.Histogram.Builder intHistogram(long t, long count) {
    return RemoteWrite.Histogram.newBuilder()
        .setCountInt(count)
        .setSum(count * 1.5)
        .setSchema(1)
        .setZeroThreshold(0.001)
        .setZeroCountInt(1)
        .addPositiveSpans(RemoteWrite.BucketSpan.newBuilder().setOffset(-1).setLength(2))
        .addPositiveDeltas(count - 2)
        .addPositiveDeltas(-(count - 2) + 1)
        .setTimestamp(t);
  }

  private static RemoteWrite.Histogram.Builder floatHistogram(long t, double count) {
    return RemoteWrite.Histogram.newBuilder()
        .setCountFloat(count)
        .setSum(-2.5)
        .setSchema(0)
        .setZeroCountFloat(0.5)
        .addNegativeSpans(RemoteWrite.BucketSpan.newBuilder().setOffset(3).setLength(1))
        .addNegativeCounts(count - 0.5)
        .setResetHint(RemoteWrite.Histogram.ResetHint.GAUGE)
        .setTimestamp(t);
  }

  private static RemoteWrite.TimeSeries.Builder series(String name) {
    return RemoteWrite.TimeSeries.newBuilder()
        .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue(name));
  }

  private WriteOutcome write(RemoteWrite.TimeSeries.Builder... series) throws Exception {
    RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
    for (RemoteWrite.TimeSeries.Builder s : series) {
      req.addTimeseries(s);
    }
    byte[] body = Snappy.compress(req.build().toByteArray());
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 24).decode(body, 0, body.length, RemoteWriteVersion.V1);
    WriteOutcome o = new WriteOutcome();
    new LocalWriter(tsdbs).write(TENANT, batch, o);
    return o;
  }

  /** Every histogram stored for a metric, as "t histogram". */
  private List<String> stored(String name) {
    List<String> out = new ArrayList<>();
    try (Querier q = tsdbs.get(TENANT).head().querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        if (!s.labels().get("__name__").equals(name)) {
          continue;
        }
        for (ChunkMeta c : s.chunks()) {
          byte[] d = c.data();
          if (c.encoding() == HistogramChunkFormat.ENCODING) {
            HistogramIterator it = HistogramChunk.iterator(d, 0, d.length);
            while (it.next()) {
              out.add(it.timestamp() + " " + it.histogram());
            }
          } else if (c.encoding() == HistogramChunkFormat.FLOAT_ENCODING) {
            FloatHistogramIterator it = FloatHistogramChunk.iterator(d, 0, d.length);
            while (it.next()) {
              out.add(it.timestamp() + " " + it.floatHistogram());
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void storesIntegerAndFloatHistogramsExactlyWith200() throws Exception {
    WriteOutcome o =
        write(
            series("lat").addHistograms(intHistogram(T0, 5)).addHistograms(intHistogram(T0 + 1, 9)),
            series("gauge").addHistograms(floatHistogram(T0, 2.5)),
            series("up").addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(T0).setValue(1)));
    assertThat(WriteStatus.of(o)).isEqualTo(new WriteStatus(200, "OK", ""));
    assertThat(o.histogramsAppended()).isEqualTo(3);
    assertThat(o.appended()).isEqualTo(1);
    List<HistogramSpan> pos = List.of(new HistogramSpan(-1, 2));
    assertThat(stored("lat"))
        .containsExactly(
            T0
                + " "
                + new Histogram(
                    (byte) 0, 1, 0.001, 1, 5, 7.5, pos, List.of(), new long[] {3, -2}, new long[0]),
            (T0 + 1)
                + " "
                + new Histogram(
                    (byte) 2,
                    1,
                    0.001,
                    1,
                    9,
                    13.5,
                    pos,
                    List.of(),
                    new long[] {7, -6},
                    new long[0]));
    assertThat(stored("gauge"))
        .containsExactly(
            T0
                + " "
                + new FloatHistogram(
                    (byte) 3,
                    0,
                    0.0,
                    0.5,
                    2.5,
                    -2.5,
                    List.of(),
                    List.of(new HistogramSpan(3, 1)),
                    new double[0],
                    new double[] {2.0}));
  }

  @Test
  void anOlderHistogramIsA409OutOfOrderAndTheRestIsStored() throws Exception {
    write(series("lat").addHistograms(intHistogram(T0, 5)));
    WriteOutcome o =
        write(
            series("lat").addHistograms(intHistogram(T0 - 1, 5)),
            series("lat2").addHistograms(intHistogram(T0, 5)));
    assertThat(o.rejected(AppendResult.OUT_OF_ORDER)).isOne();
    assertThat(WriteStatus.of(o))
        .isEqualTo(new WriteStatus(409, "AlreadyExists", "add 1 samples: out of order sample"));
    assertThat(stored("lat2")).hasSize(1);
  }

  @Test
  void histogramsAreNotCheckedAgainstTheFutureWindow() throws Exception {
    WriteOutcome o = write(series("lat").addHistograms(intHistogram(T0 + 3_600_000L, 5)));
    assertThat(WriteStatus.of(o).httpStatus()).isEqualTo(200);
    assertThat(stored("lat")).hasSize(1);
  }

  @Test
  void anInvalidHistogramIsDroppedAndTheRequestStill200() throws Exception {
    WriteOutcome o =
        write(
            series("bad")
                .addHistograms(intHistogram(T0, 5).setCountInt(1)) // below its buckets
                .addHistograms(intHistogram(T0 + 1, 5).addPositiveDeltas(1)) // spans mismatch
                .addHistograms(intHistogram(T0 + 2, 5).setSchema(9)) // unknown schema
                .addHistograms(intHistogram(T0 + 3, 5)));
    assertThat(WriteStatus.of(o)).isEqualTo(new WriteStatus(200, "OK", ""));
    assertThat(o.histogramsDropped()).isEqualTo(3);
    assertThat(o.histogramsAppended()).isOne();
    assertThat(stored("bad")).hasSize(1).allMatch(s -> s.startsWith((T0 + 3) + " "));
  }

  @Test
  void remoteWrite2HistogramsAreStoredToo() throws Exception {
    RemoteWriteV2.Request req =
        RemoteWriteV2.Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("lat")
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addLabelsRefs(1)
                    .addLabelsRefs(2)
                    .addHistograms(
                        RemoteWriteV2.Histogram.newBuilder()
                            .setCountInt(3)
                            .setSum(1)
                            .setZeroCountInt(3)
                            .setTimestamp(T0)))
            .build();
    byte[] body = Snappy.compress(req.toByteArray());
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 24).decode(body, 0, body.length, RemoteWriteVersion.V2);
    assertThat(batch.totalHistograms()).isOne();
    WriteOutcome o = new WriteOutcome();
    new LocalWriter(tsdbs).write(TENANT, batch, o);
    assertThat(WriteStatus.of(o).httpStatus()).isEqualTo(200);
    assertThat(stored("lat"))
        .containsExactly(
            T0
                + " "
                + new Histogram(
                    (byte) 0, 0, 0.0, 3, 3, 1.0, List.of(), List.of(), new long[0], new long[0]));
  }
}
