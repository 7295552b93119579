// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketConfig;
import io.sluice.objstore.BucketOperation;
import io.sluice.objstore.BucketOperationException;
import io.sluice.objstore.Buckets;
import io.sluice.objstore.PrefixedBucket;
import io.sluice.objstore.S3Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How {@link S3Bucket} fails: never at open for the bucket's state, in {@link S3Bucket#check} with
 * a message saying what is wrong, and per call for an outage.
 */
class S3BucketFaultIT {

  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void wrongSecretKeyFailsTheCheckNamingTheBucketAndTheCredentials() throws IOException {
    String bucket = server.createBucket();
    S3Config config =
        server.config(bucket).credentials(S3ProxyServer.ACCESS_KEY, "not-the-secret", "").build();

    assertThatThrownBy(() -> openAndCheck(config))
        .isInstanceOf(S3BucketUnavailableException.class)
        .hasMessageContaining("access to bucket '" + bucket + "'")
        .hasMessageContaining("was denied")
        .hasMessageContaining("check access_key and secret_key");
  }

  @Test
  void unknownAccessKeyFailsTheCheck() throws IOException {
    String bucket = server.createBucket();
    S3Config config = server.config(bucket).credentials("nobody", "nothing", "").build();

    assertThatThrownBy(() -> openAndCheck(config))
        .isInstanceOf(S3BucketUnavailableException.class)
        .hasMessageContaining("'" + bucket + "'")
        .hasMessageContaining("denied");
  }

  @Test
  void missingBucketFailsTheCheckNamingIt() throws IOException {
    S3Config config = server.config("thanos-cluster-01").build();

    assertThatThrownBy(() -> openAndCheck(config))
        .isInstanceOf(S3BucketUnavailableException.class)
        .hasMessageContaining(
            "bucket 'thanos-cluster-01' does not exist at http://" + server.endpoint())
        .extracting(e -> ((S3BucketUnavailableException) e).bucket())
        .isEqualTo("thanos-cluster-01");
  }

  @Test
  void unreachableEndpointOpensButFailsTheCheckAndEveryCall() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    S3Config config =
        S3Config.builder("thanos-cluster-01", "127.0.0.1:" + closedPort)
            .insecure(true)
            .credentials("a", "b", "")
            .build();

    try (S3Bucket bucket = S3Bucket.open(config)) {
      assertThatThrownBy(bucket::check)
          .isInstanceOf(S3BucketUnavailableException.class)
          .hasMessageContaining(
              "bucket 'thanos-cluster-01' cannot be checked at http://127.0.0.1:" + closedPort)
          .hasMessageContaining("endpoint unreachable")
          .hasMessageContaining("Connection refused");
      assertThatThrownBy(() -> bucket.exists("01ABC/meta.json"))
          .isInstanceOf(BucketOperationException.class)
          .hasMessageContaining("exists '01ABC/meta.json' in bucket 'thanos-cluster-01' failed")
          .extracting(e -> ((BucketOperationException) e).errorCode())
          .isNull();
    }
  }

  @Test
  void aMissingBucketOpensFromItsConfigurationAndThePrefixedBucketChecksIt() throws IOException {
    String yaml =
        """
        type: S3
        config:
          bucket: thanos-cluster-01
          endpoint: %s
          access_key: %s
          secret_key: %s
          insecure: true
        prefix: receive
        """
            .formatted(server.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);

    try (Bucket bucket = Buckets.open(BucketConfig.parse(yaml, Map.of()))) {
      assertThat(bucket).isInstanceOf(PrefixedBucket.class);
      assertThatThrownBy(bucket::check)
          .isInstanceOf(S3BucketUnavailableException.class)
          .hasMessageContaining("bucket 'thanos-cluster-01' does not exist at http://");
    }
  }

  @Test
  void serverThatNeverAnswersTimesOutInsteadOfHanging() throws IOException {
    // Connections complete in the kernel's backlog, but nothing ever reads or answers them.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      S3Config config =
          S3Config.builder("thanos-cluster-01", "127.0.0.1:" + silent.getLocalPort())
              .insecure(true)
              .credentials("a", "b", "")
              .maxRetries(1)
              .http(
                  new S3Config.HttpConfig(
                      Duration.ofSeconds(90), Duration.ofSeconds(1), false, 4, 0, null))
              .build();

      try (S3Bucket bucket = S3Bucket.open(config)) {
        assertThatThrownBy(bucket::check)
            .isInstanceOf(S3BucketUnavailableException.class)
            .hasMessageContaining("thanos-cluster-01")
            .hasMessageContaining("timed out");
      }
    }
  }

  @Test
  void outageFailsCallsWithIOExceptionAndBucketWorksAgainAfterRestart() throws Exception {
    String name = server.createBucket();
    try (Bucket bucket = S3Bucket.open(server.config(name).build())) {
      put(bucket, "01ABC/meta.json", "{}");

      server.stop();
      try {
        assertThatThrownBy(() -> bucket.get("01ABC/meta.json"))
            .isInstanceOf(BucketOperationException.class)
            .hasMessageContaining("get '01ABC/meta.json' in bucket '" + name + "' failed")
            .satisfies(
                e -> {
                  BucketOperationException failure = (BucketOperationException) e;
                  assertThat(failure.operation()).isEqualTo(BucketOperation.GET);
                  assertThat(failure.bucket()).isEqualTo(name);
                  assertThat(failure.errorCode()).isNull();
                });
        assertThatThrownBy(() -> put(bucket, "01ABC/index", "i"))
            .isInstanceOf(BucketOperationException.class)
            .hasMessageContaining("upload '01ABC/index'");
        assertThatThrownBy(() -> bucket.exists("01ABC/meta.json"))
            .isInstanceOf(BucketOperationException.class);
        assertThatThrownBy(() -> bucket.list("", true))
            .isInstanceOf(BucketOperationException.class);
      } finally {
        server.restart();
      }

      put(bucket, "01ABC/index", "i");
      assertThat(bucket.list("01ABC", false)).containsExactly("01ABC/index", "01ABC/meta.json");
      try (InputStream in = bucket.get("01ABC/meta.json")) {
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("{}");
      }
    }
  }

  @Test
  void accessDeniedAfterOpenNamesBucketKeyAndS3ErrorCode() throws Exception {
    String name = server.createBucket();
    S3Config good = server.config(name).build();
    S3Config bad = good.toBuilder().credentials(S3ProxyServer.ACCESS_KEY, "wrong", "").build();
    try (Bucket bucket = S3Bucket.open(good)) {
      put(bucket, "x", "1");
    }
    // Opening does not contact the store, so a client with the bad credentials opens.
    try (S3Bucket unchecked = S3Bucket.open(bad)) {
      assertThatThrownBy(() -> unchecked.get("x"))
          .isInstanceOf(BucketOperationException.class)
          .hasMessageContaining("get 'x' in bucket '" + name + "' failed with ")
          .satisfies(
              e ->
                  assertThat(((BucketOperationException) e).errorCode())
                      .isIn("SignatureDoesNotMatch", "AccessDenied", "InvalidAccessKeyId"));
    }
  }

  private static void openAndCheck(S3Config config) throws IOException {
    try (S3Bucket bucket = S3Bucket.open(config)) {
      bucket.check();
    }
  }

  private static void put(Bucket bucket, String name, String content) throws IOException {
    byte[] bytes = content.getBytes(UTF_8);
    bucket.upload(name, new ByteArrayInputStream(bytes), bytes.length);
  }
}
