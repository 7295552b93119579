// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.chunkenc.HistogramChunkFormat;
import io.sluice.tsdb.chunkenc.HistogramGolden;
import io.sluice.tsdb.chunkenc.HistogramGolden.StoredChunk;
import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RefFloatHistogramSample;
import io.sluice.tsdb.record.RefHistogramSample;
import io.sluice.tsdb.record.WalRecord;
import io.sluice.tsdb.testing.MutableClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Native histograms in the head: Prometheus 2.42's chunks, checks and outcomes. */
class HeadHistogramTest {
  private static final long T0 = 1_700_006_400_000L;

  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  private static Histogram hist(long count, double sum) {
    return new Histogram(
        (byte) 0,
        0,
        0.0,
        0,
        count,
        sum,
        List.of(new HistogramSpan(0, 1)),
        List.of(),
        new long[] {count},
        new long[0]);
  }

  private static FloatHistogram floatHist(double count) {
    return new FloatHistogram(
        (byte) 0,
        0,
        0.0,
        0.0,
        count,
        1.5,
        List.of(new HistogramSpan(0, 1)),
        List.of(),
        new double[] {count},
        new double[0]);
  }

  private List<StoredChunk> chunks(String name, long maxTimeExclusive) {
    MemSeries s = HeadFixtures.series(head, "__name__", name);
    List<StoredChunk> out = new ArrayList<>();
    for (ChunkMeta c : s.chunks(Long.MIN_VALUE, maxTimeExclusive - 1, head.oooCapMax())) {
      if (c.maxTime() < maxTimeExclusive) {
        out.add(StoredChunk.of(c.encoding(), c.data()));
      }
    }
    return out;
  }

  private HeadAppender on(String name) {
    HeadAppender app = head.appender();
    byte[] key = Labels.of("__name__", name).toKey();
    app.series(head.hash(key, 0, key.length), key, 0, key.length);
    return app;
  }

  @Test
  void cutsTheGoldenSamplesIntoTheChunksOfPrometheusBlock() {
    try (HeadAppender app = head.appender()) {
      HistogramGolden.appendAll(head, app);
    }
    Map<String, List<StoredChunk>> golden = HistogramGolden.blockChunks();
    assertThat(golden).hasSize(15);
    for (Map.Entry<String, List<StoredChunk>> e : golden.entrySet()) {
      assertThat(chunks(e.getKey(), HistogramGolden.blockMaxTime()))
          .as(e.getKey())
          .containsExactlyElementsOf(e.getValue());
    }
  }

  @Test
  void rejectsOlderHistogramsAsOutOfOrderAndOtherSameTimeHistogramsAsDuplicates() {
    try (HeadAppender app = on("h")) {
      assertThat(app.appendHistogram(T0, hist(1, 1))).isEqualTo(AppendResult.OK);
      assertThat(app.appendHistogram(T0 + 10, hist(2, 2))).isEqualTo(AppendResult.OK);
      assertThat(app.appendHistogram(T0 + 5, hist(3, 3))).isEqualTo(AppendResult.OUT_OF_ORDER);
      assertThat(app.appendHistogram(T0 + 10, hist(2, 2))).isEqualTo(AppendResult.OK);
      assertThat(app.appendHistogram(T0 + 10, hist(2, 2.5)))
          .isEqualTo(AppendResult.DUPLICATE_SAMPLE);
      assertThat(app.appendFloatHistogram(T0 + 10, floatHist(2)))
          .isEqualTo(AppendResult.DUPLICATE_SAMPLE);
      assertThat(app.append(T0 + 10, Double.doubleToRawLongBits(2)))
          .isEqualTo(AppendResult.DUPLICATE_SAMPLE);
    }
    List<StoredChunk> c = chunks("h", Long.MAX_VALUE);
    assertThat(c).hasSize(1);
    assertThat(c.get(0).hex()).startsWith("0002"); // the idempotent repeat stored nothing
  }

