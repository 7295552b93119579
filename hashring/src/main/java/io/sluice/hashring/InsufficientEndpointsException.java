// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

/**
 * Replica {@code n} was asked of a ring with {@code n} or fewer endpoints. Message as Thanos':
 * {@code insufficient nodes; have 1, want 2}.
 */
public final class InsufficientEndpointsException extends HashringException {
  private static final long serialVersionUID = 1L;

  private final long have;
  private final long want;

  /**
   * @param have the ring's number of endpoints
   * @param want the number of endpoints the request needs (replica index + 1)
   */
  public InsufficientEndpointsException(long have, long want) {
    super("insufficient nodes; have " + have + ", want " + want, null, false);
    this.have = have;
    this.want = want;
  }

  /** {@return the ring's number of endpoints} */
  public long have() {
    return have;
  }

  /** {@return the number of endpoints the request needed} */
  public long want() {
    return want;
  }
}
