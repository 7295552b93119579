// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import java.io.IOException;

/**
 * Sends remote-write requests one at a time over one connection, with the headers of {@link
 * LoadConfig#protocol()} and {@link LoadConfig#tenant()}. Not thread-safe: one per shard. The
 * caller closes it.
 */
public sealed interface RequestSender extends AutoCloseable permits NettySender, JdkSender {

  /** Header with which remote-write 2.0 receivers confirm how many samples they wrote. */
  String SAMPLES_WRITTEN_HEADER = "X-Prometheus-Remote-Write-Samples-Written";

  /** Value of the {@code User-Agent} header. */
  String USER_AGENT = "rwload/0.1";

  /**
   * What the receiver answered.
   *
   * @param status the HTTP status code
   * @param samplesWritten the value of {@value #SAMPLES_WRITTEN_HEADER}, or -1 if absent or not a
   *     number
   */
  record Response(int status, long samplesWritten) {}

  /**
   * Posts one body and waits for the answer (at most the configured timeout).
   *
   * @param body the snappy-compressed request
   * @return the status and the samples-written header
   * @throws IOException if no HTTP answer came: connection refused or reset, timeout
   * @throws InterruptedException if the thread was interrupted while waiting
   */
  Response send(EncodedLoad.Body body) throws IOException, InterruptedException;

  /** Closes the connection. */
  @Override
  void close();

  /** Parses a header value as a non-negative count, or returns -1. */
  static long parseCount(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
