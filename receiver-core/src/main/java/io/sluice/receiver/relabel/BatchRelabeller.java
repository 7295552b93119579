// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import io.sluice.receiver.decode.LabelRewriter;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.write.WriteRequest;
import java.util.Objects;

/**
 * Relabels a decoded request, as Thanos receive relabels an incoming remote-write request before it
 * places and writes it: every series goes through the {@link Relabeller}; dropped ones are left out
 * of the request; kept ones whose labels changed get their new labels in the batch (through a
 * {@link LabelRewriter}: labels taken over keep their bytes in the body, new ones are encoded
 * once), so that hashing, validation, storage and forwarding all see the relabelled labels. Series
 * whose labels did not change are not touched and are still forwarded as their raw bytes.
 *
 * <p>Not thread-safe: one per request context. Allocation per series is the strings the rules need
 * (values they read, values they make); buffers are kept across requests.
 */
public final class BatchRelabeller {
  private final Relabeller relabeller;
  private final LabelsBuilder builder = new LabelsBuilder();
  private final LabelRewriter rewriter = new LabelRewriter();

  /** A relabeller of requests by {@code relabeller}'s rules. */
  public BatchRelabeller(Relabeller relabeller) {
    this.relabeller = Objects.requireNonNull(relabeller, "relabeller");
  }

  /**
   * Relabels every series of {@code batch} and adds the kept ones to {@code request}, in order,
   * with placement hash 0. Labels of kept series that changed are replaced in {@code batch}.
   *
   * @param request a request already {@link WriteRequest#reset reset} over {@code batch}
   * @return the number of series kept
   */
  public int relabel(WriteBatch batch, WriteRequest request) {
    rewriter.begin(batch);
    int kept = 0;
    for (int s = 0, n = batch.seriesCount(); s < n; s++) {
      builder.reset(batch, s);
      if (!relabeller.process(builder)) {
        continue;
      }
      request.add(s, 0);
      kept++;
      if (!builder.finish()) {
        continue;
      }
      rewriter.startSeries(s);
      for (int i = 0, m = builder.outputCount(); i < m; i++) {
        int base = builder.outputBaseIndex(i);
        if (base >= 0) {
          rewriter.addOriginalLabel(base);
        } else {
          rewriter.addLabel(builder.outputName(i), builder.outputValue(i));
        }
      }
      rewriter.endSeries();
    }
    rewriter.commit();
    return kept;
  }
}
