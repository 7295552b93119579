// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import java.io.IOException;

/**
 * A remote-write request that cannot be decoded. Each subclass names one reason and the HTTP status
 * a Thanos receiver answers for it, so the server maps exceptions to responses without knowing the
 * subclasses.
 */
public abstract class RemoteWriteDecodeException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message a human-readable reason, sent back to the client as the response body
   */
  protected RemoteWriteDecodeException(String message) {
    super(message);
  }

  /**
   * @param message a human-readable reason, sent back to the client as the response body
   * @param cause the low-level failure
   */
  protected RemoteWriteDecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The HTTP status a Thanos receiver returns for this failure.
   *
   * @return 400 or 413
   */
  public abstract int httpStatus();
}
