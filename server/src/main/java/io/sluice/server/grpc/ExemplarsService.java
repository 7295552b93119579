// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.sluice.receiver.proto.thanos.ExemplarsGrpc;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarsRequest;
import io.sluice.receiver.proto.thanos.ExemplarsRpc.ExemplarsResponse;
import io.sluice.receiver.store.ExemplarsQueryException;
import io.sluice.receiver.store.MultiTenantExemplars;
import java.util.Objects;

/**
 * {@code thanos.Exemplars/Exemplars} over all tenants ({@link MultiTenantExemplars}), with the
 * status codes of Thanos' receiver: {@code Internal} with the parse error for a query that is not
 * PromQL, {@code Aborted} when a tenant fails. A call's responses are at most the exemplars stored
 * ({@code --tsdb.max-exemplars} per tenant), so they are sent as they are built.
 */
final class ExemplarsService extends ExemplarsGrpc.ExemplarsImplBase {
  private final MultiTenantExemplars exemplars;

  ExemplarsService(MultiTenantExemplars exemplars) {
    this.exemplars = Objects.requireNonNull(exemplars, "exemplars");
  }

  @Override
  public void exemplars(ExemplarsRequest request, StreamObserver<ExemplarsResponse> observer) {
    try {
      exemplars.exemplars(request, observer::onNext);
    } catch (ExemplarsQueryException e) {
      Status code =
          e.kind() == ExemplarsQueryException.Kind.INVALID_QUERY ? Status.INTERNAL : Status.ABORTED;
      observer.onError(code.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (StatusRuntimeException e) {
      // The call was cancelled while responses were sent.
      return;
    } catch (RuntimeException e) {
      observer.onError(StoreStatus.of(e));
      return;
    }
    observer.onCompleted();
  }
}
