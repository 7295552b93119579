// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** The packaged {@code sluice} jar as a real process: flags, probes, bad input, SIGTERM. */
class SluiceProcessIT {
  @TempDir Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static List<String> java(String... args) {
    return ItFixtures.sluiceCommand(args);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> write(int port, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/receive"))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", "application/x-protobuf")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] sample(String name, long t, double v) throws IOException {
    return Snappy.compress(
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(
                RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue(name))
                    .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(v)))
            .build()
            .toByteArray());
  }

  @Test
  void servesProbesAndWritesAndExitsCleanlyOnSigterm() throws Exception {
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    try (ExternalProcess sluice =
        ExternalProcess.start(
            java(
                "receive",
                "--remote-write.address=127.0.0.1:" + rw,
                "--http-address",
                "127.0.0.1:" + web,
                "--grpc-address=127.0.0.1:" + ItFixtures.freePort(),
                "--tsdb.path=" + dir.resolve("data"),
                "--label=replica=\"a\"",
                "--tsdb.max-retention-bytes=0",
                "--log.format=json"),
            dir.resolve("sluice.log"))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int ready = 0;
      while (System.nanoTime() < deadline && ready != 200) {
        assertThat(sluice.alive()).as(sluice.output()).isTrue();
        try {
          ready = get(web, "/-/ready").statusCode();
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertThat(ready).as(sluice.output()).isEqualTo(200);
      assertThat(get(web, "/-/healthy").statusCode()).isEqualTo(200);
      assertThat(Files.isDirectory(dir.resolve("data").resolve("default-tenant"))).isTrue();

      long now = System.currentTimeMillis();
      assertThat(write(rw, sample("a", now, 1)).statusCode()).isEqualTo(200);
      assertThat(write(rw, "garbage".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
      assertThat(oversizedStatusLine(rw)).contains("413");
      assertThat(write(rw, sample("a", now - 1000, 1)).statusCode()).isEqualTo(409);
      assertThat(write(rw, sample("b", now, 1)).statusCode()).isEqualTo(200);

      String metrics = get(web, "/metrics").body();
      assertThat(metrics)
          .contains("prometheus_tsdb_head_series{tenant=\"default-tenant\"} 2")
          .contains(
              "http_requests_total{code=\"409\",handler=\"receive\",method=\"post\",tenant=\"default-tenant\"} 1")
          .contains("jvm_memory_used_bytes");

      assertThat(sluice.output())
          .contains("\"flag\":\"--tsdb.max-retention-bytes\"")
          .contains("receiver ready");

      ProcessHandle.of(sluice.pid()).orElseThrow().destroy();
      ProcessHandle handle = ProcessHandle.of(sluice.pid()).orElse(null);
      if (handle != null) {
        handle.onExit().get(20, TimeUnit.SECONDS);
      }
      assertThat(sluice.alive()).isFalse();
      assertThat(sluice.output()).contains("shutting down");
    }
  }

  /** Sends only the headers of a request whose Content-Length is over the limit. */
  private static String oversizedStatusLine(int port) throws IOException {
    try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /api/v1/receive HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256];
      int n = in.read(buf);
      return n <= 0
          ? ""
          : new String(buf, 0, n, StandardCharsets.US_ASCII).lines().findFirst().orElse("");
    }
  }

  @Test
  void failsAtStartWithAMessageNamingAMalformedFlag() throws Exception {
    Process p =
        new ProcessBuilder(java("receive", "--label=a=\"1\"", "--http-address=nonsense"))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("--http-address");
  }

  @Test
  void failsAtStartNamingADataDirectoryThatCannotBeCreated() throws Exception {
    // A regular file where the data directory should be: nothing can be written under it.
    Path notADir = Files.writeString(dir.resolve("occupied"), "x");
    Process p =
        new ProcessBuilder(
                java(
                    "receive",
                    "--label=a=\"1\"",
                    "--tsdb.path=" + notADir,
                    "--remote-write.address=127.0.0.1:" + ItFixtures.freePort(),
                    "--http-address=127.0.0.1:" + ItFixtures.freePort(),
                    "--grpc-address=127.0.0.1:" + ItFixtures.freePort()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out).contains("failed to start receiver").contains(notADir.toString());
    assertThat(Files.readString(notADir)).isEqualTo("x");
  }
}
