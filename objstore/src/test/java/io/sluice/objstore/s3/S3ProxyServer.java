// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import io.sluice.objstore.S3Config;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3Proxy server in this JVM: the real S3 REST protocol with SigV4 authentication, an in-memory
 * store, listening on 127.0.0.1 only. It can be stopped and started again on the same port with its
 * contents kept.
 */
final class S3ProxyServer implements AutoCloseable {

  static final String ACCESS_KEY = "sluice-test-access";
  static final String SECRET_KEY = "sluice-test-secret-key";

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private final BlobStore store = new TransientNio2BlobStore();
  private final Path keyStore;
  private final String keyStorePassword;
  private S3Proxy proxy;
  private int port;

  private S3ProxyServer(Path keyStore, String keyStorePassword) {
    this.keyStore = keyStore;
    this.keyStorePassword = keyStorePassword;
  }

  /** Starts a server on a free port. */
  static S3ProxyServer start() throws Exception {
    S3ProxyServer server = new S3ProxyServer(null, null);
    server.startOn(0);
    return server;
  }

  /** Starts a server that speaks HTTPS only, with the key and certificate of a PKCS#12 store. */
  static S3ProxyServer startTls(Path keyStore, String password) throws Exception {
    S3ProxyServer server = new S3ProxyServer(keyStore, password);
    server.startOn(0);
    return server;
  }

  private void startOn(int requestedPort) throws Exception {
    S3Proxy.Builder builder =
        S3Proxy.builder()
            .blobStore(store)
            .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY);
    if (keyStore == null) {
      builder.endpoint(URI.create("http://127.0.0.1:" + requestedPort));
    } else {
      builder
          .secureEndpoint(URI.create("https://127.0.0.1:" + requestedPort))
          .keyStore(keyStore.toString(), keyStorePassword);
    }
    S3Proxy p = builder.build();
    p.start();
    if (!"STARTED".equals(p.getState())) {
      p.stop();
      throw new IllegalStateException("S3Proxy did not start: " + p.getState());
    }
    proxy = p;
    port = keyStore == null ? p.getPort() : p.getSecurePort();
  }

  /** Stops listening; the stored objects are kept. */
  void stop() throws Exception {
    if (proxy != null) {
      proxy.stop();
      proxy = null;
    }
  }

  /** Listens again on the port it had. */
  void restart() throws Exception {
    stop();
    startOn(port);
  }

  /** {@code 127.0.0.1:<port>}, as Thanos' {@code endpoint} key wants it. */
  String endpoint() {
    return "127.0.0.1:" + port;
  }

  /** Creates a new, empty bucket and returns its name. */
  String createBucket() {
    String name = "bucket-" + BUCKETS.incrementAndGet();
    store.createContainer(name);
    return name;
  }

  /** A configuration for {@code bucket} on this server, with a 5 MiB part size. */
  S3Config.Builder config(String bucket) {
    return S3Config.builder(bucket, endpoint())
        .insecure(keyStore == null)
        .credentials(ACCESS_KEY, SECRET_KEY, "")
        .partSize(S3Config.MIN_PART_SIZE);
  }

  /** A plain SDK client for this server, to look at what {@link S3Bucket} does not show. */
  S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create("http://" + endpoint()))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClient(Apache5HttpClient.create())
        .build();
  }

  @Override
  public void close() throws IOException {
    try {
      stop();
    } catch (Exception e) {
      throw new IOException("S3Proxy did not stop", e);
    }
  }
}
