// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Prometheus 2.42 tools as validators in tests: {@code promtool} and a Prometheus server
 * answering PromQL over a data directory. A test that needs them is skipped where they are not
 * installed, except under CI ({@code CI} set), where that is a failure.
 */
public final class PrometheusTools {
  private static final Pattern POINT = Pattern.compile("\\[([0-9.]+),\"([^\"]+)\"\\]");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private PrometheusTools() {}

  /** The path of an installed binary, or a skipped (outside CI) / failed (CI) test. */
  public static Path require(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Path debian = Path.of("/usr/bin", name);
    if (Files.isExecutable(debian)) {
      return debian;
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError(name + " is not installed; CI must install Debian's prometheus");
    }
    assumeTrue(false, name + " is not installed (apt-get install prometheus); skipping");
    return null;
  }

  /** Runs {@code promtool args} in {@code dir}, asserts exit 0 and returns its output. */
  public static String promtool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(require("promtool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getInputStream().readAllBytes();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish");
    }
    String text = new String(out.join(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + text).isZero();
    return text;
  }

  // The lowest port freePort picks.
  private static final int FIRST_PORT = 10000;

  /**
   * A free TCP port on the loopback interface, below the kernel's ephemeral range. A port the
   * kernel hands out for {@code bind(0)} comes from the range that outgoing connections draw from
   * too, so a test that starts several servers on ports picked in advance saw one taken by a
   * connection between the pick and the bind ("Address already in use").
   */
  public static int freePort() throws IOException {
    int below = ephemeralLow();
    if (below > FIRST_PORT + 1000) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int attempt = 0; attempt < 100; attempt++) {
        int port = random.nextInt(FIRST_PORT, below);
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  // The first port of Linux's ephemeral range (32768 by default, and elsewhere).
  private static int ephemeralLow() {
    try {
      // readAllLines, not readString: /proc files report a size of 0 and readString got "3".
      String range =
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }

  /** How Prometheus' JSON API prints a float (Go's strconv 'f', -1; NaN and infinities by name). */
  public static String promString(long valueBits) {
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

  /** A Prometheus 2.42 server on a data directory, stopped (by PID) on close. */
  public static final class Server implements AutoCloseable {
    private final Process process;
    private final int port;
    private final StringBuffer log = new StringBuffer();
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Server(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    /**
     * Starts {@code prometheus} with no scrape targets on {@code data} (config written to {@code
     * workDir}) plus {@code flags}, and waits until it is ready.
     */
    public static Server start(Path data, Path workDir, String... flags)
        throws IOException, InterruptedException {
      Path bin = require("prometheus");
      int port = freePort();
      Path cfg = workDir.resolve("prometheus-" + port + ".yml");
      Files.writeString(cfg, "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  bin.toString(),
                  "--config.file=" + cfg,
                  "--storage.tsdb.path=" + data,
                  "--web.listen-address=127.0.0.1:" + port));
      cmd.addAll(List.of(flags));
      Server s = new Server(new ProcessBuilder(cmd).redirectErrorStream(true).start(), port);
      s.awaitReady();
      return s;
    }

    private void awaitReady() throws InterruptedException {
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
        ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        close();
        throw new AssertionError("prometheus did not become ready:\n" + log, e);
      }
    }

    /** Everything the server logged so far. */
    public String log() {
      return log.toString();
    }

    /**
     * Points of an instant query's result at {@code timeMs}, as "t value" with t in ms and the
     * value as Prometheus printed it.
     */
    public List<String> query(String promql, long timeMs) throws IOException, InterruptedException {
      String url =
          "http://127.0.0.1:"
              + port
              + "/api/v1/query?query="
              + URLEncoder.encode(promql, StandardCharsets.UTF_8)
              + "&time="
              + BigDecimal.valueOf(timeMs, 3).toPlainString();
      HttpResponse<String> resp =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
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

    @Override
    public void close() {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
          process.waitFor(20, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
