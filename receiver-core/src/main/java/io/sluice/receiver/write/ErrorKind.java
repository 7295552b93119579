// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

/**
 * The classes Thanos sorts write errors into (reference {@code thanos-receive.md} §4.3), which
 * decide quorum and the status an agent or a peer gets ({@link WriteStatus}).
 */
public enum ErrorKind {
  /**
   * Data that can never be written: duplicate, out-of-order, out-of-bounds or too old samples,
   * out-of-order exemplars or exemplar labels over 128 runes, invalid label sets, gRPC {@code
   * AlreadyExists}. Not retried (409).
   */
  CONFLICT,
  /** The receiver (or a peer) is not ready yet, or gRPC {@code Unavailable}. Retryable (503). */
  NOT_READY,
  /** A peer cannot be reached or is backed off, or gRPC {@code Unavailable}. Retryable (503). */
  UNAVAILABLE,
  /** Anything else: storage failures, gRPC {@code Internal}, deadlines. */
  GENERIC,
  /** The request's replica is above the replication factor (400, gRPC InvalidArgument). */
  BAD_REPLICA,
  /** The value of {@code --receive.split-tenant-label-name} is not a valid tenant (400). */
  INVALID_TENANT_LABEL;

  /**
   * Which of several errors decides a request, as Thanos' {@code writeErrors.Cause}: unavailable,
   * then not ready, then conflict, then the rest (higher wins; 0 for null, success).
   */
  public static int precedence(ErrorKind k) {
    if (k == null) {
      return 0;
    }
    return switch (k) {
      case UNAVAILABLE -> 6;
      case NOT_READY -> 5;
      case CONFLICT -> 4;
      case BAD_REPLICA -> 3;
      case INVALID_TENANT_LABEL -> 2;
      case GENERIC -> 1;
    };
  }
}
