// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.sluice.receiver.proto.thanos.info.InfoGrpc;
import io.sluice.receiver.proto.thanos.info.InfoRpc.InfoRequest;
import io.sluice.receiver.proto.thanos.info.InfoRpc.InfoResponse;
import io.sluice.receiver.store.MultiTenantStore;
import java.util.function.BooleanSupplier;

/**
 * {@code thanos.info.Info/Info}: what the receiver serves ({@link MultiTenantStore#info()}); fails
 * with {@code Unavailable} "Not ready" while the receiver is not ready, so queriers leave it out.
 */
final class InfoService extends InfoGrpc.InfoImplBase {
  private final MultiTenantStore store;
  private final BooleanSupplier ready;

  InfoService(MultiTenantStore store, BooleanSupplier ready) {
    this.store = store;
    this.ready = ready;
  }

  @Override
  public void info(InfoRequest request, StreamObserver<InfoResponse> observer) {
    if (!ready.getAsBoolean()) {
      observer.onError(Status.UNAVAILABLE.withDescription("Not ready").asRuntimeException());
      return;
    }
    InfoResponse r;
    try {
      r = store.info();
    } catch (RuntimeException e) {
      observer.onError(StoreStatus.of(e));
      return;
    }
    observer.onNext(r);
    observer.onCompleted();
  }
}
