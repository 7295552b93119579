// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.RecordEncoder;
import io.sluice.tsdb.record.RecordFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus 2.42 starts on a data directory whose only content is a WAL written by Sluice
 * (an uncompressed segment, a compressed one and a checkpoint) and answers PromQL with exactly the
 * samples Sluice logged. Skipped without {@code prometheus} on the PATH, except under CI ({@code
 * CI} set), where that is a failure.
 */
class PrometheusReadsSluiceWalIT {
  private static final Pattern POINT = Pattern.compile("\\[([0-9.]+),\"([^\"]+)\"\\]");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final InstantSource clock = InstantSource.system();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path tmp;

  private int port;

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  private static Path requirePrometheus() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(d, "prometheus");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError("prometheus is not installed; CI must install Debian's prometheus");
    }
    assumeTrue(false, "prometheus is not installed (apt-get install prometheus); skipping");
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Points of the query result, as "t value" with t in ms and the value as Prometheus printed it.
   */
  private List<String> query(String promql, long timeMs) throws Exception {
    String url =
        "http://127.0.0.1:"
            + port
            + "/api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8)
            + "&time="
            + BigDecimal.valueOf(timeMs, 3).toPlainString();
    HttpResponse<String> resp =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(resp.body()).contains("\"status\":\"success\"");
    List<String> points = new ArrayList<>();
    Matcher m = POINT.matcher(resp.body());
    while (m.find()) {
      long t = new BigDecimal(m.group(1)).movePointRight(3).longValueExact();
      points.add(t + " " + m.group(2));
    }
    return points;
  }

  /** How Prometheus' JSON API prints a float (Go's strconv 'f', -1; NaN and infinities by name). */
  private static String promString(long valueBits) {
    double v = Double.longBitsToDouble(valueBits);
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return valueBits < 0 ? "-0" : "0";
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  @Test
  void prometheusReplaysASluiceWalAndAnswersWithTheExactSamples() throws Exception {
    Path prometheus = requirePrometheus();
    Path data = tmp.resolve("data");
    Path walDir = data.resolve("wal");
    // Recent data, as a receiver writes it: t0 = now - 15 min; the last sample is 100 s before now.
    long t0 = clock.millis() / 1000 * 1000 - Duration.ofMinutes(15).toMillis();
    long s = 1000;

    Labels gauge = Labels.of("__name__", "sluice_it_gauge", "job", "it");
    Labels big = Labels.of("__name__", "sluice_it_big", "job", "it");
    Labels counter = Labels.of("__name__", "sluice_it_counter", "job", "it", "path", "/\u00fc");
    long[] gaugeBits = {
      bits(1.5),
      bits(-2.25),
      0x7ff8000000000001L,
      bits(Double.POSITIVE_INFINITY),
      bits(Double.NEGATIVE_INFINITY),
      bits(-0.0)
    };
    List<String> expectedGauge = new ArrayList<>();
    List<String> expectedBig = new ArrayList<>();
    List<String> expectedCounter = new ArrayList<>();
    long minTime = t0 + 30 * s;

    // Segment 0, uncompressed: series and samples, later folded into a checkpoint that keeps
    // only samples at or after minTime.
    RecordEncoder enc = new RecordEncoder();
    try (Wal wal = Wal.open(walDir, new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, false))) {
      enc.beginSeries();
      enc.series(1, gauge);
      enc.series(2, big);
      enc.beginSamples();
      for (int k = 0; k < gaugeBits.length; k++) {
        long t = t0 + k * 15 * s;
        enc.sample(1, t, gaugeBits[k]);
        if (t >= minTime) {
          expectedGauge.add(t + " " + promString(gaugeBits[k]));
        }
      }
      for (int i = 0; i < 3000; i++) {
        long t = t0 + i * 200L;
        long v = bits(i * 0.5 - 300);
        enc.sample(2, t, v);
        if (t >= minTime) {
          expectedBig.add(t + " " + promString(v));
        }
      }
      wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
      assertThat(wal.nextSegment()).isEqualTo(1);

      // Segment 1, uncompressed: a sample of a known series.
      enc.reset();
      enc.beginSamples();
      enc.sample(1, t0 + 90 * s, bits(42));
      expectedGauge.add((t0 + 90 * s) + " 42");
      wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
    }
    CheckpointStats stats = Checkpoint.create(walDir, 0, 0, ref -> true, minTime);
    assertThat(stats.droppedSamples()).isEqualTo(2 + 150);

    // Segment 2, compressed: a new series, a stale marker, and more samples.
    try (Wal wal = Wal.open(walDir, new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, true))) {
      assertThat(wal.lastSegment()).isEqualTo(2);
      wal.truncateBefore(1);
      enc.reset();
      enc.beginSeries();
      enc.series(3, counter);
      enc.beginSamples();
      for (int i = 0; i < 10; i++) {
        long t = t0 + (100 + i) * s;
        enc.sample(3, t, bits(i));
        expectedCounter.add(t + " " + i);
      }
      enc.sample(1, t0 + 105 * s, RecordFormat.STALE_NAN_BITS);
      for (int i = 3000; i < 4000; i++) {
        long t = t0 + i * 200L;
        long v = bits(i * 0.5 - 300);
        enc.sample(2, t, v);
        expectedBig.add(t + " " + promString(v));
      }
      wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
    }
    assertThat(WalFiles.fragments(WalFiles.segment(walDir, 2)))
        .extracting(WalFiles.Fragment::type)
        .contains(0x09);
    try (var names = Files.list(walDir)) {
      assertThat(names.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("00000001", "00000002", "checkpoint.00000000");
    }

    port = freePort();
    Path cfg = tmp.resolve("prometheus.yml");
    Files.writeString(cfg, "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
    Process process =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + cfg,
                "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .start();
    StringBuffer log = new StringBuffer();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  log.append(line).append('\n');
                  if (line.contains("Server is ready to receive web requests")) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
              ready.completeExceptionally(new IllegalStateException("prometheus exited"));
            });
    try {
      try {
        ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        throw new AssertionError("prometheus did not become ready:\n" + log, e);
      }
      assertThat(log.toString())
          .as(log.toString())
          .contains("WAL checkpoint loaded", "WAL segment loaded")
          .doesNotContain("level=error", "repair", "corruption", "unknown series references");

      long end = t0 + 15 * 60 * s;
      assertThat(query("sluice_it_gauge[1h]", end)).as(log.toString()).isEqualTo(expectedGauge);
      assertThat(query("sluice_it_big[1h]", end)).isEqualTo(expectedBig);
      assertThat(query("sluice_it_counter[1h]", end)).isEqualTo(expectedCounter);
      assertThat(query("count_over_time(sluice_it_big[1h])", end))
          .containsExactly(end + " " + (3000 - 150 + 1000));
      assertThat(query("sluice_it_counter{path=\"/\u00fc\"}", t0 + 110 * s))
          .containsExactly((t0 + 110 * s) + " 9");
      // The last value before the stale marker, then nothing: the marker came through intact.
      assertThat(query("sluice_it_gauge", t0 + 104 * s)).containsExactly((t0 + 104 * s) + " 42");
      assertThat(query("sluice_it_gauge", t0 + 106 * s)).isEmpty();
      // Samples older than the checkpoint's min time are gone.
      assertThat(query("sluice_it_gauge", t0 + 20 * s)).isEmpty();
    } finally {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }
}
