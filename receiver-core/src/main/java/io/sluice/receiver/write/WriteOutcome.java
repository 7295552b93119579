// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.validate.LabelValidator.LabelError;
import io.sluice.tsdb.exemplar.ExemplarResult;
import io.sluice.tsdb.head.AppendResult;

/**
 * What happened to one write request: counts per outcome, never exceptions per sample, the error
 * class of each of the request's series ({@link #seriesError}), and the request's error class and
 * message ({@link #errorKind()}, {@link #errorMessage()}).
 *
 * <p>Mutable and reusable: one instance per request context, {@link #reset(int)} per request. Not
 * thread-safe.
 */
public final class WriteOutcome {
  private static final ErrorKind[] KINDS = ErrorKind.values();

  private long appended;
  private final long[] rejected = new long[AppendResult.values().length];
  private final long[] invalidSeries = new long[LabelError.values().length];
  private long invalidSeriesSamples;
  private long histogramsAppended;
  private long histogramsDropped;
  private final long[] exemplars = new long[ExemplarResult.values().length];
  private Exception failure;
  private byte[] seriesErrors = new byte[64];
  private int seriesCount;
  private ErrorKind errorKind;
  private String errorMessage;

  /** Clears all counts, for a request of {@code seriesCount} series. */
  public void reset(int seriesCount) {
    reset();
    if (seriesErrors.length < seriesCount) {
      seriesErrors = new byte[Math.max(seriesCount, seriesErrors.length * 2)];
    }
    this.seriesCount = seriesCount;
  }

  /** Clears all counts and errors, keeping the series count. */
  public void reset() {
    java.util.Arrays.fill(seriesErrors, 0, seriesCount, (byte) 0);
    errorKind = null;
    errorMessage = null;
    appended = 0;
    java.util.Arrays.fill(rejected, 0);
    java.util.Arrays.fill(invalidSeries, 0);
    invalidSeriesSamples = 0;
    histogramsAppended = 0;
    histogramsDropped = 0;
    java.util.Arrays.fill(exemplars, 0);
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

  /**
   * Counts one native histogram's append result; a rejection counts as a float sample's does (the
   * same conflict reasons, as in Thanos).
   */
  public void histogram(AppendResult r) {
    if (r == AppendResult.OK) {
      histogramsAppended++;
    } else {
      rejected[r.ordinal()]++;
    }
  }

  /** Counts a native histogram dropped as undecodable or invalid (not a conflict, as in Thanos). */
  public void histogramDropped() {
    histogramsDropped++;
  }

  /** Counts one exemplar's result (duplicates and a disabled storage are no errors). */
  public void exemplar(ExemplarResult r) {
    exemplars[r.ordinal()]++;
  }

  /** Records an error that is not the data's fault (storage failure); the request is retryable. */
  public void failed(Exception e) {
    failure = e;
  }

  /**
   * Marks the request's {@code i}-th series as failed with {@code kind}; a later mark of the same
   * series replaces it.
   */
  public void seriesFailed(int i, ErrorKind kind) {
    java.util.Objects.checkIndex(i, seriesCount);
    seriesErrors[i] = (byte) (kind.ordinal() + 1);
  }

  /** {@return how the request's {@code i}-th series failed, or null if it did not} */
  public ErrorKind seriesError(int i) {
    int k = seriesErrors[java.util.Objects.checkIndex(i, seriesCount)];
    return k == 0 ? null : KINDS[k - 1];
  }

  /** {@return the number of series this outcome was reset for} */
  public int seriesCount() {
    return seriesCount;
  }

  /**
   * Sets the request's error class and message, overriding what the counts say (the replicator's
   * quorum decision, or a request-level error such as a bad replica).
   */
  public void error(ErrorKind kind, String message) {
    errorKind = java.util.Objects.requireNonNull(kind, "kind");
    errorMessage = java.util.Objects.requireNonNull(message, "message");
  }

  /**
   * The request's error class: the one set by {@link #error}, else {@link ErrorKind#GENERIC} for a
   * storage failure, else {@link ErrorKind#CONFLICT} when some data can never be written, else null
   * (success). This is the order of Thanos' local writer (§4.3: unavailable &gt; not ready &gt;
   * conflict &gt; generic, where a storage failure is the only non-conflict error it returns).
   */
  public ErrorKind errorKind() {
    if (errorKind != null) {
      return errorKind;
    }
    if (failure != null) {
      return ErrorKind.GENERIC;
    }
    return conflict() ? ErrorKind.CONFLICT : null;
  }

  /** The message of {@link #errorKind()}, Thanos-style; empty on success. */
  public String errorMessage() {
    if (errorKind != null) {
      return errorMessage;
    }
    if (failure != null) {
      return "write to tsdb: " + failure.getMessage();
    }
    return conflict() ? WriteStatus.conflictMessage(this) : "";
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

  /** Native histograms appended with result OK. */
  public long histogramsAppended() {
    return histogramsAppended;
  }

  /** Native histograms dropped as undecodable or invalid. */
  public long histogramsDropped() {
    return histogramsDropped;
  }

  /** Exemplars with result {@code r}. */
  public long exemplars(ExemplarResult r) {
    return exemplars[r.ordinal()];
  }

  /** Exemplars taken without an error: stored, duplicates, or dropped by a disabled storage. */
  public long exemplarsAppended() {
    long n = 0;
    for (ExemplarResult r : ExemplarResult.values()) {
      if (!r.isError()) {
        n += exemplars[r.ordinal()];
      }
    }
    return n;
  }

  /** The storage failure, or null. */
  public Exception failure() {
    return failure;
  }

  /** Whether some data of the request can never be written (Thanos: a conflict). */
  public boolean conflict() {
    if (invalidSeriesSamples > 0) {
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
    for (ExemplarResult r : ExemplarResult.values()) {
      if (r.isError() && exemplars[r.ordinal()] > 0) {
        return true;
      }
    }
    return false;
  }
}
