// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static io.sluice.tsdb.wal.WalFiles.fragments;
import static io.sluice.tsdb.wal.WalFiles.segment;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RecordEncoder;
import io.sluice.tsdb.record.RecordType;
import io.sluice.tsdb.record.RefExemplar;
import io.sluice.tsdb.record.RefFloatHistogramSample;
import io.sluice.tsdb.record.RefHistogramSample;
import io.sluice.tsdb.record.RefSample;
import io.sluice.tsdb.record.RefSeries;
import io.sluice.tsdb.record.WalRecord;
import io.sluice.tsdb.wal.WalFiles.Fragment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the WALs Prometheus 2.42 wrote for a known remote-write data set ({@code
 * golden/prometheus-2.42/README.md}) and writes the same records back.
 */
class PrometheusGoldenWalTest {
  private static final String GOLDEN = "/golden/prometheus-2.42/";
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path tmp;

  private Path golden(String mode) throws IOException {
    Path dir = tmp.resolve("wal-" + mode);
    Files.createDirectories(dir);
    try (InputStream in = getClass().getResourceAsStream(GOLDEN + "wal-" + mode + "/00000000")) {
      assertThat(in).as("golden segment of %s", mode).isNotNull();
      Files.copy(in, segment(dir, 0));
    }
    return dir;
  }