  @Test
  void histogramsOlderThanHalfAChunkRangeBeforeTheHeadAreOutOfBoundsEvenWithOutOfOrderOn() {
    Head ooo = new Head(HeadOptions.defaults(new MutableClock(0)).withOutOfOrder(3_600_000L, 32));
    byte[] key = Labels.of("__name__", "h").toKey();
    try (HeadAppender app = ooo.appender()) {
      app.series(ooo.hash(key, 0, key.length), key, 0, key.length);
      assertThat(app.appendHistogram(T0 + 7_200_000L, hist(1, 1))).isEqualTo(AppendResult.OK);
    }
    try (HeadAppender app = ooo.appender()) {
      app.series(ooo.hash(key, 0, key.length), key, 0, key.length);
      assertThat(app.appendHistogram(T0, hist(1, 1))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
      assertThat(app.appendHistogram(T0 + 7_000_000L, hist(1, 1)))
          .isEqualTo(AppendResult.OUT_OF_ORDER);
    }
  }

  @Test
  void outOfOrderFloatsOfASeriesWithHistogramsAreMergedWithItsFloatChunks() {
    Head ooo = new Head(HeadOptions.defaults(new MutableClock(0)).withOutOfOrder(3_600_000L, 32));
    byte[] key = Labels.of("__name__", "m").toKey();
    try (HeadAppender app = ooo.appender()) {
      app.series(ooo.hash(key, 0, key.length), key, 0, key.length);
      assertThat(app.append(T0, Double.doubleToRawLongBits(1))).isEqualTo(AppendResult.OK);
      assertThat(app.append(T0 + 20, Double.doubleToRawLongBits(2))).isEqualTo(AppendResult.OK);
      assertThat(app.appendHistogram(T0 + 30, hist(1, 1))).isEqualTo(AppendResult.OK);
      assertThat(app.append(T0 + 10, Double.doubleToRawLongBits(3))).isEqualTo(AppendResult.OK);
    }
    MemSeries s = HeadFixtures.series(ooo, "__name__", "m");
    List<ChunkMeta> chunks = s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, ooo.oooCapMax());
    assertThat(chunks)
        .extracting(ChunkMeta::encoding)
        .containsExactly(XorChunkFormat.ENCODING, HistogramChunkFormat.ENCODING);
    byte[] d = chunks.get(0).data();
    XorIterator it = XorChunk.iterator(d, 0, d.length);
    List<Long> ts = new ArrayList<>();
    while (it.next()) {
      ts.add(it.timestamp());
    }
    assertThat(ts).containsExactly(T0, T0 + 10, T0 + 20);
  }

  @Test
  void aSeriesSwitchingKindsGetsAChunkPerRunOfOneKind() {
    try (HeadAppender app = on("m")) {
      assertThat(app.append(T0, Double.doubleToRawLongBits(1))).isEqualTo(AppendResult.OK);
      assertThat(app.appendHistogram(T0 + 1, hist(1, 1))).isEqualTo(AppendResult.OK);
      assertThat(app.appendFloatHistogram(T0 + 2, floatHist(1))).isEqualTo(AppendResult.OK);
      assertThat(app.append(T0 + 3, Double.doubleToRawLongBits(2))).isEqualTo(AppendResult.OK);
      assertThat(app.append(T0 + 2, Double.doubleToRawLongBits(2)))
          .isEqualTo(AppendResult.OUT_OF_ORDER);
    }
    assertThat(chunks("m", Long.MAX_VALUE))
        .extracting(StoredChunk::encoding)
        .containsExactly(
            XorChunkFormat.ENCODING,
            HistogramChunkFormat.ENCODING,
            HistogramChunkFormat.FLOAT_ENCODING,
            XorChunkFormat.ENCODING);
  }

  @Test
  void commitLogsSeriesSamplesAndBothHistogramRecordsInOneWrite() throws IOException {
    List<List<WalRecord>> writes = new ArrayList<>();
    HeadAppender.RecordLog log =
        (buf, bounds, count) -> {
          List<WalRecord> records = new ArrayList<>();
          RecordDecoder dec = new RecordDecoder();
          for (int i = 0; i < count; i++) {
            byte[] rec = Arrays.copyOfRange(buf, bounds[i], bounds[i + 1]);
            records.add(dec.decode(rec, 0, rec.length));
          }
          writes.add(records);
        };
    byte[] key = Labels.of("__name__", "m").toKey();
    try (HeadAppender app = head.appender(log)) {
      app.series(head.hash(key, 0, key.length), key, 0, key.length);
      app.appendHistogram(T0, hist(1, 1));
      app.appendFloatHistogram(T0 + 1, floatHist(2));
      app.append(T0 + 2, Double.doubleToRawLongBits(3));
      assertThat(app.appendHistogram(T0, hist(1, 1))).isEqualTo(AppendResult.OUT_OF_ORDER);
      app.commit();
    }
    assertThat(writes).hasSize(1);
    List<WalRecord> w = writes.get(0);
    // In append order, so that replay appends them in order too.
    assertThat(w)
        .hasExactlyElementsOfTypes(
            WalRecord.Series.class,
            WalRecord.HistogramSamples.class,
            WalRecord.FloatHistogramSamples.class,
            WalRecord.Samples.class);
    assertThat(((WalRecord.HistogramSamples) w.get(1)).histograms())
        .containsExactly(new RefHistogramSample(1, T0, hist(1, 1)));
    assertThat(((WalRecord.FloatHistogramSamples) w.get(2)).histograms())
        .containsExactly(new RefFloatHistogramSample(1, T0 + 1, floatHist(2)));
    assertThat(((WalRecord.Samples) w.get(3)).samples()).hasSize(1);
  }

  @Test
  void truncationDropsHistogramChunksBeforeTheCut() {
    try (HeadAppender app = on("h")) {
      app.appendHistogram(T0, hist(1, 1));
      app.appendHistogram(T0 + 7_200_000L, hist(2, 2));
    }
    MemSeries s = HeadFixtures.series(head, "__name__", "h");
    assertThat(s.numChunks()).isEqualTo(2);
    assertThat(s.truncateBefore(T0 + 7_200_000L)).isFalse();
    assertThat(chunks("h", Long.MAX_VALUE))
        .extracting(StoredChunk::encoding)
        .containsExactly(HistogramChunkFormat.ENCODING);
    assertThat(s.truncateBefore(T0 + 7_200_001L)).isTrue();
  }
}
