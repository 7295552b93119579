// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.cli.ReceiveCommand;
import io.sluice.server.cli.ReceiveConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EffectiveFlagsTest {
  private static final String SECRET = "s3cr3t-Value-That-Must-Not-Show";
  private static final String ACCESS = "AKIA-ACCESS-KEY-ID";
  private static final String TOKEN = "session-token-value";

  @TempDir Path dir;

  private static ReceiveConfig parse(String... args) {
    AtomicReference<ReceiveConfig> seen = new AtomicReference<>();
    CommandLine cl =
        ReceiveCommand.commandLine(
            cfg -> {
              seen.set(cfg);
              return 0;
            });
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args)).as(err.toString()).isZero();
    return seen.get();
  }

  private static Map<String, String> asMap(List<Status.Flag> flags) {
    Map<String, String> m = new LinkedHashMap<>();
    flags.forEach(f -> m.put(f.name(), f.value()));
    return m;
  }

  private static String s3Yaml() {
    return """
        type: S3
        config:
          bucket: thanos
          endpoint: minio:9000
          access_key: %s
          secret_key: %s
          session_token: %s
          insecure: true
        """
        .formatted(ACCESS, SECRET, TOKEN);
  }

  @Test
  void neverShowsObjectStorageCredentialsGivenInline() {
    List<Status.Flag> flags =
        EffectiveFlags.of(parse("--label=replica=\"a\"", "--objstore.config=" + s3Yaml()));

    String all = flags.toString();
    assertThat(all).doesNotContain(SECRET).doesNotContain(ACCESS).doesNotContain(TOKEN);
    Map<String, String> m = asMap(flags);
    assertThat(m)
        .containsEntry("shipper.bucket.config.secretKey", EffectiveFlags.REDACTED)
        .containsEntry("shipper.bucket.config.accessKey", EffectiveFlags.REDACTED)
        .containsEntry("shipper.bucket.config.sessionToken", EffectiveFlags.REDACTED)
        // What is not secret is shown, so that the page says where blocks go.
        .containsEntry("shipper.bucket.config.bucket", "thanos")
        .containsEntry("shipper.bucket.config.endpoint", "minio:9000");
  }

  @Test
  void neverShowsObjectStorageCredentialsGivenInAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("bucket.yml"), s3Yaml());
    List<Status.Flag> flags =
        EffectiveFlags.of(parse("--label=replica=\"a\"", "--objstore.config-file=" + file));

    assertThat(flags.toString()).doesNotContain(SECRET).doesNotContain(ACCESS);
  }

  @Test
  void listsEachTenantsLimitsUnderItsName() {
    Map<String, String> m =
        asMap(
            EffectiveFlags.of(
                parse(
                    "--label=replica=\"a\"",
                    "--receive.limits-config="
                        + "write:\n  tenants:\n    team-a:\n      request:\n"
                        + "        series_limit: 7\n      head_series_limit: 900\n")));

    assertThat(m)
        .containsEntry("limits.initial.tenants.team-a.series", "7")
        .containsEntry("limits.initial.tenants.team-a.headSeries", "900");
    assertThat(m.values()).noneMatch(v -> v.contains("(TenantLimits)"));
  }

  @Test
  void listsNestedSettingsByDottedNameWithUnits() {
    Map<String, String> m =
        asMap(
            EffectiveFlags.of(
                parse(
                    "--label=replica=\"a\"",
                    "--http-address=127.0.0.1:10902",
                    "--receive.local-endpoint=127.0.0.1:10901",
                    "--receive.hashrings=[{\"endpoints\":[\"127.0.0.1:10901\"]}]")));

    assertThat(m)
        .containsEntry("addresses.http", "127.0.0.1:10902")
        .containsEntry("replication.localEndpoint", "127.0.0.1:10901")
        .containsEntry("replication.replicationFactor", "1")
        .containsEntry("replication.algorithm", "hashmod")
        .containsEntry("tsdb.retentionMs", "1296000000 (15d)")
        .containsEntry("tsdb.minBlockDurationMs", "7200000 (2h)")
        .containsEntry("requestBounds.maxBodyBytes", "33554432 (32 MiB)")
        .containsEntry("externalLabels", "replica=\"a\"")
        .containsEntry("tsdb.walCompression", "true")
        .containsEntry("tsdb.maxExemplars", "0");
  }

  @Test
  void redactsSecretNamedComponentsAndMapKeysOfAnyRecord() {
    record Auth(String user, String password, boolean basicAuth) {}
    record Client(String url, Auth auth, Map<String, String> headers) {}
    Client c =
        new Client(
            "http://x", new Auth("bob", "hunter2", true), Map.of("Authorization", "Bearer abc"));

    Map<String, String> m = asMap(EffectiveFlags.of(c));

    assertThat(m.toString()).doesNotContain("hunter2").doesNotContain("abc");
    assertThat(m)
        .containsEntry("auth.user", "bob")
        .containsEntry("auth.password", EffectiveFlags.REDACTED)
        .containsEntry("auth.basicAuth", "true")
        .containsEntry("headers", "Authorization=" + EffectiveFlags.REDACTED);
  }

  @Test
  void anEmptySecretIsShownEmpty() {
    record Creds(String secretKey) {}
    assertThat(EffectiveFlags.of(new Creds(""))).containsExactly(new Status.Flag("secretKey", ""));
  }

  @Test
  void formatsDurationsAndSizesAsGoAndBinaryUnits() {
    assertThat(EffectiveFlags.duration(0)).isEqualTo("0s");
    assertThat(EffectiveFlags.duration(500)).isEqualTo("500ms");
    assertThat(EffectiveFlags.duration(90_000)).isEqualTo("1m30s");
    assertThat(EffectiveFlags.duration(3_600_000)).isEqualTo("1h");
    assertThat(EffectiveFlags.duration(1_500)).isEqualTo("1.500s");
    assertThat(EffectiveFlags.duration(26 * 3_600_000L)).isEqualTo("26h");
    assertThat(EffectiveFlags.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(EffectiveFlags.bytes(128L << 20)).isEqualTo("128 MiB");
    assertThat(EffectiveFlags.bytes(12)).isEqualTo("12 B");
  }
}
