// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

/**
 * A glob ring's tenant pattern is malformed, found while matching a tenant against it. Message as
 * Thanos': {@code error matching tenant pattern a[ (tenant t): syntax error in pattern}.
 */
public final class InvalidTenantPatternException extends HashringException {
  private static final long serialVersionUID = 1L;

  /**
   * @param pattern the malformed pattern
   * @param tenant the tenant being matched
   */
  public InvalidTenantPatternException(String pattern, String tenant) {
    super(
        "error matching tenant pattern "
            + pattern
            + " (tenant "
            + tenant
            + "): syntax error in pattern");
  }
}
