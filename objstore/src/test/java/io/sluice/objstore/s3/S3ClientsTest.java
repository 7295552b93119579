// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.objstore.S3Config;
import io.sluice.objstore.S3Config.BucketLookupType;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3ClientsTest {

  @ParameterizedTest
  @CsvSource({
    // endpoint, bucket, insecure, expected path style
    "minio:9000, thanos, true, true",
    "127.0.0.1:9000, thanos, true, true",
    "minio.example.com, thanos, false, true",
    "s3.amazonaws.com, thanos, false, false",
    "s3.eu-west-1.amazonaws.com, thanos, false, false",
    "s3-eu-west-1.amazonaws.com, thanos, false, false",
    "s3.cn-north-1.amazonaws.com.cn, thanos, false, false",
    "storage.googleapis.com, thanos, false, false",
    "oss-eu-central-1.aliyuncs.com, thanos, false, false",
    "s3.eu-west-1.amazonaws.com, thanos.metrics, false, true",
    "s3.eu-west-1.amazonaws.com, thanos.metrics, true, false",
    "notamazonaws.com, thanos, false, true",
  })
  void autoLookupUsesVirtualHostsOnlyWhereMinioGoDoes(
      String endpoint, String bucket, boolean insecure, boolean pathStyle) {
    S3Config config = S3Config.builder(bucket, endpoint).insecure(insecure).build();

    assertThat(S3Clients.pathStyle(config)).isEqualTo(pathStyle);
  }

  @ParameterizedTest
  @CsvSource({"PATH, true", "VIRTUAL_HOSTED, false"})
  void explicitLookupTypeWins(BucketLookupType type, boolean pathStyle) {
    S3Config config = S3Config.builder("thanos", "s3.amazonaws.com").bucketLookupType(type).build();
    S3Config minio = S3Config.builder("thanos", "minio:9000").bucketLookupType(type).build();

    assertThat(S3Clients.pathStyle(config)).isEqualTo(pathStyle);
    assertThat(S3Clients.pathStyle(minio)).isEqualTo(pathStyle);
  }

  @ParameterizedTest
  @CsvSource({"true, http://minio:9000", "false, https://minio:9000"})
  void insecureChoosesHttpOverHttps(boolean insecure, URI expected) {
    S3Config config = S3Config.builder("thanos", "minio:9000").insecure(insecure).build();

    assertThat(S3Clients.endpointUri(config)).isEqualTo(expected);
  }
}
