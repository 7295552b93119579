// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.validate.LabelValidator.LabelError;
import io.sluice.tsdb.head.AppendResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one place that maps a {@link WriteOutcome} to the HTTP status and message Thanos would return
 * (reference {@code thanos-receive.md} §4.3–4.4), so agents retry exactly what they would retry
 * against Thanos: storage failures are retryable (503, as a generic error at replication factor 1),
 * data that can never be written is a conflict (409, not retried), success is 200.
 *
 * @param httpStatus 200, 409 or 503
 * @param grpcCode the gRPC status name Thanos' {@code RemoteWrite} server would use
 * @param message empty on success; otherwise Thanos-style text, reasons sorted, counted when >1
 */
public record WriteStatus(int httpStatus, String grpcCode, String message) {
  private static final WriteStatus OK = new WriteStatus(200, "OK", "");

  /** Maps an outcome. */
  public static WriteStatus of(WriteOutcome o) {
    if (o.failure() != null) {
      return new WriteStatus(503, "Unavailable", "write to tsdb: " + o.failure().getMessage());
    }
    if (!o.conflict()) {
      return OK;
    }
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
    if (o.histogramsRejected() > 0) {
      reasons.add(
          "add " + o.histogramsRejected() + " histograms: native histograms are not supported");
    }
    Collections.sort(reasons);
    String msg =
        reasons.size() == 1
            ? reasons.get(0)
            : reasons.size() + " errors: " + String.join("; ", reasons);
    return new WriteStatus(409, "AlreadyExists", msg);
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
