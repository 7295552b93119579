// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BucketConfigTest {

  private static final Map<String, String> NO_ENV = Map.of();

  /** The objstore secret of the deployment guide, as written there. */
  private static final String DEPLOYMENT_GUIDE =
      """
      type: S3
      config:
        bucket: thanos-cluster-01
        endpoint: minio.monitoring.svc:9000
        access_key: minio
        secret_key: minio123
        insecure: true
      """;

  @TempDir Path tmp;

  @Test
  void deploymentGuideConfigurationParsesWithThanosDefaults() throws IOException {
    BucketConfig config = BucketConfig.parse(DEPLOYMENT_GUIDE, NO_ENV);

    assertThat(config.type()).isEqualTo(BucketType.S3);
    assertThat(config.prefix()).isEmpty();
    assertThat(config.ignoredKeys()).isEmpty();
    S3Config s3 = (S3Config) config.config();
    assertThat(s3.bucket()).isEqualTo("thanos-cluster-01");
    assertThat(s3.endpoint()).isEqualTo("minio.monitoring.svc:9000");
    assertThat(s3.accessKey()).isEqualTo("minio");
    assertThat(s3.secretKey()).isEqualTo("minio123");
    assertThat(s3.insecure()).isTrue();
    assertThat(s3.region()).isEmpty();
    assertThat(s3.partSize()).isEqualTo(64L * 1024 * 1024);
    assertThat(s3.bucketLookupType()).isEqualTo(S3Config.BucketLookupType.AUTO);
    assertThat(s3.listObjectsVersion()).isEqualTo(S3Config.ListObjectsVersion.V2);
    assertThat(s3.sendContentMd5()).isTrue();
    assertThat(s3.disableMultipart()).isFalse();
    assertThat(s3.maxRetries()).isZero();
    assertThat(s3.http()).isEqualTo(S3Config.HttpConfig.DEFAULT);
    assertThat(s3.http().idleConnTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s3.http().responseHeaderTimeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void secretIsNotPrintedByToString() throws IOException {
    S3Config s3 = (S3Config) BucketConfig.parse(DEPLOYMENT_GUIDE, NO_ENV).config();

    assertThat(s3.toString()).contains("thanos-cluster-01").doesNotContain("minio123");
  }

  @Test
  void everyImplementedS3KeyIsRead() throws IOException {
    BucketConfig config =
        BucketConfig.parse(
            """
            type: s3
            prefix: /cluster-a/
            config:
              bucket: b
              endpoint: s3.eu-west-1.amazonaws.com
              region: eu-west-1
              access_key: AK
              secret_key: SK
              session_token: ST
              insecure: false
              signature_version2: false
              put_user_metadata:
                X-Amz-Storage-Class: STANDARD_IA
                team: obs
              http_config:
                idle_conn_timeout: 1m30s
                response_header_timeout: 45s
                insecure_skip_verify: false
                max_idle_conns: 10
                max_conns_per_host: 20
                tls_config:
                  insecure_skip_verify: true
                  ca_file: /etc/ca.pem
              list_objects_version: v1
              bucket_lookup_type: path
              send_content_md5: false
              disable_multipart: true
              part_size: 10485760
              sse_config:
                type: ""
              sts_endpoint: ""
              max_retries: 5
            """,
            NO_ENV);

    assertThat(config.prefix()).isEqualTo("/cluster-a/");
    S3Config s3 = (S3Config) config.config();
    assertThat(s3.region()).isEqualTo("eu-west-1");
    assertThat(s3.sessionToken()).isEqualTo("ST");
    assertThat(s3.putUserMetadata())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("X-Amz-Storage-Class", "STANDARD_IA", "team", "obs"));
    assertThat(s3.http())
        .isEqualTo(
            new S3Config.HttpConfig(
                Duration.ofSeconds(90),
                Duration.ofSeconds(45),
                true,
                10,
                20,
                Path.of("/etc/ca.pem")));
    assertThat(s3.http().poolSize()).isEqualTo(20);
    assertThat(s3.listObjectsVersion()).isEqualTo(S3Config.ListObjectsVersion.V1);
    assertThat(s3.bucketLookupType()).isEqualTo(S3Config.BucketLookupType.PATH);
    assertThat(s3.sendContentMd5()).isFalse();
    assertThat(s3.disableMultipart()).isTrue();
    assertThat(s3.partSize()).isEqualTo(10L * 1024 * 1024);
    assertThat(s3.maxRetries()).isEqualTo(5);
    assertThat(config.ignoredKeys()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"S3", "s3", "S3 "})
  void typeIsCaseInsensitiveAsInThanos(String type) throws IOException {
    String yaml = "type: '" + type.strip() + "'\nconfig: {bucket: b, endpoint: 'h:1'}\n";

    assertThat(BucketConfig.parse(yaml, NO_ENV).type()).isEqualTo(BucketType.S3);
  }

  @Test
  void filesystemTypeNeedsADirectory() throws IOException {
    BucketConfig config =
        BucketConfig.parse("type: filesystem\nconfig:\n  directory: /var/thanos/bkt\n", NO_ENV);

    assertThat(config.config()).isEqualTo(new FilesystemConfig(Path.of("/var/thanos/bkt")));
    assertRejected("type: FILESYSTEM\n", "missing directory for filesystem bucket");
    assertRejected(
        "type: FILESYSTEM\nconfig: {directory: ''}\n", "missing directory for filesystem bucket");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "type: S3\\nfoo: 1\\nconfig: {bucket: b, endpoint: 'h:1'}|unknown key 'foo'",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', foo: 1}|unknown key 'config.foo'",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', http_config: {bar: 1}}"
            + "|unknown key 'config.http_config.bar'",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', http_config: {tls_config: {baz: x}}}"
            + "|unknown key 'config.http_config.tls_config.baz'",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', trace: {enabled: true}}"
            + "|unknown key 'config.trace.enabled'",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', sse_config: {typ: x}}"
            + "|unknown key 'config.sse_config.typ'",
        "type: FILESYSTEM\\nconfig: {directory: d, dir: d}|unknown key 'config.dir'",
      })
  void unknownKeyAtAnyLevelIsRejectedWithItsPath(String yaml, String message) {
    assertRejected(yaml.replace("\\n", "\n"), message);
  }

  @Test
  void duplicateKeyIsRejected() {
    assertRejected(
        "type: S3\nconfig:\n  bucket: a\n  bucket: b\n  endpoint: 'h:1'\n", "Duplicate field");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "config: {directory: d}|missing 'type'",
        "type: GCS\\nconfig: {bucket: b}|bucket type GCS is not supported by Sluice"
            + " (supported: S3, FILESYSTEM)",
        "type: azure|bucket type azure is not supported by Sluice",
        "type: FOO|bucket with type FOO is not supported",
        "type: S3|missing bucket: config.bucket is required",
        "type: S3\\nconfig: {endpoint: 'h:1'}|missing bucket: config.bucket is required",
        "type: S3\\nconfig: {bucket: b}|no s3 endpoint in config file",
        "type: S3\\nconfig: {bucket: b, endpoint: 'http://h:1'}"
            + "|config.endpoint must be host[:port] without scheme",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', access_key: a}"
            + "|no s3 secret_key specified while access_key is present",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', secret_key: s}"
            + "|no s3 access_key specified while secret_key is present",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', access_key: a, secret_key: s,"
            + " aws_sdk_auth: true}|aws_sdk_auth and access_key are mutually exclusive",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', signature_version2: true}"
            + "|not supported by Sluice: config.signature_version2",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', sse_config: {type: SSE-S3}}"
            + "|not supported by Sluice: config.sse_config.type",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', sse_config: {type: SSE-KMS, kms_key_id: k}}"
            + "|not supported by Sluice: config.sse_config.type",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', sts_endpoint: 'https://sts'}"
            + "|not supported by Sluice: config.sts_endpoint",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', http_config: {tls_config: {cert_file: /c}}}"
            + "|not supported by Sluice: config.http_config.tls_config.cert_file",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', list_objects_version: v3}"
            + "|config.list_objects_version: Unsupported version \"v3\"",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', bucket_lookup_type: dns}"
            + "|unsupported bucket lookup type: dns",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', part_size: 1048576}"
            + "|config.part_size must be between 5242880 (5 MiB) and 5368709120 (5 GiB)",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', part_size: big}"
            + "|config.part_size must be a whole number, got 'big'",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', max_retries: -1}"
            + "|config.max_retries must not be negative",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', insecure: maybe}"
            + "|config.insecure must be true or false, got 'maybe'",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', http_config: {idle_conn_timeout: soon}}"
            + "|config.http_config.idle_conn_timeout must be a duration such as 1m30s",
        // Prometheus' limit (int64 nanoseconds, about 292 years), not milliseconds' any more.
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', http_config: {idle_conn_timeout: 300y}}"
            + "|config.http_config.idle_conn_timeout must be a duration such as 1m30s, 90s or 2h,"
            + " got '300y': duration out of range",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', http_config: {idle_conn_timeout: 1.5m}}"
            + "|config.http_config.idle_conn_timeout must be a duration such as 1m30s",
        "type: S3\\nconfig: {bucket: b, endpoint: 'h:1', put_user_metadata: [a, b]}"
            + "|config.put_user_metadata must be a mapping",
        "type: S3\\nconfig: [a, b]|config must be a mapping",
        "type: S3\\nconfig: {bucket: {name: b}, endpoint: 'h:1'}|config.bucket must be a string",
        "- just\\n- a list|the configuration must be a mapping",
      })
  void invalidConfigurationIsRejectedWithAMessageNamingTheKey(String yaml, String message) {
    assertRejected(yaml.replace("\\n", "\n"), message);
  }

  @Test
  void emptyOrMalformedDocumentIsRejected() {
    assertRejected("", "the configuration is empty");
    assertRejected("type: [S3", "not valid YAML");
  }

  @Test
  void falseAndEmptyValuesOfUnsupportedKeysAreAccepted() throws IOException {
    BucketConfig config =
        BucketConfig.parse(
            """
            type: S3
            config:
              bucket: b
              endpoint: h:1
              signature_version2: false
              sse_config: {type: "", kms_key_id: "", encryption_key: ""}
              sts_endpoint: ""
              trace: {enable: false}
              http_config: {tls_config: {ca_file: "", cert_file: "", key_file: "", server_name: ""}}
            """,
            NO_ENV);

    assertThat(config.ignoredKeys()).isEmpty();
  }

  @Test
  void keysWithoutEffectInSluiceAreReportedForAWarning() throws IOException {
    BucketConfig config =
        BucketConfig.parse(
            """
            type: S3
            config:
              bucket: b
              endpoint: h:1
              disable_dualstack: true
              trace: {enable: true}
              http_config:
                tls_handshake_timeout: 10s
                expect_continue_timeout: 1s
                max_idle_conns_per_host: 100
                disable_compression: true
            """,
            NO_ENV);

    assertThat(config.ignoredKeys())
        .containsExactlyInAnyOrder(
            "config.disable_dualstack",
            "config.trace.enable",
            "config.http_config.tls_handshake_timeout",
            "config.http_config.expect_continue_timeout",
            "config.http_config.max_idle_conns_per_host",
            "config.http_config.disable_compression");
  }

  @ParameterizedTest
  @CsvSource({
    "0,0",
    "90s,90000",
    "1m30s,90000",
    "2m,120000",
    "1h,3600000",
    "1d,86400000",
    "1w,604800000",
    "500ms,500",
    "1y,31536000000"
  })
  void durationsUsePrometheusSyntax(String text, long millis) throws IOException {
    BucketConfig config =
        BucketConfig.parse(
            "type: S3\nconfig: {bucket: b, endpoint: 'h:1', http_config: {idle_conn_timeout: "
                + text
                + "}}\n",
            NO_ENV);

    assertThat(((S3Config) config.config()).http().idleConnTimeout())
        .isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void environmentVariablesAreSubstitutedInKubernetesSyntax() throws IOException {
    Map<String, String> env =
        Map.of("MINIO_SECRET", "s3cr3t$1\\x", "BUCKET", "thanos", "EMPTY", "");

    BucketConfig config =
        BucketConfig.parse(
            """
            type: S3
            config:
              bucket: $(BUCKET)-cluster-01
              endpoint: minio:9000
              access_key: minio
              secret_key: $(MINIO_SECRET)
              region: "$(EMPTY)"
            prefix: ${NOT_SUBSTITUTED}
            """,
            env);

    S3Config s3 = (S3Config) config.config();
    assertThat(s3.bucket()).isEqualTo("thanos-cluster-01");
    assertThat(s3.secretKey()).isEqualTo("s3cr3t$1\\x");
    assertThat(s3.region()).isEmpty();
    assertThat(config.prefix()).isEqualTo("${NOT_SUBSTITUTED}");
  }

  @Test
  void referenceToUnsetEnvironmentVariableFailsNamingIt() {
    assertThatThrownBy(() -> BucketConfig.parse("type: S3\nconfig: {bucket: $(NOPE)}", NO_ENV))
        .isInstanceOf(BucketConfigException.class)
        .hasMessageContaining("found reference to unset environment variable \"NOPE\"");
  }

  @Test
  void filesystemConfigurationWithPrefixOpensAPrefixedBucket() throws IOException {
    Path dir = tmp.resolve("bkt");
    String yaml = "type: FILESYSTEM\nconfig:\n  directory: " + dir + "\nprefix: receive/tenant-a\n";

    try (Bucket bucket = Buckets.open(BucketConfig.parse(yaml, NO_ENV))) {
      bucket.upload("01ABC/meta.json", new ByteArrayInputStream(new byte[] {'{', '}'}), 2);

      assertThat(bucket).isInstanceOf(PrefixedBucket.class);
      assertThat(bucket.name()).isEqualTo("fs: " + dir);
      assertThat(dir.resolve("receive/tenant-a/01ABC/meta.json")).hasContent("{}");
    }
  }

  @Test
  void filesystemConfigurationWithoutPrefixOpensAFilesystemBucket() throws IOException {
    String yaml = "type: FILESYSTEM\nconfig: {directory: '" + tmp + "'}\nprefix: /\n";

    try (Bucket bucket = Buckets.open(BucketConfig.parse(yaml, NO_ENV))) {
      assertThat(bucket).isInstanceOf(FilesystemBucket.class);
    }
  }

  @Test
  void filesystemDirectoryThatCannotBeCreatedFailsAtOpenNamingIt() throws IOException {
    Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "x");
    BucketConfig config = BucketConfig.of(new FilesystemConfig(file.resolve("bucket")));

    assertThatThrownBy(() -> Buckets.open(config))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("filesystem bucket directory " + file.resolve("bucket"))
        .hasMessageContaining("cannot be created");
  }

  @Test
  void filesystemDirectoryIsCreatedAtOpen() throws IOException {
    Path dir = tmp.resolve("new/bucket");

    try (Bucket bucket = Buckets.open(BucketConfig.of(new FilesystemConfig(dir)))) {
      assertThat(dir).isDirectory();
      assertThat(bucket.list("", true)).isEmpty();
    }
  }

  private static void assertRejected(String yaml, String message) {
    assertThatThrownBy(() -> BucketConfig.parse(yaml, NO_ENV))
        .isInstanceOf(BucketConfigException.class)
        .hasMessageStartingWith("invalid objstore configuration: ")
        .hasMessageContaining(message);
  }
}
