// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import io.grpc.BindableService;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.receiver.admission.BodyBudget;
import io.sluice.receiver.admission.MemoryAdmissionWriter;
import io.sluice.receiver.decode.ProtobufDecodeException;
import io.sluice.receiver.decode.ThanosWriteFormat;
import io.sluice.receiver.decode.ThanosWriteRequestDecoder;
import io.sluice.receiver.proto.thanos.WriteableStoreGrpc;
import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.tenant.TenantValidator;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.WriteStatus;
import io.sluice.receiver.write.Writer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * {@code thanos.WriteableStore/RemoteWrite}: the writes other receivers forward (reference {@code
 * thanos-receive.md} §4.5). The request is read with {@link ThanosWriteRequestDecoder} — the tuples
 * of field 4, else the legacy fields 1–3 — and each tenant's series go to the {@link Writer} (the
 * replicator in production) as one {@link WriteRequest} carrying the request's replica.
 *
 * <p>Answers, as Thanos' server: {@code WriteResponse{}} when every tenant was written; otherwise
 * the status {@link WriteStatus} gives the error class of the first failed tenant, with its
 * message, or with several failed tenants {@code got N errors while writing to multiple tenants,
 * first one: …}. A message that does not parse is {@code Internal} "grpc: error unmarshalling
 * request: …", as grpc-go answers, and nothing is written. A tenant with series is checked as the
 * HTTP path checks {@code THANOS-TENANT} ({@link TenantValidator}; Thanos does not check gRPC
 * tenants and would use the name as a directory); an invalid one is a generic error ({@code
 * Internal}, "tenant name not valid") and its series are not written, other tenants of the request
 * are. Tenants without series are skipped. While the receiver is not ready every call is {@code
 * Unavailable} "target not ready". No relabelling happens here (Thanos relabels at the HTTP ingress
 * only).
 *
 * <p>Request bytes are read whole (gRPC decompresses them, {@code snappy} included) into one pooled
 * array per call ({@link MessageBuffers}), back in the pool when the call is done; decoding reuses
 * per-thread batches. While a call is decoded and written its message holds its size in the
 * receiver's {@link BodyBudget}, the same global bound the HTTP request bodies are held to (Sluice
 * only): a message that does not fit is {@code Unavailable} "memory pressure: too many request
 * bodies in flight", which the sending router counts as an unavailable replica and retries later,
 * and nothing of it is written. Messages waiting for a thread are bounded by HTTP/2 flow control,
 * not by the budget. The gauge {@code thanos_receive_pending_write_requests} counts calls in
 * progress. Thread-safe; the writer is called on gRPC's executor threads and may block.
 */
public final class WriteableService implements BindableService {
  static final MethodDescriptor<Message, byte[]> METHOD =
      MethodDescriptor.<Message, byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(
              MethodDescriptor.generateFullMethodName(
                  ThanosWriteFormat.SERVICE, ThanosWriteFormat.METHOD))
          .setRequestMarshaller(new MessageMarshaller())
          .setResponseMarshaller(new ResponseMarshaller())
          .setSchemaDescriptor(WriteableStoreGrpc.getRemoteWriteMethod().getSchemaDescriptor())
          .build();

  private static final byte[] EMPTY_RESPONSE = new byte[0];
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final Writer writer;
  private final BooleanSupplier ready;
  private final BodyBudget budget;
  // Held here: Micrometer references a gauge's object weakly.
  private final AtomicInteger pending = new AtomicInteger();

