// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

import java.io.IOException;

/**
 * A limits configuration cannot be used: it is not valid YAML, has an unknown key, a value of the
 * wrong type or out of range, or a meta-monitoring URL without scheme or host. The message names
 * the key by its path, e.g. {@code write.tenants.acme.request.series_limit}.
 */
public final class LimitsConfigException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, naming the key
   */
  public LimitsConfigException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the key
   * @param cause the parser's exception
   */
  public LimitsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
