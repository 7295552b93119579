// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketContract;
import io.sluice.objstore.S3Config;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bucket contract on {@link S3Bucket} against a real MinIO server in a container. Skipped, not
 * failed, when no Docker engine is reachable.
 */
class MinioBucketIT extends BucketContract {

  private static final String IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private static MinIOContainer minio;
  private static S3Client admin;

  @BeforeAll
  static void startMinio() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      // Each test then reports itself as skipped (see newBucket), so the skip shows in the counts.
      return;
    }
    minio = new MinIOContainer(IMAGE);
    minio.start();
    admin =
        S3Client.builder()
            .endpointOverride(URI.create(minio.getS3URL()))
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(minio.getUserName(), minio.getPassword())))
            .build();
  }

  @AfterAll
  static void stopMinio() {
    if (admin != null) {
      admin.close();
    }
    if (minio != null) {
      minio.stop();
    }
  }

  @Override
  protected Bucket newBucket() throws IOException {
    assumeTrue(minio != null, "no Docker engine: MinIO contract test skipped");
    String name = "contract-" + BUCKETS.incrementAndGet();
    admin.createBucket(b -> b.bucket(name));
    URI url = URI.create(minio.getS3URL());
    return S3Bucket.open(
        S3Config.builder(name, url.getHost() + ":" + url.getPort())
            .insecure(true)
            .credentials(minio.getUserName(), minio.getPassword(), "")
            .partSize(S3Config.MIN_PART_SIZE)
            .build());
  }
}
