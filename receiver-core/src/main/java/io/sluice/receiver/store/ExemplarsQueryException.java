// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

/**
 * An Exemplars call that fails as Thanos' fails it ({@code pkg/exemplars/multitsdb.go}): the query
 * is not valid PromQL (gRPC {@code Internal}, with the parse error), or a tenant cannot answer,
 * such as one whose selectors hold only matchers on its external labels (gRPC {@code Aborted}, "get
 * exemplars for tenant X: ...").
 */
public final class ExemplarsQueryException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Which gRPC code Thanos gives the failure. */
  public enum Kind {
    /** The query does not parse: {@code Internal}. */
    INVALID_QUERY,
    /** A tenant failed: {@code Aborted}. */
    TENANT_FAILED
  }

  private final Kind kind;

  ExemplarsQueryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** {@return which gRPC code the failure maps to} */
  public Kind kind() {
    return kind;
  }
}
