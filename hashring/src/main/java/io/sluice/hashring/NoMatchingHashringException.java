// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

/**
 * No ring of the hashring file serves the tenant and there is no default ring. Message as Thanos':
 * {@code no matching hashring to handle tenant}.
 */
public final class NoMatchingHashringException extends HashringException {
  private static final long serialVersionUID = 1L;

  private final String tenant;

  /**
   * @param tenant the tenant that matched no ring
   */
  public NoMatchingHashringException(String tenant) {
    super("no matching hashring to handle tenant", null, false);
    this.tenant = tenant;
  }

  /** {@return the tenant that matched no ring} */
  public String tenant() {
    return tenant;
  }
}
