// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.receiver.store.InvalidStoreRequestException;

/** The one place that maps StoreAPI failures to gRPC status codes. */
final class StoreStatus {
  private StoreStatus() {}

  /**
   * {@code InvalidArgument} for a bad request (with its message), {@code Internal} for anything
   * else (a defect or a storage failure; the message is kept, the client sees no stack trace).
   */
  static StatusRuntimeException of(Throwable t) {
    if (t instanceof StatusRuntimeException s) {
      return s;
    }
    if (t instanceof InvalidStoreRequestException) {
      return Status.INVALID_ARGUMENT.withDescription(t.getMessage()).asRuntimeException();
    }
    return Status.INTERNAL
        .withDescription(t.getClass().getSimpleName() + ": " + t.getMessage())
        .withCause(t)
        .asRuntimeException();
  }
}
