// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.validate.LabelValidator.LabelError;
import io.sluice.tsdb.exemplar.ExemplarResult;
import io.sluice.tsdb.head.AppendResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one place that maps the result of a write to the HTTP status and the gRPC code Thanos would
 * return (reference {@code thanos-receive.md} §4.4), so agents and peers retry exactly what they
 * would retry against Thanos: not ready and unavailable are retryable (503, {@code Unavailable}),
 * data that can never be written is a conflict (409, {@code AlreadyExists}, not retried), a bad
 * replica is 400 ({@code InvalidArgument}), an invalid split-tenant label value 400 ({@code
 * Internal}), anything else 500 ({@code Internal}), success 200 ({@code OK}). A pure function.
 *
 * <p>A lone storage failure at replication factor 1 is <em>generic</em> here (500); Thanos' quorum
 * turns a generic error that reaches the success threshold into <em>unavailable</em> (503), which
 * is the replicator's decision, not this mapping's.
 *
 * @param httpStatus 200, 400, 409, 500 or 503
 * @param grpcCode the gRPC status name Thanos' {@code RemoteWrite} server would use
 * @param message empty on success; otherwise Thanos-style text, reasons sorted, counted when >1
 */
public record WriteStatus(int httpStatus, String grpcCode, String message) {
  private static final WriteStatus OK = new WriteStatus(200, "OK", "");

  /** {@return the status of a successful write} */
  public static WriteStatus ok() {
    return OK;
  }

  /** Maps an error class (null: success) and its message. */
  public static WriteStatus of(ErrorKind kind, String message) {
    if (kind == null) {
      return OK;
    }
    return switch (kind) {
      case NOT_READY, UNAVAILABLE -> new WriteStatus(503, "Unavailable", message);
      case CONFLICT -> new WriteStatus(409, "AlreadyExists", message);
      case BAD_REPLICA -> new WriteStatus(400, "InvalidArgument", message);
      case INVALID_TENANT_LABEL -> new WriteStatus(400, "Internal", message);
      case GENERIC -> new WriteStatus(500, "Internal", message);
    };
  }

  /** Maps an outcome's error class and message. */
  public static WriteStatus of(WriteOutcome o) {
    return of(o.errorKind(), o.errorMessage());
  }

  /**
   * Thanos' text for the conflicts of an outcome: "add N samples: reason", "add N exemplars: out of
   * order exemplar", sorted, counted.
   */
  static String conflictMessage(WriteOutcome o) {
    List<String> reasons = new ArrayList<>();
    for (AppendResult r : AppendResult.values()) {
      if (r != AppendResult.OK && r != AppendResult.TOO_FAR_IN_FUTURE && o.rejected(r) > 0) {
        long n = o.rejected(r);
        if (r == AppendResult.OUT_OF_BOUNDS) {
          n += o.rejected(AppendResult.TOO_FAR_IN_FUTURE);
        }
        reasons.add("add " + n + " samples: " + reason(r));
      }
    }
    if (o.rejected(AppendResult.OUT_OF_BOUNDS) == 0
        && o.rejected(AppendResult.TOO_FAR_IN_FUTURE) > 0) {
      reasons.add(
          "add " + o.rejected(AppendResult.TOO_FAR_IN_FUTURE) + " samples: " + "out of bounds");
    }
    for (LabelError e : LabelError.values()) {
      if (e != LabelError.NONE && o.invalidSeries(e) > 0) {
        reasons.add("add " + o.invalidSeries(e) + " series: " + e.message());
      }
    }
    for (ExemplarResult r : ExemplarResult.values()) {
      if (r.isError() && o.exemplars(r) > 0) {
        reasons.add("add " + o.exemplars(r) + " exemplars: " + r.message());
      }
    }
    return join(reasons);
  }

  /** Go-style error list: one reason as is, several deduplicated, sorted, "N errors: a; b". */
  public static String join(List<String> reasons) {
    List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(reasons));
    Collections.sort(sorted);
    return sorted.size() == 1
        ? sorted.get(0)
        : sorted.size() + " errors: " + String.join("; ", sorted);
  }

  private static String reason(AppendResult r) {
    return switch (r) {
      case DUPLICATE_SAMPLE -> "duplicate sample for timestamp";
      case OUT_OF_ORDER -> "out of order sample";
      case OUT_OF_BOUNDS, TOO_FAR_IN_FUTURE -> "out of bounds";
      case TOO_OLD -> "too old sample";
      case OK -> "ok";
    };
  }
}
