// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

/**
 * A remote-write 2.0 request (version header {@code 2.0.0}) whose {@code Content-Type} is missing
 * or not one of the three accepted values. Thanos answers 400 (never 415).
 */
public final class UnsupportedContentTypeException extends RemoteWriteDecodeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message the reason, naming the offending header value
   */
  public UnsupportedContentTypeException(String message) {
    super(message);
  }

  /** {@return 400} */
  @Override
  public int httpStatus() {
    return 400;
  }
}
