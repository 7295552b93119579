// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

/**
 * S3Proxy (in-memory blob store, SigV4) as a stand-alone process for manual measurements, e.g. a
 * Sluice process shipping to it while a load runs. Prints the objstore YAML to use and serves until
 * killed. Run it with the objstore test classpath (see {@link S3UploadThroughput}).
 */
public final class S3ProxyMain {
  private S3ProxyMain() {}

  /** Starts the server and waits. */
  public static void main(String[] args) throws Exception {
    S3ProxyServer server = S3ProxyServer.start();
    String bucket = server.createBucket();
    System.out.printf(
        "type: S3%nconfig:%n  bucket: %s%n  endpoint: %s%n  access_key: %s%n  secret_key: %s%n"
            + "  insecure: true%n",
        bucket, server.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    System.out.flush();
    Thread.currentThread().join();
  }
}
