// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.metrics;

import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.Writer;

/**
 * The local writer, counting what it appended into {@code
 * prometheus_tsdb_head_samples_appended_total{tenant,type="float"}}: one counter update per write
 * (a request's share of one tenant, from remote write, a peer or the local replica), from the
 * outcome's appended count, so nothing is counted per sample. Thread-safe if the delegate is.
 */
public final class SamplesAppendedWriter implements Writer {
  private final Writer delegate;
  private final ReceiveMetrics metrics;

  /**
   * @param delegate the writer into this process' heads
   * @param metrics where the counts go
   */
  public SamplesAppendedWriter(Writer delegate, ReceiveMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public void write(WriteRequest request, WriteOutcome outcome) {
    long before = outcome.appended();
    delegate.write(request, outcome);
    metrics.samplesAppended(request.tenant(), outcome.appended() - before);
  }
}
