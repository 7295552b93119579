// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import io.grpc.Context;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server metrics of go-grpc-prometheus, with its names, labels and code names, as Thanos
 * exposes them: {@code grpc_server_started_total}, {@code grpc_server_handled_total}, {@code
 * grpc_server_handling_seconds} (histogram, Thanos' buckets), {@code
 * grpc_server_msg_received_total} and {@code grpc_server_msg_sent_total}, labelled {@code
 * grpc_service, grpc_method, grpc_type} ({@code unary}, {@code server_stream}, …) and, for handled
 * and handling, {@code grpc_code} as Go spells it ({@code OK}, {@code Canceled}, {@code
 * InvalidArgument}, {@code DeadlineExceeded}, …).
 *
 * <p>A call counts as handled once: when the server closes it, or when it is cancelled first
 * ({@code Canceled}, or {@code DeadlineExceeded} when its deadline passed). Thread-safe.
 */
final class GrpcServerMetrics implements ServerInterceptor {
  // Thanos' grpc_server_handling_seconds buckets (pkg/extgrpc).
  private static final double[] BUCKETS = {
    0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120
  };

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Method, MethodMeters> methods = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Handled, HandledMeters> handled = new ConcurrentHashMap<>();

  private record Method(String service, String method, String type) {}

  private record Handled(Method method, Status.Code code) {}

  private record MethodMeters(Counter started, Counter received, Counter sent) {}

  private record HandledMeters(Counter handled, Timer handling) {}

  GrpcServerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The name go-grpc's {@code codes.Code.String()} gives a status code. */
  static String goName(Status.Code code) {
    return io.sluice.hashring.replication.GrpcPeers.goName(code);
  }

  private static String type(MethodDescriptor.MethodType t) {
    return switch (t) {
      case UNARY -> "unary";
      case SERVER_STREAMING -> "server_stream";
      case CLIENT_STREAMING -> "client_stream";
      case BIDI_STREAMING -> "bidi_stream";
      case UNKNOWN -> "unknown";
    };
  }

  private MethodMeters meters(Method m) {
    return methods.computeIfAbsent(
        m,
        k ->
            new MethodMeters(
                counter("grpc.server.started", "Total number of RPCs started on the server.", k),
                counter(
                    "grpc.server.msg.received",
                    "Total number of RPC stream messages received on the server.",
                    k),
                counter(
                    "grpc.server.msg.sent",
                    "Total number of gRPC stream messages sent by the server.",
                    k)));
  }

  private Counter counter(String name, String help, Method m) {
    return Counter.builder(name)
        .description(help)
        .tags("grpc_service", m.service, "grpc_method", m.method, "grpc_type", m.type)
        .register(registry);
  }

  private void handled(Method m, Status.Code code, long nanos) {
    HandledMeters h =
        handled.computeIfAbsent(
            new Handled(m, code),
            k -> {
              String c = goName(k.code);
              String[] tags = {
                "grpc_service",
                m.service,
                "grpc_method",
                m.method,
                "grpc_type",
                m.type,
                "grpc_code",
                c
              };
              Duration[] slos = new Duration[BUCKETS.length];
              for (int i = 0; i < BUCKETS.length; i++) {
                slos[i] = Duration.ofNanos((long) (BUCKETS[i] * 1e9));
              }
              return new HandledMeters(
                  Counter.builder("grpc.server.handled")
                      .description(
                          "Total number of RPCs completed on the server, regardless of success or"
                              + " failure.")
                      .tags(tags)
                      .register(registry),
                  Timer.builder("grpc.server.handling")
                      .description(
                          "Histogram of response latency (seconds) of gRPC that had been"
                              + " application-level handled by the server.")
                      .tags(tags)
                      .serviceLevelObjectives(slos)
                      .register(registry));
            });
    h.handled.increment();
    h.handling.record(Duration.ofNanos(nanos));
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> md = call.getMethodDescriptor();
    Method m =
        new Method(
            String.valueOf(md.getServiceName()),
            String.valueOf(md.getBareMethodName()),
            type(md.getType()));
    MethodMeters mm = meters(m);
    mm.started.increment();
    long start = System.nanoTime();
    AtomicBoolean recorded = new AtomicBoolean();
    Context ctx = Context.current();
    ServerCall<Q, R> counted =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            mm.sent.increment();
            super.sendMessage(message);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            if (recorded.compareAndSet(false, true)) {
              Status.Code code = status.getCode();
              // A handler that stops on cancellation may close before onCancel is delivered.
              if (code == Status.Code.CANCELLED && deadlinePassed(ctx)) {
                code = Status.Code.DEADLINE_EXCEEDED;
              }
              handled(m, code, System.nanoTime() - start);
            }
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener = next.startCall(counted, headers);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        mm.received.increment();
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        if (recorded.compareAndSet(false, true)) {
          handled(
              m,
              deadlinePassed(ctx) ? Status.Code.DEADLINE_EXCEEDED : Status.Code.CANCELLED,
              System.nanoTime() - start);
        }
        super.onCancel();
      }
    };
  }

  private static boolean deadlinePassed(Context ctx) {
    return ctx.getDeadline() != null && ctx.getDeadline().isExpired()
        || ctx.cancellationCause() instanceof TimeoutException;
  }
}