  private static List<byte[]> records(Path dir) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (WalReader r = WalReader.open(dir)) {
      while (r.next()) {
        out.add(r.record());
      }
    }
    return out;
  }

  private static List<String> expectedSamples() throws IOException {
    List<String> lines = new ArrayList<>();
    try (InputStream in =
            PrometheusGoldenWalTest.class.getResourceAsStream(GOLDEN + "expected-samples.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("#") && !line.isBlank()) {
          lines.add(line);
        }
      }
    }
    return lines;
  }

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"uncompressed", "compressed"})
  void replaysExactlyTheSeriesSamplesExemplarsAndHistogramsPrometheusWrote(String mode)
      throws IOException {
    RecordDecoder dec = new RecordDecoder();
    List<WalRecord> decoded = new ArrayList<>();
    for (byte[] rec : records(golden(mode))) {
      decoded.add(dec.decode(rec, 0, rec.length));
    }
    assertThat(decoded)
        .extracting(WalRecord::type)
        .containsExactly(
            RecordType.SERIES,
            RecordType.SAMPLES,
            RecordType.SERIES,
            RecordType.SAMPLES,
            RecordType.SERIES,
            RecordType.SAMPLES,
            RecordType.EXEMPLARS,
            RecordType.HISTOGRAM_SAMPLES,
            RecordType.FLOAT_HISTOGRAM_SAMPLES,
            RecordType.SAMPLES);

    Map<Long, Labels> series = new HashMap<>();
    List<String> samples = new ArrayList<>();
    List<RefExemplar> exemplars = new ArrayList<>();
    List<RefHistogramSample> histograms = new ArrayList<>();
    List<RefFloatHistogramSample> floatHistograms = new ArrayList<>();
    for (WalRecord r : decoded) {
      switch (r) {
        case WalRecord.Series s -> {
          for (RefSeries rs : s.series()) {
            assertThat(series.put(rs.ref(), rs.labels())).isNull();
          }
        }
        case WalRecord.Samples s -> {
          for (RefSample rs : s.samples()) {
            assertThat(series).containsKey(rs.ref());
            samples.add(
                series.get(rs.ref())
                    + "\t"
                    + rs.t()
                    + "\t"
                    + String.format("%016x", rs.valueBits()));
          }
        }
        case WalRecord.Exemplars e -> exemplars.addAll(e.exemplars());
        case WalRecord.HistogramSamples h -> histograms.addAll(h.histograms());
        case WalRecord.FloatHistogramSamples h -> floatHistograms.addAll(h.histograms());
        default -> throw new AssertionError("unexpected record " + r);
      }
    }

    assertThat(series)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                1L, Labels.of("__name__", "sluice_golden_gauge", "instance", "a", "job", "golden"),
                2L,
                    Labels.of(
                        "__name__",
                        "sluice_golden_counter",
                        "instance",
                        "b",
                        "job",
                        "golden",
                        "path",
                        "/api/\u00fc",
                        "quote",
                        "say \"hi\"\\n"),
                3L, Labels.of("__name__", "sluice_golden_big", "job", "golden"),
                4L, Labels.of("__name__", "sluice_golden_requests_total", "job", "golden"),
                5L, Labels.of("__name__", "sluice_golden_latency", "job", "golden"),
                6L, Labels.of("__name__", "sluice_golden_latency_float", "job", "golden")));
    assertThat(samples).hasSize(6023).containsExactlyElementsOf(expectedSamples());
    assertThat(samples)
        .contains(
            series.get(1L) + "\t" + (T0 + 30_000) + "\t7ff8000000000001",
            series.get(1L) + "\t" + (T0 + 90_000) + "\t7ff0000000000002");
    assertThat(exemplars)
        .containsExactly(
            new RefExemplar(4, T0 + 10_000, bits(0.5), Labels.of("trace_id", "abc123")));
    assertThat(histograms)
        .containsExactly(
            new RefHistogramSample(
                5,
                T0 + 20_000,
                new Histogram(
                    (byte) 2,
                    0,
                    0.001,
                    2,
                    10,
                    18.5,
                    List.of(new HistogramSpan(0, 2)),
                    List.of(),
                    new long[] {3, 2},
                    new long[0])));
    assertThat(floatHistograms)
        .containsExactly(
            new RefFloatHistogramSample(
                6,
                T0 + 20_000,
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
                    new double[] {1.0})));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"uncompressed", "compressed"})
  void reEncodesEveryRecordByteForByte(String mode) throws IOException {
    RecordDecoder dec = new RecordDecoder();
    RecordEncoder enc = new RecordEncoder();
    for (byte[] rec : records(golden(mode))) {
      enc.reset();
      switch (dec.decode(rec, 0, rec.length)) {
        case WalRecord.Series s -> {
          enc.beginSeries();
          s.series().forEach(x -> enc.series(x.ref(), x.labels()));
        }
        case WalRecord.Samples s -> {
          enc.beginSamples();
          s.samples().forEach(x -> enc.sample(x.ref(), x.t(), x.valueBits()));
        }
        case WalRecord.Exemplars e -> {
          enc.beginExemplars();
          e.exemplars().forEach(x -> enc.exemplar(x.ref(), x.t(), x.valueBits(), x.labels()));
        }
        case WalRecord.HistogramSamples h -> {
          enc.beginHistogramSamples();
          h.histograms().forEach(x -> enc.histogramSample(x.ref(), x.t(), x.histogram()));
        }
        case WalRecord.FloatHistogramSamples h -> {
          enc.beginFloatHistogramSamples();
          h.histograms().forEach(x -> enc.floatHistogramSample(x.ref(), x.t(), x.histogram()));
        }
        default -> throw new AssertionError();
      }
      assertThat(enc.toByteArray(0)).isEqualTo(rec);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"uncompressed", "compressed"})
  void hasTheFragmentsTheReadmeDescribes(String mode) throws IOException {
    List<Fragment> f = fragments(segment(golden(mode), 0));
    if (mode.equals("uncompressed")) {
      assertThat(f).hasSize(12);
      assertThat(f.subList(3, 6)).extracting(Fragment::type).containsExactly(2, 3, 4);
      assertThat(Files.size(segment(tmp.resolve("wal-" + mode), 0))).isEqualTo(3 * 32768);
    } else {
      assertThat(f).hasSize(11);
      assertThat(f).extracting(Fragment::type).containsOnly(0x09, 0x0a, 0x0c);
      assertThat(f.subList(3, 5)).extracting(Fragment::type).containsExactly(0x0a, 0x0c);
      assertThat(Files.size(segment(tmp.resolve("wal-" + mode), 0))).isEqualTo(2 * 32768);
    }
  }

  @Test
  void writesTheSameSegmentBytesAsPrometheusForTheSameRecords() throws IOException {
    Path golden = golden("uncompressed");
    Path ours = tmp.resolve("ours");
    try (Wal wal = Wal.open(ours, new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, false))) {
      for (byte[] rec : records(golden)) {
        wal.log(rec);
      }
    }
    assertThat(Files.readAllBytes(segment(ours, 0)))
        .isEqualTo(Files.readAllBytes(segment(golden, 0)));
  }

  @Test
  void compressesTheSameRecordsAsPrometheusDoes() throws IOException {
    Path golden = golden("compressed");
    Path ours = tmp.resolve("ours");
    List<byte[]> recs = records(golden);
    try (Wal wal = Wal.open(ours, new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, true))) {
      for (byte[] rec : recs) {
        wal.log(rec);
      }
    }
    // Which records get compressed, and how they are split into fragments, matches; the snappy
    // encoders (Go's and the C++ one behind snappy-java) may choose different bytes.
    List<Fragment> theirs = fragments(segment(golden, 0));
    List<Fragment> mine = fragments(segment(ours, 0));
    assertThat(mine)
        .extracting(Fragment::type)
        .containsExactlyElementsOf(theirs.stream().map(Fragment::type).toList());
    List<byte[]> back = records(ours);
    assertThat(back).hasSameSizeAs(recs);
    for (int i = 0; i < recs.size(); i++) {
      assertThat(Arrays.equals(back.get(i), recs.get(i))).as("record %d", i).isTrue();
    }
  }
}
