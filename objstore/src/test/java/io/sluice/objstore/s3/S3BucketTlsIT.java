// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketConfig;
import io.sluice.objstore.Buckets;
import io.sluice.objstore.S3Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link S3Bucket} over HTTPS against S3Proxy with a self-signed certificate. */
class S3BucketTlsIT {

  private static final String PASSWORD = "changeit";

  @TempDir static Path dir;

  private static Path caFile;
  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    Path keyStore = dir.resolve("s3proxy.p12");
    caFile = dir.resolve("ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "s3proxy",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "s3proxy",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        caFile.toString());
    server = S3ProxyServer.startTls(keyStore, PASSWORD);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void caFileFromConfigurationMakesTheServerTrusted() throws IOException {
    String name = server.createBucket();
    String yaml =
        """
        type: S3
        config:
          bucket: %s
          endpoint: %s
          access_key: %s
          secret_key: %s
          http_config:
            tls_config:
              ca_file: %s
        """
            .formatted(
                name,
                server.endpoint(),
                S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY,
                caFile);

    try (Bucket bucket = Buckets.open(BucketConfig.parse(yaml, Map.of()))) {
      bucket.upload("01ABC/meta.json", new ByteArrayInputStream("{}".getBytes(UTF_8)), 2);

      assertThat(((S3Bucket) bucket).endpoint().getScheme()).isEqualTo("https");
      try (InputStream in = bucket.get("01ABC/meta.json")) {
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("{}");
      }
    }
  }

  @Test
  void untrustedCertificateFailsTheCheck() throws IOException {
    S3Config config = server.config(server.createBucket()).build();

    try (S3Bucket bucket = S3Bucket.open(config)) {
      assertThatThrownBy(bucket::check)
          .isInstanceOf(S3BucketUnavailableException.class)
          .hasMessageContaining("cannot be checked at https://" + server.endpoint());
    }
  }

  @Test
  void insecureSkipVerifyAcceptsAnyCertificate() throws IOException {
    S3Config config =
        server
            .config(server.createBucket())
            .http(
                new S3Config.HttpConfig(
                    S3Config.HttpConfig.DEFAULT.idleConnTimeout(),
                    S3Config.HttpConfig.DEFAULT.responseHeaderTimeout(),
                    true,
                    10,
                    0,
                    null))
            .build();

    try (Bucket bucket = S3Bucket.open(config)) {
      assertThat(bucket.list("", true)).isEmpty();
    }
  }

  @Test
  void unreadableCaFileFailsAtOpenNamingIt() throws IOException {
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
    S3Config config =
        server
            .config(server.createBucket())
            .http(
                new S3Config.HttpConfig(
                    S3Config.HttpConfig.DEFAULT.idleConnTimeout(),
                    S3Config.HttpConfig.DEFAULT.responseHeaderTimeout(),
                    false,
                    10,
                    0,
                    notPem))
            .build();

    assertThatThrownBy(() -> S3Bucket.open(config))
        .isInstanceOf(S3BucketUnavailableException.class)
        .hasMessageContaining("config.http_config.tls_config.ca_file " + notPem);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("keytool " + args[0] + " failed: " + output);
    }
  }
}
