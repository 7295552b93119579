// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import io.sluice.receiver.write.WriteRequest;
import java.util.Collection;

/**
 * The other receivers of the ring, as the replicator reaches them: {@code
 * thanos.WriteableStore/RemoteWrite} over gRPC in production, something a test can aim in tests.
 *
 * <p>Thread-safe; calls for different endpoints and for the same endpoint run concurrently.
 */
public interface Peers extends AutoCloseable {
  /**
   * Forwards the series of {@code request} (its tenant, its {@link WriteRequest#replica()} as the
   * wire replica number) to {@code address} and waits for the answer.
   *
   * @param address the endpoint's gRPC address, {@code host:port}
   * @param deadlineNanos a {@link System#nanoTime()} deadline for the call
   * @return null when the peer wrote the series, else why not
   */
  PeerFailure forward(String address, WriteRequest request, long deadlineNanos);

  /** Closes connections to endpoints not in {@code addresses} (after a hashring change). */
  void retainOnly(Collection<String> addresses);

  /** Closes every connection. */
  @Override
  void close();
}
