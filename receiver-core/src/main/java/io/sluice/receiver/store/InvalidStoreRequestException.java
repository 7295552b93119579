// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

/**
 * A StoreAPI request that cannot be answered as asked: an invalid matcher or regex, an unknown enum
 * value, an empty label name, {@code min_time > max_time}, or no matcher left once the external
 * labels are taken out. Maps to gRPC {@code InvalidArgument}; the message names what was wrong.
 */
public final class InvalidStoreRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the offending part of the request. */
  public InvalidStoreRequestException(String message) {
    super(message);
  }

  /** Creates the exception with a message and its cause. */
  public InvalidStoreRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
