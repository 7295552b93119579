// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketConfig;
import io.sluice.objstore.BucketContract;
import io.sluice.objstore.Buckets;
import io.sluice.objstore.S3Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The bucket contract on {@link S3Bucket} against S3Proxy, plus what only S3 has. */
class S3ProxyBucketIT extends BucketContract {

  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected Bucket newBucket() throws IOException {
    return S3Bucket.open(server.config(server.createBucket()).build());
  }

  @Test
  void deploymentGuideConfigurationOpensAsWritten() throws IOException {
    String name = server.createBucket();
    String yaml =
        """
        type: S3
        config:
          bucket: %s
          endpoint: %s
          access_key: $(ACCESS)
          secret_key: $(SECRET)
          insecure: true
        """
            .formatted(name, server.endpoint());
    Map<String, String> env =
        Map.of("ACCESS", S3ProxyServer.ACCESS_KEY, "SECRET", S3ProxyServer.SECRET_KEY);

    try (Bucket opened = Buckets.open(BucketConfig.parse(yaml, env))) {
      put(opened, "01ABC/meta.json", "{}");

      assertThat(opened).isInstanceOf(S3Bucket.class);
      assertThat(opened.name()).isEqualTo(name);
      assertThat(((S3Bucket) opened).pathStyle()).isTrue();
      assertThat(read(opened.get("01ABC/meta.json"))).isEqualTo("{}");
    }
  }

  @Test
  void prefixFromConfigurationPlacesObjectsUnderIt() throws IOException {
    String name = server.createBucket();
    String yaml =
        """
        type: s3
        prefix: cluster-a
        config: {bucket: %s, endpoint: "%s", access_key: %s, secret_key: %s, insecure: true}
        """
            .formatted(name, server.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);

    try (Bucket prefixed = Buckets.open(BucketConfig.parse(yaml, Map.of()));
        Bucket plain = S3Bucket.open(server.config(name).build())) {
      put(prefixed, "01ABC/index", "i");

      assertThat(plain.list("", true)).containsExactly("cluster-a/01ABC/index");
      assertThat(prefixed.list("", true)).containsExactly("01ABC/index");
    }
  }

  @Test
  void listObjectsVersion1ListsLikeVersion2() throws IOException {
    try (Bucket v1 =
        S3Bucket.open(
            server
                .config(server.createBucket())
                .listObjectsVersion(S3Config.ListObjectsVersion.V1)
                .build())) {
      bucket = v1;
      uploadAcceptanceObjects();

      assertThat(v1.list("", false)).containsExactly("id1/", "id2/", "obj_5.some");
      assertThat(v1.list("id1", true)).hasSize(5);
    }
  }

  @Test
  void iterFollowsContinuationAcrossPages() throws IOException {
    // S3Proxy pages at 1000 keys, as S3 does.
    for (int i = 0; i < 1005; i++) {
      put(String.format("many/obj-%04d", i), "x");
    }

    assertThat(bucket.list("many", false)).hasSize(1005).isSorted();
    assertThat(bucket.list("", true)).hasSize(1005).isSorted();
    try (Bucket v1 =
        S3Bucket.open(
            server
                .config(bucket.name())
                .listObjectsVersion(S3Config.ListObjectsVersion.V1)
                .build())) {
      assertThat(v1.list("many", false)).isEqualTo(bucket.list("many", false));
      assertThat(v1.list("", true)).isEqualTo(bucket.list("", true));
    }
  }

  @Test
  void multipartCanBeDisabledAndChecksumsTurnedOff() throws IOException {
    try (Bucket single =
        S3Bucket.open(
            server
                .config(server.createBucket())
                .disableMultipart(true)
                .sendContentMd5(false)
                .build())) {
      byte[] content = randomBytes(LARGE_SIZE, 3);
      java.nio.file.Path file = tmp.resolve("single");
      java.nio.file.Files.write(file, content);

      single.upload("big", file);

      assertThat(digest(single.get("big"))).isEqualTo(digest(content));
    }
  }

  @Test
  void userMetadataIsSentWithoutTheStorageClassKey() throws IOException {
    // S3Proxy's in-memory store reports every object as STANDARD, so the storage class itself is
    // not checked here; the key must at least not leak into the user metadata.
    String name = server.createBucket();
    try (Bucket withMetadata =
            S3Bucket.open(
                server
                    .config(name)
                    .putUserMetadata(
                        Map.of(
                            "X-Amz-Storage-Class", "REDUCED_REDUNDANCY", "team", "observability"))
                    .build());
        S3Client raw = server.client()) {
      put(withMetadata, "a", "x");
      put(
          withMetadata,
          "big",
          new String(new byte[LARGE_SIZE], java.nio.charset.StandardCharsets.ISO_8859_1));

      for (String key : List.of("a", "big")) {
        HeadObjectResponse head = raw.headObject(r -> r.bucket(name).key(key));
        assertThat(head.metadata()).as(key).containsExactly(Map.entry("team", "observability"));
      }
    }
  }

  @Test
  void failedMultipartUploadIsAbortedOnTheServer() throws IOException {
    String name = server.createBucket();
    try (Bucket target = S3Bucket.open(server.config(name).build());
        S3Client raw = server.client()) {
      byte[] content = randomBytes(LARGE_SIZE, 9);

      assertThatThrownBy(
              () -> target.upload("big", new ByteArrayInputStream(content), LARGE_SIZE + 1))
          .isInstanceOf(IOException.class);

      assertThat(raw.listMultipartUploads(r -> r.bucket(name)).uploads()).isEmpty();
      assertThat(target.exists("big")).isFalse();
    }
  }

  private static void put(Bucket target, String name, String content) throws IOException {
    byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    target.upload(name, new java.io.ByteArrayInputStream(bytes), bytes.length);
  }
}
