// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.tenant;

import java.io.IOException;

/** A tenant name that cannot be used, because it could escape its directory. Answered with 400. */
public final class InvalidTenantException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String tenant;

  /**
   * @param tenant the rejected tenant name (may be null); kept out of the message because it may
   *     contain control characters
   */
  public InvalidTenantException(String tenant) {
    super("tenant name not valid");
    this.tenant = tenant;
  }

  /** {@return the rejected tenant name, possibly null} */
  public String tenant() {
    return tenant;
  }

  /** {@return 400, as Thanos receive answers} */
  public int httpStatus() {
    return 400;
  }
}
