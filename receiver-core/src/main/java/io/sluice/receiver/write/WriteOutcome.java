// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.validate.LabelValidator.LabelError;
import io.sluice.tsdb.head.AppendResult;

/**
 * What happened to one write request: counts per outcome, never exceptions per sample.
 *
 * <p>Mutable and reusable: one instance per writing thread, {@link #reset()} per request. Not
 * thread-safe.
 */
public final class WriteOutcome {
  private long appended;
  private final long[] rejected = new long[AppendResult.values().length];
  private final long[] invalidSeries = new long[LabelError.values().length];
  private long invalidSeriesSamples;
  private long histogramsRejected;
  private Exception failure;

  /** Clears all counts. */
  public void reset() {
    appended = 0;
    java.util.Arrays.fill(rejected, 0);
    java.util.Arrays.fill(invalidSeries, 0);
    invalidSeriesSamples = 0;
    histogramsRejected = 0;
    failure = null;
  }

  /** Counts one sample's append result. */
  public void sample(AppendResult r) {
    if (r == AppendResult.OK) {
      appended++;
    } else {
      rejected[r.ordinal()]++;
    }
  }

  /** Counts a series skipped for its labels, with its samples. */
  public void invalidSeries(LabelError e, int samples) {
    invalidSeries[e.ordinal()]++;
    invalidSeriesSamples += samples;
  }

  /** Counts native histogram samples that the head cannot store yet. */
  public void histogramsRejected(int n) {
    histogramsRejected += n;
  }

  /** Records an error that is not the data's fault (storage failure); the request is retryable. */
  public void failed(Exception e) {
    failure = e;
  }

  /** Float samples stored (or already present with the same value). */
  public long appended() {
    return appended;
  }

  /** Samples rejected with {@code r}. */
  public long rejected(AppendResult r) {
    return rejected[r.ordinal()];
  }

  /** Series rejected with {@code e}. */
  public long invalidSeries(LabelError e) {
    return invalidSeries[e.ordinal()];
  }

  /** Samples of series rejected for their labels. */
  public long invalidSeriesSamples() {
    return invalidSeriesSamples;
  }

  /** Native histogram samples rejected. */
  public long histogramsRejected() {
    return histogramsRejected;
  }

  /** The storage failure, or null. */
  public Exception failure() {
    return failure;
  }

  /** Whether some data of the request can never be written (Thanos: a conflict). */
  public boolean conflict() {
    if (invalidSeriesSamples > 0 || histogramsRejected > 0) {
      return true;
    }
    for (long n : invalidSeries) {
      if (n > 0) {
        return true;
      }
    }
    for (long n : rejected) {
      if (n > 0) {
        return true;
      }
    }
    return false;
  }
}
