// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import io.sluice.objstore.BucketConfig;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
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
import org.xerial.snappy.Snappy;

/**
 * What the integration tests share: loopback ports, an in-process receiver's configuration, the
 * packaged jar's command line, and remote-write and HTTP calls.
 */
final class ItFixtures {
  /** The shaded jar that {@code package} builds. */
  static final Path JAR = Path.of("target", "sluice.jar");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ItFixtures() {}

  /** The repository's launcher, as the README runs it. */
  static final Path LAUNCHER = Path.of("..", "sluice");

  /** {@link #sluiceCommandWithJavaOpts} with a heap of 256 MiB. */
  static List<String> sluiceCommand(String... args) {
    return sluiceCommandWithJavaOpts("-Xmx256m", args);
  }

  /**
   * The launcher ({@code ./sluice args…}, which sets the JVM flags users get) on the jar {@code
   * package} built, with the JDK running the tests and {@code SLUICE_JAVA_OPTS=javaOpts}. The
   * launcher execs the JVM, so the process' PID is the JVM's.
   */
  static List<String> sluiceCommandWithJavaOpts(String javaOpts, String... args) {
    Path javaHome =
        Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "env",
                "JAVA_HOME=" + javaHome,
                "SLUICE_JAR=" + JAR.toAbsolutePath(),
                "SLUICE_JAVA_OPTS=" + javaOpts,
                "bash",
                LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** GET {@code http://127.0.0.1:port/path}. */
  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Waits up to 30 s for {@code /-/ready} to answer 200, failing early when the process dies.
   *
   * @throws AssertionError when it does not become ready
   */
  static void awaitReady(ExternalProcess p, int httpPort) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.alive()) {
        throw new AssertionError("process exited:\n" + p.output());
      }
      try {
        if (get(httpPort, "/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not ready within 30 s:\n" + p.output());
  }

  /** POSTs a remote-write 1.0 request for {@code tenant}; returns the status code. */
  static int remoteWrite(int port, String tenant, RemoteWrite.WriteRequest request)
      throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/receive"))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .header("THANOS-TENANT", tenant)
                .timeout(Duration.ofSeconds(60))
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request.toByteArray())))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  /** A port free on 127.0.0.1 at the time of the call. */
  static int freePort() throws IOException {
    return PrometheusTools.freePort();
  }

  /**
   * Starts the shaded jar as {@code sluice receive} on 127.0.0.1 ports {@code rw} (remote write)
   * and {@code web} (metrics, probes), an ephemeral gRPC port, {@code --tsdb.path=data}, {@code
   * --label=replica="it"} and {@code extraArgs}, and waits until {@code /-/ready} is 200. The
   * caller closes the process.
   */
  static ExternalProcess startSluice(Path data, int rw, int web, Path log, String... extraArgs)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "receive",
                "--remote-write.address=127.0.0.1:" + rw,
                "--http-address=127.0.0.1:" + web,
                // Port 0: a port picked here could be taken by a client connection before the
                // process binds it, and these tests do not call gRPC.
                "--grpc-address=127.0.0.1:0",
                "--tsdb.path=" + data,
                "--label=replica=\"it\""));
    args.addAll(List.of(extraArgs));
    ExternalProcess p = ExternalProcess.start(sluiceCommand(args.toArray(String[]::new)), log);
    awaitReady(p, web);
    return p;
  }

  /** A receiver on ephemeral 127.0.0.1 ports with Thanos' defaults and {@code replica="it"}. */
  static ReceiveConfig config(Path data) {
    return ReceiveConfig.defaults(data)
        .withAddresses(ReceiveConfig.Addresses.ephemeral("127.0.0.1"))
        .withExternalLabels(Map.of("replica", "it"));
  }

  /**
   * As {@link #config(Path)}, with the WAL fsync mode and the out-of-order window given.
   *
   * @param oooWindowMs {@code --tsdb.out-of-order.time-window} in ms; 0 disables
   */
  static ReceiveConfig config(Path data, boolean walFsync, long oooWindowMs) {
    ReceiveConfig c = config(data);
    return c.withTsdb(c.tsdb().withWalFsync(walFsync).withOooTimeWindowMs(oooWindowMs));
  }

  /** {@code c} with {@code --tsdb.min-block-duration} and {@code --tsdb.max-block-duration}. */
  static ReceiveConfig withBlockDuration(ReceiveConfig c, long ms) {
    return c.withTsdb(c.tsdb().withBlockDurationMs(ms));
  }

  /** {@code c} with the bucket {@code --objstore.config} describes. */
  static ReceiveConfig withObjstore(ReceiveConfig c, String yaml) throws Exception {
    return c.withShipper(c.shipper().withBucket(BucketConfig.parse(yaml, Map.of())));
  }
}
