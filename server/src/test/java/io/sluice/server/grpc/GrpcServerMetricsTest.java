// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcServerMetricsTest {
  private static final MethodDescriptor.Marshaller<String> STRINGS =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          return "";
        }
      };
  private static final MethodDescriptor<String, String> SERIES =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName("thanos.Store/Series")
          .setRequestMarshaller(STRINGS)
          .setResponseMarshaller(STRINGS)
          .build();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GrpcServerMetrics metrics = new GrpcServerMetrics(registry);
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  /** A call and the listener the interceptor returned for it, as gRPC would hold them. */
  private record Intercepted(ServerCall<String, String> call, ServerCall.Listener<String> events) {}

  private Intercepted start() {
    AtomicReference<ServerCall<String, String>> counted = new AtomicReference<>();
    ServerCall.Listener<String> events =
        metrics.interceptCall(
            new FakeCall(),
            new Metadata(),
            (call, headers) -> {
              counted.set(call);
              return new ServerCall.Listener<>() {};
            });
    return new Intercepted(counted.get(), events);
  }

  // A context whose deadline has passed, as gRPC gives a handler once the call's timeout fired.
  private Intercepted startPastDeadline() throws Exception {
    Context.CancellableContext ctx =
        Context.current().withDeadlineAfter(-1, TimeUnit.SECONDS, scheduler);
    try {
      return ctx.call(this::start);
    } finally {
      ctx.cancel(null);
    }
  }

  private double handled(String code) {
    Counter c = registry.find("grpc.server.handled").tag("grpc_code", code).counter();
    return c == null ? 0 : c.count();
  }

  private double handledInAll() {
    return registry.find("grpc.server.handled").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Test
  void aCallClosedByItsHandlerAndThenCancelledIsCountedOnceWithItsCloseStatus() {
    Intercepted c = start();
    c.call().close(Status.OK, new Metadata());
    c.events().onCancel();
    assertThat(handled("OK")).isOne();
    assertThat(handledInAll()).isOne();
  }

  @Test
  void aCallCancelledAndThenClosedByItsHandlerIsCountedOnceAsCanceled() {
    Intercepted c = start();
    c.events().onCancel();
    c.call().close(Status.CANCELLED, new Metadata());
    assertThat(handled("Canceled")).isOne();
    assertThat(handledInAll()).isOne();
  }

  @Test
  void aCallWhoseDeadlinePassedIsCountedOnceAsDeadlineExceededInEitherOrder() throws Exception {
    Intercepted cancelledFirst = startPastDeadline();
    cancelledFirst.events().onCancel();
    cancelledFirst.call().close(Status.CANCELLED, new Metadata());
    Intercepted closedFirst = startPastDeadline();
    closedFirst.call().close(Status.CANCELLED, new Metadata());
    closedFirst.events().onCancel();
    assertThat(handled("DeadlineExceeded")).isEqualTo(2);
    assertThat(handledInAll()).isEqualTo(2);
    assertThat(registry.find("grpc.server.started").counter().count()).isEqualTo(2);
  }

  /** Records nothing; the interceptor only forwards to it. */
  private static final class FakeCall extends ServerCall<String, String> {
    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      return SERIES;
    }
  }

  @Test
  void codeNamesAreGoGrpcsInCodeOrder() {
    // google.golang.org/grpc/codes: Code.String() for codes 0..16.
    List<String> go =
        List.of(
            "OK",
            "Canceled",
            "Unknown",
            "InvalidArgument",
            "DeadlineExceeded",
            "NotFound",
            "AlreadyExists",
            "PermissionDenied",
            "ResourceExhausted",
            "FailedPrecondition",
            "Aborted",
            "OutOfRange",
            "Unimplemented",
            "Internal",
            "Unavailable",
            "DataLoss",
            "Unauthenticated");
    assertThat(
            Arrays.stream(Status.Code.values())
                .sorted((a, b) -> Integer.compare(a.value(), b.value()))
                .map(GrpcServerMetrics::goName)
                .toList())
        .isEqualTo(go);
  }
}
