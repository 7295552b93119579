// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.ObjectAttributes;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Upload throughput of one large object (a block's chunk segment or index) from a file to S3Proxy
 * in this JVM through {@link S3Bucket}: multipart with Thanos' 64 MiB parts, four at a time. Not a
 * test (no timing is asserted anywhere); run it with the objstore test classpath:
 *
 * <pre>{@code
 * ./mvnw -q -pl objstore dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx4g -cp objstore/target/test-classes:objstore/target/classes:$(cat /tmp/cp.txt) \
 *     io.sluice.objstore.s3.S3UploadThroughput 1024
 * }</pre>
 *
 * <p>Prints MB/s for three uploads of a file of the given size in MiB (512 by default), after
 * checking each object's size.
 */
public final class S3UploadThroughput {
  private S3UploadThroughput() {}

  /**
   * Runs the measurement.
   *
   * @param args file size in MiB (512)
   */
  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    Path file = Files.createTempFile("sluice-upload", ".bin");
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buf = new byte[1 << 20];
      SplittableRandom rnd = new SplittableRandom(1);
      for (int i = 0; i < mib; i++) {
        for (int j = 0; j < buf.length; j += 8) {
          long v = rnd.nextLong();
          for (int k = 0; k < 8; k++) {
            buf[j + k] = (byte) (v >>> (8 * k));
          }
        }
        out.write(buf);
      }
    }
    try (S3ProxyServer server = S3ProxyServer.start();
        Bucket bucket = S3Bucket.open(server.config(server.createBucket()).build())) {
      for (int run = 0; run < 3; run++) {
        String name = "01BLOCK" + run + "/chunks/000001";
        long start = System.nanoTime();
        bucket.upload(name, file);
        double sec = (System.nanoTime() - start) / 1e9;
        ObjectAttributes a = bucket.attributes(name);
        if (a.size() != Files.size(file)) {
          throw new IllegalStateException("uploaded " + a.size() + " of " + Files.size(file));
        }
        try (InputStream in = bucket.getRange(name, a.size() - 8, 8)) {
          if (in.readAllBytes().length != 8) {
            throw new IllegalStateException("short read of the uploaded object's tail");
          }
        }
        System.out.printf(
            "upload of %d MiB: %.2f s, %.0f MB/s%n", mib, sec, Files.size(file) / 1e6 / sec);
        bucket.delete(name);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
