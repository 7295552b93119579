// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of an S3 bucket: the keys of Thanos' {@code S3} type that Sluice implements. The
 * package documentation lists every Thanos key and what Sluice does with it.
 *
 * @param bucket the bucket name ({@code bucket}), required
 * @param endpoint {@code host[:port]} without scheme ({@code endpoint}), required as in Thanos
 * @param region the signing region ({@code region}); empty means {@code us-east-1} with
 *     cross-region redirects followed
 * @param accessKey static access key ({@code access_key}); empty means the AWS default credential
 *     chain
 * @param secretKey static secret key ({@code secret_key}); set exactly when {@code accessKey} is
 * @param sessionToken session token for temporary static credentials ({@code session_token})
 * @param awsSdkAuth use the AWS default credential chain ({@code aws_sdk_auth}); exclusive with
 *     {@code accessKey}
 * @param insecure plain HTTP instead of HTTPS ({@code insecure})
 * @param putUserMetadata metadata sent with every upload ({@code put_user_metadata}); the key
 *     {@code X-Amz-Storage-Class} (any case) sets the storage class instead
 * @param http connection settings ({@code http_config})
 * @param listObjectsVersion which ListObjects API to use ({@code list_objects_version})
 * @param bucketLookupType path-style or virtual-hosted addressing ({@code bucket_lookup_type})
 * @param sendContentMd5 send request checksums ({@code send_content_md5}); see the package
 *     documentation
 * @param disableMultipart always upload with one PUT ({@code disable_multipart}); objects are then
 *     limited to 5 GiB
 * @param partSize multipart part size in bytes ({@code part_size}), from 5 MiB to 5 GiB; files of
 *     at least this size are uploaded in parts
 * @param maxRetries retries after a failed request ({@code max_retries}); 0 means the AWS SDK's
 *     standard policy (3 attempts in all)
 */
