// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import io.grpc.CallOptions;
import io.grpc.Drainable;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.sluice.receiver.decode.ThanosWriteFormat;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link Peers} over gRPC: unary {@code /thanos.WriteableStore/RemoteWrite} to each peer, as Thanos
 * receivers forward to each other (reference {@code thanos-receive.md} §4.1 steps 6–7, §4.6).
 *
 * <p>Each forward is one legacy single-tenant {@code thanos.WriteRequest} built by {@link
 * ThanosWriteRequestEncoder} into a per-thread buffer and written to the transport as it is: no
 * generated message objects, and V1 series are the raw bytes of the incoming body. The buffer is
 * reused once the blocking call has returned (gRPC serializes the message only while the call
 * runs).
 *
 * <p>Channels: one per address, created on first use, plaintext, keepalive pings every 10 s with a
 * 5 s timeout while calls are active, responses up to 2 GiB − 1 (Thanos' {@code pkg/extgrpc}
 * client). Errors are classified as Thanos classifies them (§4.3): {@code AlreadyExists} is a
 * conflict, {@code Unavailable} (also a refused or failed dial) is unavailable, anything else is
 * generic; the message reads {@code forwarding request to endpoint X: rpc error: code = C desc =
 * D}. Back-off of failing peers is the replicator's business, not this class'.
 *
 * <p>Thread-safe. {@link #close} shuts every channel down; calls in flight finish.
 */
public final class GrpcPeers implements Peers {
  /** {@code --receive.grpc-compression=snappy}, Thanos' default. */
  public static final String COMPRESSION_SNAPPY = SnappyCodec.NAME;

  /** {@code --receive.grpc-compression=none}. */
  public static final String COMPRESSION_NONE = "none";

  private static final ThreadLocal<ThanosWriteRequestEncoder> ENCODERS =
      ThreadLocal.withInitial(ThanosWriteRequestEncoder::new);

  /** {@code thanos.WriteableStore/RemoteWrite} with pre-encoded requests and ignored responses. */
  static final MethodDescriptor<Encoded, Empty> METHOD =
      MethodDescriptor.<Encoded, Empty>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(
              MethodDescriptor.generateFullMethodName(
                  ThanosWriteFormat.SERVICE, ThanosWriteFormat.METHOD))
          .setRequestMarshaller(new EncodedMarshaller())
          .setResponseMarshaller(new EmptyMarshaller())
          .build();

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final CallOptions callOptions;
  private volatile boolean closed;

  /**
   * @param compression the gRPC compression of forwards, {@link #COMPRESSION_SNAPPY} or {@link
   *     #COMPRESSION_NONE} ({@code --receive.grpc-compression})
   * @throws IllegalArgumentException for any other value
   */
  public GrpcPeers(String compression) {
    CallOptions o = CallOptions.DEFAULT;
    if (COMPRESSION_SNAPPY.equals(compression)) {
      o = o.withCompression(SnappyCodec.NAME);
    } else if (!COMPRESSION_NONE.equals(compression)) {
      throw new IllegalArgumentException(
          "--receive.grpc-compression must be one of snappy, none: " + compression);
    }
    this.callOptions = o;
  }

  @Override
  public PeerFailure forward(String address, WriteRequest request, long deadlineNanos) {
    if (closed) {
      throw new IllegalStateException("peers are closed");
    }
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return new PeerFailure(ErrorKind.GENERIC, prefix(address) + "context deadline exceeded");
    }
    ManagedChannel channel;
    try {
      channel = channels.computeIfAbsent(address, GrpcPeers::dial);
    } catch (IllegalArgumentException e) {
      return new PeerFailure(ErrorKind.UNAVAILABLE, prefix(address) + "dial: " + e.getMessage());
    }
    ThanosWriteRequestEncoder enc = ENCODERS.get();
    int length = enc.encode(request);
    try {
      ClientCalls.blockingUnaryCall(
          channel,
          METHOD,
          callOptions.withDeadlineAfter(remaining, TimeUnit.NANOSECONDS),
          new Encoded(enc.buffer(), length));
      return null;
    } catch (StatusRuntimeException e) {
      return failure(address, e.getStatus());
    }
  }

  /** Classifies a failed call's status as Thanos does. */
  static PeerFailure failure(String address, Status status) {
    ErrorKind kind =
        switch (status.getCode()) {
          case ALREADY_EXISTS -> ErrorKind.CONFLICT;
          case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
          default -> ErrorKind.GENERIC;
        };
    String desc = status.getDescription() == null ? "" : status.getDescription();
    if (status.getCause() != null && status.getDescription() == null) {
      desc = String.valueOf(status.getCause().getMessage());
    }
    return new PeerFailure(
        kind,
        prefix(address) + "rpc error: code = " + goName(status.getCode()) + " desc = " + desc);
  }

  private static String prefix(String address) {
    return "forwarding request to endpoint " + address + ": ";
  }

  private static ManagedChannel dial(String address) {
    return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
        .compressorRegistry(SnappyCodec.compressors())
        .decompressorRegistry(SnappyCodec.decompressors())
        .keepAliveTime(10, TimeUnit.SECONDS)
        .keepAliveTimeout(5, TimeUnit.SECONDS)
        .maxInboundMessageSize(Integer.MAX_VALUE)
        .build();
  }

  @Override
  public void retainOnly(Collection<String> addresses) {
    Set<String> keep = new HashSet<>(addresses);
    for (String a : Set.copyOf(channels.keySet())) {
      if (!keep.contains(a)) {
        ManagedChannel c = channels.remove(a);
        if (c != null) {
          c.shutdown();
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (String a : Set.copyOf(channels.keySet())) {
      ManagedChannel c = channels.remove(a);
      if (c != null) {
        c.shutdown();
      }
    }
  }

  /**
   * The name grpc-go's {@code codes.Code.String()} gives a status code, as Go peers print it and
   * go-grpc-prometheus labels it.
   */
  public static String goName(Status.Code code) {
    return switch (code) {
      case OK -> "OK";
      case CANCELLED -> "Canceled";
      case UNKNOWN -> "Unknown";
      case INVALID_ARGUMENT -> "InvalidArgument";
      case DEADLINE_EXCEEDED -> "DeadlineExceeded";
      case NOT_FOUND -> "NotFound";
      case ALREADY_EXISTS -> "AlreadyExists";
      case PERMISSION_DENIED -> "PermissionDenied";
      case RESOURCE_EXHAUSTED -> "ResourceExhausted";
      case FAILED_PRECONDITION -> "FailedPrecondition";
      case ABORTED -> "Aborted";
      case OUT_OF_RANGE -> "OutOfRange";
      case UNIMPLEMENTED -> "Unimplemented";
      case INTERNAL -> "Internal";
      case UNAVAILABLE -> "Unavailable";
      case DATA_LOSS -> "DataLoss";
      case UNAUTHENTICATED -> "Unauthenticated";
    };
  }

  /** A serialized message: the first {@code length} bytes of {@code bytes}, not copied. */
  record Encoded(byte[] bytes, int length) {}

  /** The empty {@code thanos.WriteResponse}. */
  enum Empty {
    INSTANCE
  }

  private static final class EncodedMarshaller implements MethodDescriptor.Marshaller<Encoded> {
    @Override
    public InputStream stream(Encoded value) {
      return new EncodedStream(value.bytes(), value.length());
    }

    @Override
    public Encoded parse(InputStream stream) {
      throw new UnsupportedOperationException("requests are only sent");
    }
  }

  private static final class EmptyMarshaller implements MethodDescriptor.Marshaller<Empty> {
    @Override
    public InputStream stream(Empty value) {
      return new EncodedStream(new byte[0], 0);
    }

    @Override
    public Empty parse(InputStream stream) {
      // WriteResponse has no fields; whatever a newer peer adds is skipped.
      try (stream) {
        stream.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        throw Status.INTERNAL
            .withDescription("reading WriteResponse: " + e.getMessage())
            .withCause(e)
            .asRuntimeException();
      }
      return Empty.INSTANCE;
    }
  }

  /** A stream over a byte range that gRPC drains into its frame without another copy. */
  private static final class EncodedStream extends InputStream implements Drainable, KnownLength {
    private final byte[] bytes;
    private final int end;
    private int pos;

    EncodedStream(byte[] bytes, int length) {
      this.bytes = bytes;
      this.end = length;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = end - pos;
      target.write(bytes, pos, n);
      pos = end;
      return n;
    }

    @Override
    public int available() {
      return end - pos;
    }

    @Override
    public int read() {
      return pos < end ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      int n = Math.min(len, end - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
