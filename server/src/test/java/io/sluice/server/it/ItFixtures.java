// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.cli.HostPort;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.tsdb.testing.PrometheusTools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the integration tests share: loopback ports and an in-process receiver's configuration. */
final class ItFixtures {
  private ItFixtures() {}

  /** A port free on 127.0.0.1 at the time of the call. */
  static int freePort() throws IOException {
    return PrometheusTools.freePort();
  }

  /**
   * Starts the shaded jar as {@code sluice receive} on 127.0.0.1 ports {@code rw} (remote write)
   * and {@code web} (metrics, probes), a free gRPC port, {@code --tsdb.path=data}, {@code
   * --label=replica="it"} and {@code extraArgs}, and waits until {@code /-/ready} is 200. The
   * caller closes the process.
   */
  static ExternalProcess startSluice(Path data, int rw, int web, Path log, String... extraArgs)
      throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                javaBin,
                "-Xmx512m",
                "-jar",
                Path.of("target", "sluice.jar").toString(),
                "receive",
                "--remote-write.address=127.0.0.1:" + rw,
                "--http-address=127.0.0.1:" + web,
                "--grpc-address=127.0.0.1:" + freePort(),
                "--tsdb.path=" + data,
                "--label=replica=\"it\""));
    cmd.addAll(List.of(extraArgs));
    ExternalProcess p = ExternalProcess.start(cmd, log);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int ready = 0;
    while (System.nanoTime() < deadline && ready != 200) {
      assertThat(p.alive()).as(p.output()).isTrue();
      try {
        ready =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/-/ready"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
    assertThat(ready).as(p.output()).isEqualTo(200);
    return p;
  }

  /** A receiver on ephemeral 127.0.0.1 ports with Thanos' defaults and {@code replica="it"}. */
  static ReceiveConfig config(Path data) {
    return config(data, false, 0);
  }

  /**
   * As {@link #config(Path)}, with the WAL fsync mode and the out-of-order window given.
   *
   * @param oooWindowMs {@code --tsdb.out-of-order.time-window} in ms; 0 disables
   */
  static ReceiveConfig config(Path data, boolean walFsync, long oooWindowMs) {
    HostPort any = new HostPort("127.0.0.1", 0);
    return new ReceiveConfig(
        any,
        any,
        any,
        data,
        Map.of("replica", "it"),
        "THANOS-TENANT",
        "default-tenant",
        "tenant_id",
        0,
        oooWindowMs,
        32,
        true,
        walFsync,
        2 * 3_600_000L,
        2 * 3_600_000L,
        15 * 24 * 3_600_000L,
        32 << 20,
        128 << 20,
        "info",
        "logfmt",
        List.of());
  }

  /** {@code c} with {@code --tsdb.min-block-duration} and {@code --tsdb.max-block-duration}. */
  static ReceiveConfig withBlockDuration(ReceiveConfig c, long ms) {
    return new ReceiveConfig(
        c.remoteWriteAddress(),
        c.httpAddress(),
        c.grpcAddress(),
        c.tsdbPath(),
        c.externalLabels(),
        c.tenantHeader(),
        c.defaultTenant(),
        c.tenantLabelName(),
        c.tooFarInFutureMs(),
        c.oooTimeWindowMs(),
        c.oooCapMax(),
        c.walCompression(),
        c.walFsync(),
        ms,
        ms,
        c.retentionMs(),
        c.maxBodyBytes(),
        c.maxDecodedBytes(),
        c.logLevel(),
        c.logFormat(),
        c.ignoredFlags());
  }
}