public record S3Config(
    String bucket,
    String endpoint,
    String region,
    String accessKey,
    String secretKey,
    String sessionToken,
    boolean awsSdkAuth,
    boolean insecure,
    Map<String, String> putUserMetadata,
    HttpConfig http,
    ListObjectsVersion listObjectsVersion,
    BucketLookupType bucketLookupType,
    boolean sendContentMd5,
    boolean disableMultipart,
    long partSize,
    int maxRetries)
    implements ProviderConfig {

  /** The smallest part S3 accepts, except for the last part of an upload: 5 MiB. */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  /** The largest part and the largest single PUT S3 accepts: 5 GiB. */
  public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;

  /** Thanos' default part size: 64 MiB. */
  public static final long DEFAULT_PART_SIZE = 64L * 1024 * 1024;

  /** Validates the configuration; messages use the Thanos key names. */
  public S3Config {
    bucket = Objects.requireNonNullElse(bucket, "");
    endpoint = Objects.requireNonNullElse(endpoint, "");
    region = Objects.requireNonNullElse(region, "");
    accessKey = Objects.requireNonNullElse(accessKey, "");
    secretKey = Objects.requireNonNullElse(secretKey, "");
    sessionToken = Objects.requireNonNullElse(sessionToken, "");
    putUserMetadata = Map.copyOf(Objects.requireNonNullElse(putUserMetadata, Map.of()));
    http = Objects.requireNonNullElse(http, HttpConfig.DEFAULT);
    listObjectsVersion = Objects.requireNonNullElse(listObjectsVersion, ListObjectsVersion.V2);
    bucketLookupType = Objects.requireNonNullElse(bucketLookupType, BucketLookupType.AUTO);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("missing bucket: config.bucket is required for S3");
    }
    if (endpoint.isEmpty()) {
      throw new IllegalArgumentException(
          "no s3 endpoint in config file: config.endpoint is required");
    }
    if (endpoint.contains("://") || endpoint.contains("/")) {
      throw new IllegalArgumentException(
          "config.endpoint must be host[:port] without scheme or path (use config.insecure for"
              + " http): '"
              + endpoint
              + "'");
    }
    if (awsSdkAuth && !accessKey.isEmpty()) {
      throw new IllegalArgumentException(
          "aws_sdk_auth and access_key are mutually exclusive configurations");
    }
    if (accessKey.isEmpty() && !secretKey.isEmpty()) {
      throw new IllegalArgumentException(
          "no s3 access_key specified while secret_key is present in config file; either both"
              + " should be present in config or envvars/IAM should be used.");
    }
    if (!accessKey.isEmpty() && secretKey.isEmpty()) {
      throw new IllegalArgumentException(
          "no s3 secret_key specified while access_key is present in config file; either both"
              + " should be present in config or envvars/IAM should be used.");
    }
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "config.part_size must be between "
              + MIN_PART_SIZE
              + " (5 MiB) and "
              + MAX_PART_SIZE
              + " (5 GiB) bytes: "
              + partSize);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("config.max_retries must be >= 0: " + maxRetries);
    }
  }

  @Override
  public BucketType type() {
    return BucketType.S3;
  }

  /** Returns a builder with Thanos' defaults for everything but bucket and endpoint. */
  public static Builder builder(String bucket, String endpoint) {
    return new Builder(bucket, endpoint);
  }

  /** A copy of this configuration as a builder. */
  public Builder toBuilder() {
    return new Builder(bucket, endpoint)
        .region(region)
        .credentials(accessKey, secretKey, sessionToken)
        .awsSdkAuth(awsSdkAuth)
        .insecure(insecure)
        .putUserMetadata(putUserMetadata)
        .http(http)
        .listObjectsVersion(listObjectsVersion)
        .bucketLookupType(bucketLookupType)
        .sendContentMd5(sendContentMd5)
        .disableMultipart(disableMultipart)
        .partSize(partSize)
        .maxRetries(maxRetries);
  }

  @Override
  public String toString() {
    // Never print the secret or the session token.
    return "S3Config[bucket="
        + bucket
        + ", endpoint="
        + endpoint
        + ", region="
        + region
        + ", accessKey="
        + accessKey
        + ", insecure="
        + insecure
        + ", bucketLookupType="
        + bucketLookupType
        + ", partSize="
        + partSize
        + "]";
  }

  /** {@code bucket_lookup_type}: how the bucket name goes into request URLs. */
  public enum BucketLookupType {
    /**
     * {@code auto}, Thanos' default. As in minio-go: virtual-hosted for Amazon S3, Google Cloud
     * Storage and Aliyun OSS endpoints (unless the bucket name has a dot and TLS is on), path-style
     * for everything else, which includes MinIO and other custom endpoints.
     */
    AUTO("auto"),
    /** {@code virtual-hosted}: {@code https://bucket.host/key}. */
    VIRTUAL_HOSTED("virtual-hosted"),
    /** {@code path}: {@code https://host/bucket/key}. */
    PATH("path");

    private final String configName;

    BucketLookupType(String configName) {
      this.configName = configName;
    }

    /** The value as written in the configuration. */
    public String configName() {
      return configName;
    }
  }

  /** {@code list_objects_version}: {@code v2} (default, also for {@code ""}) or {@code v1}. */
  public enum ListObjectsVersion {
    /** ListObjects (version 1), for old S3-compatible stores. */
    V1,
    /** ListObjectsV2. */
    V2
  }

  /**
   * {@code http_config}: the connection settings Sluice implements.
   *
   * @param idleConnTimeout how long a pooled connection may stay idle ({@code idle_conn_timeout},
   *     default 90 s)
   * @param responseHeaderTimeout how long to wait for the server's answer, applied as the socket
   *     read timeout ({@code response_header_timeout}, default 2 min)
   * @param insecureSkipVerify accept any TLS certificate and host name ({@code
   *     insecure_skip_verify} or {@code tls_config.insecure_skip_verify})
   * @param maxIdleConns the connection pool size when {@code maxConnsPerHost} is 0 ({@code
   *     max_idle_conns}, default 100)
   * @param maxConnsPerHost the connection pool size, 0 for {@code maxIdleConns} ({@code
   *     max_conns_per_host})
   * @param caFile PEM file of the certificate authorities to trust instead of the JVM's ({@code
   *     tls_config.ca_file}), or {@code null} for the JVM's trust store
   */
  public record HttpConfig(
      Duration idleConnTimeout,
      Duration responseHeaderTimeout,
      boolean insecureSkipVerify,
      int maxIdleConns,
      int maxConnsPerHost,
      Path caFile) {

    /** Thanos' defaults. */
    public static final HttpConfig DEFAULT =
        new HttpConfig(Duration.ofSeconds(90), Duration.ofMinutes(2), false, 100, 0, null);

    /** Validates the settings. */
    public HttpConfig {
      Objects.requireNonNull(idleConnTimeout, "idleConnTimeout");
      Objects.requireNonNull(responseHeaderTimeout, "responseHeaderTimeout");
      if (idleConnTimeout.isNegative() || responseHeaderTimeout.isNegative()) {
        throw new IllegalArgumentException("http_config timeouts must not be negative");
      }
      if (maxIdleConns < 0 || maxConnsPerHost < 0) {
        throw new IllegalArgumentException(
            "http_config.max_idle_conns and max_conns_per_host must be >= 0");
      }
    }

    /** The number of pooled connections Sluice opens at most. */
    public int poolSize() {
      int size = maxConnsPerHost > 0 ? maxConnsPerHost : maxIdleConns;
      return size > 0 ? size : 100;
    }
  }

  /** Builds an {@link S3Config}; starts from Thanos' defaults. Not thread-safe. */
  public static final class Builder {
    private final String bucket;
    private final String endpoint;
    private String region = "";
    private String accessKey = "";
    private String secretKey = "";
    private String sessionToken = "";
    private boolean awsSdkAuth;
    private boolean insecure;
    private Map<String, String> putUserMetadata = Map.of();
    private HttpConfig http = HttpConfig.DEFAULT;
    private ListObjectsVersion listObjectsVersion = ListObjectsVersion.V2;
    private BucketLookupType bucketLookupType = BucketLookupType.AUTO;
    private boolean sendContentMd5 = true;
    private boolean disableMultipart;
    private long partSize = DEFAULT_PART_SIZE;
    private int maxRetries;

    private Builder(String bucket, String endpoint) {
      this.bucket = bucket;
      this.endpoint = endpoint;
    }

    /** Sets {@code region}. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** Sets {@code access_key}, {@code secret_key} and {@code session_token}. */
    public Builder credentials(String accessKey, String secretKey, String sessionToken) {
      this.accessKey = accessKey;
      this.secretKey = secretKey;
      this.sessionToken = sessionToken;
      return this;
    }

    /** Sets {@code aws_sdk_auth}. */
    public Builder awsSdkAuth(boolean awsSdkAuth) {
      this.awsSdkAuth = awsSdkAuth;
      return this;
    }

    /** Sets {@code insecure}. */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /** Sets {@code put_user_metadata}. */
    public Builder putUserMetadata(Map<String, String> putUserMetadata) {
      this.putUserMetadata = putUserMetadata;
      return this;
    }

    /** Sets {@code http_config}. */
    public Builder http(HttpConfig http) {
      this.http = http;
      return this;
    }

    /** Sets {@code list_objects_version}. */
    public Builder listObjectsVersion(ListObjectsVersion listObjectsVersion) {
      this.listObjectsVersion = listObjectsVersion;
      return this;
    }

    /** Sets {@code bucket_lookup_type}. */
    public Builder bucketLookupType(BucketLookupType bucketLookupType) {
      this.bucketLookupType = bucketLookupType;
      return this;
    }

    /** Sets {@code send_content_md5}. */
    public Builder sendContentMd5(boolean sendContentMd5) {
      this.sendContentMd5 = sendContentMd5;
      return this;
    }

    /** Sets {@code disable_multipart}. */
    public Builder disableMultipart(boolean disableMultipart) {
      this.disableMultipart = disableMultipart;
      return this;
    }

    /** Sets {@code part_size} in bytes. */
    public Builder partSize(long partSize) {
      this.partSize = partSize;
      return this;
    }

    /** Sets {@code max_retries}. */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException when it is invalid
     */
    public S3Config build() {
      return new S3Config(
          bucket,
          endpoint,
          region,
          accessKey,
          secretKey,
          sessionToken,
          awsSdkAuth,
          insecure,
          putUserMetadata,
          http,
          listObjectsVersion,
          bucketLookupType,
          sendContentMd5,
          disableMultipart,
          partSize,
          maxRetries);
    }
  }
}
