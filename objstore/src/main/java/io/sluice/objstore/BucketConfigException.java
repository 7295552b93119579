// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.io.IOException;

/**
 * An objstore configuration cannot be used: it is not valid YAML, has an unknown key, a value of
 * the wrong type, misses a required key, refers to an unset environment variable, or asks for
 * something Sluice does not support. The message names the key by its path, e.g. {@code
 * config.http_config.foo}.
 */
public final class BucketConfigException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, naming the key
   */
  public BucketConfigException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the key
   * @param cause the parser's exception
   */
  public BucketConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