  /**
   * @param writer where each tenant's series go
   * @param ready whether the receiver serves; calls fail with {@code Unavailable} while it does not
   * @param registry where {@code thanos_receive_pending_write_requests} is registered
   * @param budget the bound on request bytes in flight that a message takes its size from while it
   *     is decoded and written
   */
  public WriteableService(
      Writer writer, BooleanSupplier ready, MeterRegistry registry, BodyBudget budget) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.ready = Objects.requireNonNull(ready, "ready");
    this.budget = Objects.requireNonNull(budget, "budget");
    Gauge.builder("thanos.receive.pending.write.requests", pending, AtomicInteger::get)
        .description("The number of pending write requests.")
        .register(registry);
  }

  @Override
  public ServerServiceDefinition bindService() {
    ServiceDescriptor service =
        ServiceDescriptor.newBuilder(ThanosWriteFormat.SERVICE)
            .setSchemaDescriptor(WriteableStoreGrpc.getServiceDescriptor().getSchemaDescriptor())
            .addMethod(METHOD)
            .build();
    return ServerServiceDefinition.builder(service)
        .addMethod(METHOD, ServerCalls.asyncUnaryCall(this::remoteWrite))
        .build();
  }

  private void remoteWrite(Message message, StreamObserver<byte[]> response) {
    pending.incrementAndGet();
    try {
      Status status = write(message.bytes, message.length);
      if (status.isOk()) {
        response.onNext(EMPTY_RESPONSE);
        response.onCompleted();
      } else {
        response.onError(status.asRuntimeException());
      }
    } finally {
      pending.decrementAndGet();
      MessageMarshaller.BUFFERS.give(message.bytes);
    }
  }

  /** Writes one request; returns the status to answer with. */
  Status write(byte[] message) {
    return write(message, message.length);
  }

  /** Writes the request in {@code message[0..length)}; returns the status to answer with. */
  Status write(byte[] message, int length) {
    if (!ready.getAsBoolean()) {
      return Status.UNAVAILABLE.withDescription("target not ready");
    }
    if (!budget.tryAcquire(length)) {
      return Status.UNAVAILABLE.withDescription(
          MemoryAdmissionWriter.REFUSAL_PREFIX + "too many request bodies in flight");
    }
    try {
      return decodeAndWrite(message, length);
    } finally {
      budget.release(length);
    }
  }

  private Status decodeAndWrite(byte[] message, int length) {
    Scratch sc = SCRATCH.get();
    ThanosWriteRequestDecoder decoder = sc.decoder;
    try {
      int tenants;
      try {
        tenants = decoder.decode(message, length);
      } catch (ProtobufDecodeException e) {
        return Status.INTERNAL.withDescription(
            "grpc: error unmarshalling request: " + e.getMessage());
      }
      int errors = 0;
      ErrorKind firstKind = null;
      String firstMessage = null;
      for (int t = 0; t < tenants; t++) {
        int start = decoder.firstSeries(t);
        int end = decoder.endSeries(t);
        if (start == end) {
          continue;
        }
        String tenant = decoder.tenant(t);
        ErrorKind kind;
        String text;
        try {
          TenantValidator.validate(tenant);
          WriteRequest req = sc.request.reset(tenant, decoder.replica(), decoder.batch());
          for (int s = start; s < end; s++) {
            req.add(s, 0);
          }
          sc.outcome.reset(end - start);
          writer.write(req, sc.outcome);
          kind = sc.outcome.errorKind();
          text = sc.outcome.errorMessage();
        } catch (InvalidTenantException e) {
          kind = ErrorKind.GENERIC;
          text = e.getMessage();
        }
        if (kind != null) {
          if (errors++ == 0) {
            firstKind = kind;
            firstMessage = text;
          }
        }
      }
      if (errors == 0) {
        return Status.OK;
      }
      if (errors > 1) {
        firstMessage =
            "got "
                + errors
                + " errors while writing to multiple tenants, first one: "
                + firstMessage;
      }
      WriteStatus st = WriteStatus.of(firstKind, firstMessage);
      return code(st.grpcCode()).toStatus().withDescription(st.message());
    } finally {
      decoder.release();
    }
  }

  /** The gRPC code of a {@link WriteStatus#grpcCode()} name. */
  static Status.Code code(String goName) {
    return switch (goName) {
      case "OK" -> Status.Code.OK;
      case "Unavailable" -> Status.Code.UNAVAILABLE;
      case "AlreadyExists" -> Status.Code.ALREADY_EXISTS;
      case "InvalidArgument" -> Status.Code.INVALID_ARGUMENT;
      case "Internal" -> Status.Code.INTERNAL;
      default -> throw new IllegalArgumentException("unknown gRPC code name: " + goName);
    };
  }

  /** Per-thread decoder, request and outcome. */
  private static final class Scratch {
    final ThanosWriteRequestDecoder decoder = new ThanosWriteRequestDecoder();
    final WriteRequest request = new WriteRequest();
    final WriteOutcome outcome = new WriteOutcome();
  }

  /** A request message: {@code bytes[0..length)}, an array of {@link MessageMarshaller#BUFFERS}. */
  static final class Message {
    final byte[] bytes;
    final int length;

    Message(byte[] bytes, int length) {
      this.bytes = bytes;
      this.length = length;
    }
  }

  /**
   * Reads a request message into a pooled array, returned to the pool when the call is done. A
   * compressed message is read in reads of at least a snappy chunk (64 KiB), so that the {@code
   * snappy} decompressor decompresses straight into the array.
   */
  static final class MessageMarshaller implements MethodDescriptor.Marshaller<Message> {
    static final MessageBuffers BUFFERS = new MessageBuffers(8, 4 << 20);
    private static final int MIN_READ = 64 << 10;

    @Override
    public InputStream stream(Message value) {
      return new ByteArrayInputStream(value.bytes, 0, value.length);
    }

    @Override
    public Message parse(InputStream stream) {
      byte[] buf = null;
      try (stream) {
        int n = 0;
        if (stream instanceof KnownLength) {
          // The uncompressed message: its length is known.
          int known = stream.available();
          buf = BUFFERS.take(known);
          n = stream.readNBytes(buf, 0, known);
        } else {
          buf = BUFFERS.take(MIN_READ);
        }
        while (true) {
          if (buf.length - n < MIN_READ) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, n + MIN_READ));
          }
          int r = stream.read(buf, n, buf.length - n);
          if (r < 0) {
            return new Message(buf, n);
          }
          n += r;
        }
      } catch (IOException e) {
        BUFFERS.give(buf);
        throw Status.INTERNAL
            .withDescription("grpc: error unmarshalling request: " + e.getMessage())
            .withCause(e)
            .asRuntimeException();
      }
    }
  }

  /** The response: the empty {@code WriteResponse}, as bytes. */
  private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription(e.getMessage()).withCause(e).asRuntimeException();
      }
    }
  }
}
