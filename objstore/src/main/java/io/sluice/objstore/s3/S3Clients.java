// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import io.sluice.objstore.S3Config;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The AWS SDK client of one {@link S3Bucket} and the HTTP client with its connection pool under it,
 * built from an {@link S3Config} as Thanos' S3 client is configured:
 *
 * <ul>
 *   <li>Endpoint {@code host[:port]}, {@code https} unless {@code insecure}; SigV4 signing in
 *       {@code region} ({@code us-east-1} when empty, following cross-region redirects).
 *   <li>Addressing: {@code bucket_lookup_type: auto} chooses virtual-hosted requests for Amazon S3,
 *       Google Cloud Storage and Aliyun OSS hosts and path-style requests for every other endpoint,
 *       as minio-go (Thanos' client) does; MinIO is therefore addressed path-style.
 *   <li>Credentials: {@code access_key}/{@code secret_key}/{@code session_token} when set, else the
 *       AWS default chain (environment, system properties, web identity token, profile files,
 *       container and instance metadata).
 *   <li>TLS: {@code tls_config.ca_file}'s certificates replace the default trust store, as Go's
 *       {@code RootCAs}; {@code insecure_skip_verify} trusts every certificate.
 *   <li>Retries: the SDK's standard strategy (3 attempts with jittered backoff), or {@code
 *       max_retries + 1} attempts.
 * </ul>
 *
 * <p>Building does not contact the store. Thread-safe; the owner closes it.
 */
final class S3Clients implements AutoCloseable {
  private static final Pattern VIRTUAL_HOST_CAPABLE =
      Pattern.compile(
          "^(s3[.-]?(.*\\.)?amazonaws\\.com(\\.cn)?"
              + "|.*\\.s3[.-].*amazonaws\\.com(\\.cn)?"
              + "|storage\\.googleapis\\.com"
              + "|.*\\.aliyuncs\\.com)$");

  private final URI endpoint;
  private final SdkHttpClient http;
  private final S3Client s3;

  private S3Clients(URI endpoint, SdkHttpClient http, S3Client s3) {
    this.endpoint = endpoint;
    this.http = http;
    this.s3 = s3;
  }

  /**
   * Builds the clients for {@code config}.
   *
   * @throws S3BucketUnavailableException when the configuration can never work: {@code
   *     tls_config.ca_file} cannot be read as PEM certificates
   */
  static S3Clients open(S3Config config) throws S3BucketUnavailableException {
    TrustManager[] trustManagers = trustManagers(config);
    URI endpoint = endpointUri(config);
    SdkHttpClient http = httpClient(config.http(), trustManagers);
    try {
      return new S3Clients(endpoint, http, s3Client(config, endpoint, http));
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  /** The SDK client. */
  S3Client s3() {
    return s3;
  }

  /** The endpoint requests go to, e.g. {@code http://127.0.0.1:9000}. */
  URI endpoint() {
    return endpoint;
  }

  static URI endpointUri(S3Config config) {
    return URI.create((config.insecure() ? "http://" : "https://") + config.endpoint());
  }

  /** Whether requests name the bucket in the path ({@code true}) or in the host name. */
  static boolean pathStyle(S3Config config) {
    return switch (config.bucketLookupType()) {
      case PATH -> true;
      case VIRTUAL_HOSTED -> false;
      case AUTO -> {
        String host = endpointUri(config).getHost();
        boolean capable = host != null && VIRTUAL_HOST_CAPABLE.matcher(host).matches();
        // A dot in the bucket name breaks the wildcard certificate of a virtual host.
        yield !capable || (!config.insecure() && config.bucket().contains("."));
      }
    };
  }

  /**
   * The trust managers for {@code tls_config.ca_file}: like Go's {@code RootCAs}, the file's
   * certificates replace the default trust store. {@code null} when no file is configured.
   */
  private static TrustManager[] trustManagers(S3Config config) throws S3BucketUnavailableException {
    Path caFile = config.http().caFile();
    if (caFile == null || config.http().insecureSkipVerify()) {
      return null;
    }
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + n++, cert);
      }
      if (n == 0) {
        throw new CertificateException("no certificate found");
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new S3BucketUnavailableException(
          config.bucket(),
          "bucket '"
              + config.bucket()
              + "' cannot be used: config.http_config.tls_config.ca_file "
              + caFile
              + " cannot be read as PEM certificates: "
              + e.getMessage(),
          e);
    }
  }

  private static SdkHttpClient httpClient(S3Config.HttpConfig h, TrustManager[] trustManagers) {
    Apache5HttpClient.Builder b =
        Apache5HttpClient.builder()
            // Go's dialer timeout in Thanos' transport.
            .connectionTimeout(Duration.ofSeconds(30))
            .maxConnections(h.poolSize());
    if (!h.responseHeaderTimeout().isZero()) {
      b.socketTimeout(h.responseHeaderTimeout());
    }
    if (!h.idleConnTimeout().isZero()) {
      b.connectionMaxIdleTime(h.idleConnTimeout());
    }
    if (trustManagers != null) {
      b.tlsTrustManagersProvider(() -> trustManagers);
    }
    if (h.insecureSkipVerify()) {
      return b.buildWithDefaults(
          AttributeMap.builder()
              .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
              .build());
    }
    return b.build();
  }

  private static S3Client s3Client(S3Config c, URI endpoint, SdkHttpClient http) {
    AwsCredentialsProvider credentials;
    if (c.accessKey().isEmpty()) {
      credentials = DefaultCredentialsProvider.builder().build();
    } else if (c.sessionToken().isEmpty()) {
      credentials =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(c.accessKey(), c.secretKey()));
    } else {
      credentials =
          StaticCredentialsProvider.create(
              AwsSessionCredentials.create(c.accessKey(), c.secretKey(), c.sessionToken()));
    }
    S3ClientBuilder b =
        S3Client.builder()
            .httpClient(http)
            .endpointOverride(endpoint)
            .forcePathStyle(pathStyle(c))
            .credentialsProvider(credentials)
            .region(Region.of(c.region().isEmpty() ? "us-east-1" : c.region()))
            .requestChecksumCalculation(
                c.sendContentMd5()
                    ? RequestChecksumCalculation.WHEN_SUPPORTED
                    : RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o -> {
                  if (c.maxRetries() > 0) {
                    o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(c.maxRetries() + 1)
                            .build());
                  } else {
                    o.retryStrategy(RetryMode.STANDARD);
                  }
                });
    if (c.region().isEmpty()) {
      b.crossRegionAccessEnabled(true);
    }
    return b.build();
  }

  /** Closes the SDK client, then the HTTP client and its connections. */
  @Override
  public void close() {
    s3.close();
    http.close();
  }
}
