// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sluice.receiver.proto.thanos.StoreGrpc;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelNamesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelNamesResponse;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelValuesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelValuesResponse;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesResponse;
import io.sluice.receiver.store.InvalidStoreRequestException;
import io.sluice.receiver.store.MultiTenantStore;
import io.sluice.receiver.store.SeriesStream;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code thanos.Store}: Series, LabelNames and LabelValues over all tenants.
 *
 * <p>Series sends only while the call is ready ({@link ServerCallStreamObserver#isReady()}) and
 * resumes from the on-ready handler, so a client that stops reading stops the server after about
 * one flow-control window and one message: responses are built when they can be sent, not before. A
 * cancelled call (client gone, deadline passed) stops its work within a few dozen label values or
 * series: the call's {@link Context#isCancelled} is the signal the queriers poll while they match
 * (see {@link io.sluice.tsdb.query.Cancellation}). LabelNames and LabelValues poll it likewise.
 */
final class StoreService extends StoreGrpc.StoreImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);

  private final MultiTenantStore store;

  StoreService(MultiTenantStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public void series(SeriesRequest request, StreamObserver<SeriesResponse> observer) {
    ServerCallStreamObserver<SeriesResponse> call =
        (ServerCallStreamObserver<SeriesResponse>) observer;
    Context ctx = Context.current();
    SeriesStream stream;
    try {
      stream = store.series(request, ctx::isCancelled);
    } catch (InvalidStoreRequestException | RuntimeException e) {
      call.onError(StoreStatus.of(e));
      return;
    }
    Sender sender = new Sender(stream, call);
    // gRPC runs these handlers and this method one at a time for a call, so Sender needs no lock.
    call.setOnCancelHandler(sender::cancel);
    call.setOnReadyHandler(sender::drain);
    sender.drain();
  }

  private static final class Sender {
    private final SeriesStream stream;
    private final ServerCallStreamObserver<SeriesResponse> call;
    private boolean done;

    Sender(SeriesStream stream, ServerCallStreamObserver<SeriesResponse> call) {
      this.stream = stream;
      this.call = call;
    }

    void drain() {
      if (done) {
        return;
      }
      try {
        while (call.isReady()) {
          if (call.isCancelled()) {
            finish();
            return;
          }
          SeriesResponse r = stream.next();
          if (r == null) {
            finish();
            call.onCompleted();
            return;
          }
          call.onNext(r);
        }
      } catch (CancellationException e) {
        finish();
      } catch (InvalidStoreRequestException | RuntimeException e) {
        finish();
        if (!(e instanceof InvalidStoreRequestException)) {
          LOG.atWarn().setCause(e).log("Series failed");
        }
        call.onError(StoreStatus.of(e));
      }
    }

    void cancel() {
      finish();
    }

    private void finish() {
      if (!done) {
        done = true;
        stream.close();
      }
    }
  }

  @Override
  public void labelNames(LabelNamesRequest request, StreamObserver<LabelNamesResponse> observer) {
    LabelNamesResponse r;
    try {
      r = store.labelNames(request, Context.current()::isCancelled);
    } catch (CancellationException e) {
      observer.onError(Status.CANCELLED.withDescription("call cancelled").asRuntimeException());
      return;
    } catch (InvalidStoreRequestException | RuntimeException e) {
      observer.onError(StoreStatus.of(e));
      return;
    }
    observer.onNext(r);
    observer.onCompleted();
  }

  @Override
  public void labelValues(
      LabelValuesRequest request, StreamObserver<LabelValuesResponse> observer) {
    LabelValuesResponse r;
    try {
      r = store.labelValues(request, Context.current()::isCancelled);
    } catch (CancellationException e) {
      observer.onError(Status.CANCELLED.withDescription("call cancelled").asRuntimeException());
      return;
    } catch (InvalidStoreRequestException | RuntimeException e) {
      observer.onError(StoreStatus.of(e));
      return;
    }
    observer.onNext(r);
    observer.onCompleted();
  }
}
