// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import io.sluice.objstore.S3Config;
import io.sluice.objstore.s3.S3Bucket;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * An S3Proxy server in the test JVM on 127.0.0.1: the S3 REST protocol with SigV4, an in-memory
 * store that survives {@link #stop} and {@link #start} on the same port. It records every PUT of a
 * whole object (key, in order), and can hold the first PUT matching a predicate until released, so
 * that a test can act while an upload is in flight.
 */
final class S3ProxyFixture implements AutoCloseable {
  static final String ACCESS_KEY = "sluice-it-access";
  static final String SECRET_KEY = "sluice-it-secret-key";

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private final List<String> puts = new ArrayList<>();
  private final BlobStore store;
  private S3Proxy proxy;
  private int port;
  private volatile Predicate<String> hold = k -> false;
  private volatile CountDownLatch held = new CountDownLatch(1);
  private volatile CountDownLatch release = new CountDownLatch(0);
  private final AtomicInteger putCalls = new AtomicInteger();
  private volatile int failEveryNthPut;
  private volatile long putDelayMs;

  private S3ProxyFixture() {
    store =
        new ForwardingBlobStore(new TransientNio2BlobStore()) {
          @Override
          public PutObjectResponse putBlob(PutObjectRequest request, InputStream in) {
            int n = putCalls.incrementAndGet();
            if (putDelayMs > 0) {
              try {
                Thread.sleep(putDelayMs);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            if (failEveryNthPut > 0 && n % failEveryNthPut == 0) {
              throw S3Exceptions.fromStatusCode(500);
            }
            if (hold.test(request.key())) {
              hold = k -> false;
              held.countDown();
              try {
                release.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            PutObjectResponse r = super.putBlob(request, in);
            synchronized (puts) {
              puts.add(request.bucket() + "/" + request.key());
            }
            return r;
          }
        };
  }

  /** Starts a server on a free port. */
  static S3ProxyFixture start() throws Exception {
    S3ProxyFixture f = new S3ProxyFixture();
    f.listen(0);
    return f;
  }

  private void listen(int requested) throws Exception {
    S3Proxy p =
        S3Proxy.builder()
            .blobStore(store)
            .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:" + requested))
            .build();
    p.start();
    if (!"STARTED".equals(p.getState())) {
      p.stop();
      throw new IllegalStateException("S3Proxy did not start: " + p.getState());
    }
    proxy = p;
    port = p.getPort();
  }

  /** Stops listening (the S3 endpoint is down); objects are kept. */
  void stop() throws Exception {
    if (proxy != null) {
      proxy.stop();
      proxy = null;
    }
  }

  /** Listens again on the same port. */
  void restart() throws Exception {
    stop();
    listen(port);
  }

  /** {@code 127.0.0.1:<port>}. */
  String endpoint() {
    return "127.0.0.1:" + port;
  }

  /** Creates an empty bucket and returns its name. */
  String createBucket() {
    return createBucket("sluice-it-" + BUCKETS.incrementAndGet());
  }

  /** Creates an empty bucket of that name and returns the name. */
  String createBucket(String name) {
    store.createContainer(
        software.amazon.awssdk.services.s3.model.CreateBucketRequest.builder()
            .bucket(name)
            .build());
    return name;
  }

  /** The objstore YAML of {@code bucket} on this server, as the deployment guide writes it. */
  String yaml(String bucket) {
    return """
        type: S3
        config:
          bucket: %s
          endpoint: %s
          access_key: %s
          secret_key: %s
          insecure: true
        """
        .formatted(bucket, endpoint(), ACCESS_KEY, SECRET_KEY);
  }

  /** A client of {@code bucket}, to look at what was uploaded. The caller closes it. */
  S3Bucket open(String bucket) throws Exception {
    return S3Bucket.open(
        S3Config.builder(bucket, endpoint())
            .insecure(true)
            .credentials(ACCESS_KEY, SECRET_KEY, "")
            .build());
  }

  /** The {@code bucket/key} of every whole-object PUT so far, in order. */
  List<String> puts() {
    synchronized (puts) {
      return List.copyOf(puts);
    }
  }

  /**
   * Holds the next PUT whose key matches until {@link #releaseHeld}; returns a latch that opens
   * when it arrives.
   */
  CountDownLatch holdNextPut(Predicate<String> key) {
    held = new CountDownLatch(1);
    release = new CountDownLatch(1);
    hold = key;
    return held;
  }

  /**
   * Makes every {@code n}-th PUT fail with 500 Internal Error (0: none) and every PUT take {@code
   * delayMs} longer.
   */
  void faults(int n, long delayMs) {
    failEveryNthPut = n;
    putDelayMs = delayMs;
  }

  /** Lets a held PUT go on. */
  void releaseHeld() {
    release.countDown();
  }

  @Override
  public void close() throws Exception {
    releaseHeld();
    stop();
  }
}
