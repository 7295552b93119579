// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

/**
 * The body is not a valid snappy <em>block</em> (the framed format included). Thanos answers 400
 * "snappy decode error".
 */
public final class SnappyDecodeException extends RemoteWriteDecodeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param detail what was wrong; the message becomes {@code "snappy decode error: " + detail}
   */
  public SnappyDecodeException(String detail) {
    super("snappy decode error: " + detail);
  }

  /**
   * @param detail what was wrong; the message becomes {@code "snappy decode error: " + detail}
   * @param cause the decompressor's failure
   */
  public SnappyDecodeException(String detail, Throwable cause) {
    super("snappy decode error: " + detail, cause);
  }

  /** {@return 400} */
  @Override
  public int httpStatus() {
    return 400;
  }
}
