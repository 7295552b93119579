// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

/**
 * Where a decoded write request goes: the one seam the HTTP handler, the gRPC {@code RemoteWrite}
 * service and the replicator speak. {@link LocalWriter} writes into this process' TSDBs; the
 * replicator splits a request over the hashring and calls a {@code Writer} per endpoint.
 *
 * <p>A call may block (WAL fsync, peers): callers run it off event loops. The request, its batch
 * and the outcome belong to the caller and are not retained after the call returns. Implementations
 * are thread-safe.
 */
public interface Writer {
  /**
   * Writes the series {@code request} names, recording per-series results and counts in {@code
   * outcome} (which the caller has {@link WriteOutcome#reset(int) reset} for this request). Never
   * throws for bad data or unavailable storage: those are outcomes.
   */
  void write(WriteRequest request, WriteOutcome outcome);
}
