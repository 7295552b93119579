// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

/**
 * The decompressed body is not a valid protobuf message of the negotiated version: truncated,
 * garbage, a known field with the wrong wire type, an odd {@code labels_refs} length or a symbol
 * reference outside of the symbols table. Thanos answers 400.
 */
public final class ProtobufDecodeException extends RemoteWriteDecodeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param detail what was wrong; the message becomes {@code "protobuf decode error: " + detail}
   */
  public ProtobufDecodeException(String detail) {
    super("protobuf decode error: " + detail);
  }

  /**
   * @param detail what was wrong; the message becomes {@code "protobuf decode error: " + detail}
   * @param cause the protobuf reader's failure
   */
  public ProtobufDecodeException(String detail, Throwable cause) {
    super("protobuf decode error: " + detail, cause);
  }

  /** {@return 400} */
  @Override
  public int httpStatus() {
    return 400;
  }
}
