// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import io.sluice.receiver.decode.RemoteWriteDecodeException;

/**
 * An OTLP request body that cannot be decoded, or whose content type or encoding is not supported:
 * Thanos answers 400 for all of these.
 */
public final class OtlpDecodeException extends RemoteWriteDecodeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was wrong, sent back as the response body
   */
  public OtlpDecodeException(String message) {
    super(message);
  }

  /**
   * @param message what was wrong, sent back as the response body
   * @param cause the low-level failure
   */
  public OtlpDecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
