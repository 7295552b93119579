// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import java.io.IOException;

/**
 * The hashring file cannot be used: it cannot be read, is not a valid hashring JSON document, or
 * holds no ring. Messages are Thanos': {@code failed to read configuration file: ...}, {@code
 * failed to parse configuration file: ...: configuration file is not parsable}, {@code failed to
 * load configuration file, path: ...: configuration file is empty}.
 */
public final class HashringConfigException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the file was rejected. */
  public enum Kind {
    /** Reading the file failed. */
    READ,
    /**
     * The content is not JSON, or not a hashring array (wrong types, an endpoint without address).
     */
    PARSE,
    /** The content is {@code []} or {@code null}. */
    EMPTY
  }

  private final Kind kind;

  /**
   * @param kind why the file was rejected
   * @param message Thanos' message
   * @param cause the underlying error, or null
   */
  public HashringConfigException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** {@return why the file was rejected} */
  public Kind kind() {
    return kind;
  }
}
