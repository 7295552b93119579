// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

/**
 * The snappy header declares a decoded length above the configured limit. Thrown before anything is
 * allocated for the body. Thanos answers 413.
 */
public final class DecodedBodyTooLargeException extends RemoteWriteDecodeException {
  private static final long serialVersionUID = 1L;

  private final long declaredBytes;
  private final int limitBytes;

  /**
   * @param declaredBytes the decoded length the snappy header declares, in bytes
   * @param limitBytes the configured limit, in bytes
   */
  public DecodedBodyTooLargeException(long declaredBytes, int limitBytes) {
    super(
        "write request too large: decoded body of "
            + declaredBytes
            + " bytes exceeds the limit of "
            + limitBytes
            + " bytes");
    this.declaredBytes = declaredBytes;
    this.limitBytes = limitBytes;
  }

  /** {@return the decoded length the snappy header declares, in bytes} */
  public long declaredBytes() {
    return declaredBytes;
  }

  /** {@return the configured limit, in bytes} */
  public int limitBytes() {
    return limitBytes;
  }

  /** {@return 413} */
  @Override
  public int httpStatus() {
    return 413;
  }
}
