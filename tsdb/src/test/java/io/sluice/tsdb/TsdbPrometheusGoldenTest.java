// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
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
    try (Tsdb db = Tsdb.open(dir, TsdbFixtures.options(true, false));
        Querier q = db.head().querier()) {
      assertThat(db.corruptions()).isZero();
      assertThat(db.replayStats().failedSamples()).isZero();
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        SampleIterator it = s.samples();
        while (it.next()) {
          actual.add(
              s.labels() + "\t" + it.timestamp() + "\t" + String.format("%016x", it.valueBits()));
        }
      }
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected());
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
