// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.jmh;

import io.sluice.receiver.decode.RemoteWriteVersion;

/**
 * Prints the shape of the benchmark requests quoted in {@code JMH.md}: labels per series, series
 * key length, and the uncompressed and snappy-compressed size of the 5,000-sample requests of both
 * remote-write versions.
 *
 * <p>Run: {@code java -cp sluice-bench.jar io.sluice.bench.jmh.RequestStats}.
 */
public final class RequestStats {
  private static final int SERIES = 100_000;
  private static final int SAMPLES = 5_000;

  private RequestStats() {}

  /**
   * Prints the statistics.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    BenchSeries s = BenchSeries.generate(SERIES);
    long labels = 0;
    long keyBytes = 0;
    int minLabels = Integer.MAX_VALUE;
    int maxLabels = 0;
    for (int i = 0; i < s.size(); i++) {
      int n = s.labels(i).size();
      labels += n;
      minLabels = Math.min(minLabels, n);
      maxLabels = Math.max(maxLabels, n);
      keyBytes += s.key(i).length;
    }
    System.out.printf(
        "labels per series: avg %.2f, min %d, max %d; series key: avg %.1f B%n",
        (double) labels / SERIES, minLabels, maxLabels, (double) keyBytes / SERIES);
    int requests = SERIES / SAMPLES;
    for (RemoteWriteVersion v : RemoteWriteVersion.values()) {
      long uncompressed = 0;
      long compressed = 0;
      for (int r = 0; r < requests; r++) {
        byte[] protobuf = RemoteWriteBodies.encode(v, s, r * SAMPLES, SAMPLES, 0);
        uncompressed += protobuf.length;
        compressed += RemoteWriteBodies.snappy(protobuf).length;
      }
      System.out.printf(
          "%s request: %d B uncompressed (%.1f B/sample), %d B compressed (%.1f B/sample)%n",
          v,
          uncompressed / requests,
          (double) uncompressed / requests / SAMPLES,
          compressed / requests,
          (double) compressed / requests / SAMPLES);
    }
  }
}
