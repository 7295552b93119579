// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.chunkenc.FloatHistogramChunk;
import io.sluice.tsdb.chunkenc.FloatHistogramIterator;
import io.sluice.tsdb.chunkenc.HistogramChunk;
import io.sluice.tsdb.chunkenc.HistogramChunkFormat;
import io.sluice.tsdb.chunkenc.HistogramIterator;
import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import io.sluice.tsdb.wal.WalFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opens a tenant directory whose {@code wal/} was written by Prometheus 2.42 ({@code
 * golden/prometheus-2.42/README.md}) and finds exactly the float samples that were sent.
 */
class TsdbPrometheusGoldenTest {
  private static final String GOLDEN = "/golden/prometheus-2.42/";

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"uncompressed", "compressed"})
  void openingAPrometheusWalFindsExactlyTheSamplesPrometheusWasSent(String mode)
      throws IOException {
    Path dir = tmp.resolve("tenant");
    Files.createDirectories(dir.resolve(Tsdb.WAL_DIR));
    try (InputStream in = getClass().getResourceAsStream(GOLDEN + "wal-" + mode + "/00000000")) {
      assertThat(in).isNotNull();
      Files.copy(in, dir.resolve(Tsdb.WAL_DIR).resolve(WalFormat.segmentName(0)));
    }
    List<String> actual = new ArrayList<>();
    List<String> histograms = new ArrayList<>();
    try (Tsdb db = Tsdb.open(dir, TsdbFixtures.options(true, false));
        Querier q = db.head().querier()) {
      assertThat(db.corruptions()).isZero();
      assertThat(db.replayStats().failedSamples()).isZero();
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        for (ChunkMeta c : s.chunks()) {
          byte[] d = c.data();
          if (c.encoding() == HistogramChunkFormat.ENCODING) {
            HistogramIterator it = HistogramChunk.iterator(d, 0, d.length);
            while (it.next()) {
              histograms.add(s.labels() + " " + it.timestamp() + " " + it.histogram());
            }
          } else if (c.encoding() == HistogramChunkFormat.FLOAT_ENCODING) {
            FloatHistogramIterator it = FloatHistogramChunk.iterator(d, 0, d.length);
            while (it.next()) {
              histograms.add(s.labels() + " " + it.timestamp() + " " + it.floatHistogram());
            }
          } else {
            XorIterator it = XorChunk.iterator(d, 0, d.length);
            while (it.next()) {
              actual.add(
                  s.labels()
                      + "\t"
                      + it.timestamp()
                      + "\t"
                      + String.format("%016x", it.valueBits()));
            }
          }
        }
      }
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected());
    // The histogram records (types 7 and 8) of request 3 in the golden README; a chunk's first
    // sample reads back with an unknown reset hint, or gauge in a gauge chunk.
    List<HistogramSpan> pos = List.of(new HistogramSpan(0, 2));
    Histogram h =
        new Histogram(
            (byte) 0, 0, 0.001, 2, 10, 18.5, pos, List.of(), new long[] {3, 2}, new long[0]);
    FloatHistogram f =
        new FloatHistogram(
            (byte) 3,
            1,
            0.001,
            2.0,
            10.0,
            18.5,
            List.of(new HistogramSpan(1, 2)),
            List.of(new HistogramSpan(-1, 1)),
            new double[] {3.0, 4.0},
            new double[] {1.0});
    assertThat(histograms)
        .containsExactlyInAnyOrder(
            "{__name__=\"sluice_golden_latency\", job=\"golden\"} 1700000020000 " + h,
            "{__name__=\"sluice_golden_latency_float\", job=\"golden\"} 1700000020000 " + f);
  }

  private static List<String> expected() throws IOException {
    List<String> lines = new ArrayList<>();
    try (InputStream in =
            TsdbPrometheusGoldenTest.class.getResourceAsStream(GOLDEN + "expected-samples.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("#") && !line.isBlank()) {
          lines.add(line);
        }
      }
    }
    return lines;
  }
}
