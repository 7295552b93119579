// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.hashring.replication.SnappyCodec;
import io.sluice.receiver.admission.BodyBudget;
import io.sluice.receiver.decode.ThanosWriteFormat;
import io.sluice.receiver.store.MultiTenantExemplars;
import io.sluice.receiver.store.MultiTenantStore;
import io.sluice.receiver.write.Writer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC listener of a receiver ({@code --grpc-address}): {@code thanos.Store}, {@code
 * thanos.Exemplars}, {@code thanos.info.Info}, {@code thanos.WriteableStore} (when given a writer),
 * {@code grpc.health.v1.Health} and server reflection ({@code grpc.reflection.v1}).
 *
 * <p>Server settings as Thanos' ({@code pkg/server/grpc}): clients may ping every 10 s, also
 * without calls in flight (Go queriers and peers do; a stricter server answers with {@code
 * too_many_pings} GOAWAYs; 5 s are permitted so that a ping a little early is no strike); inbound
 * messages up to 2 GiB − 1; connections are recycled after 60 minutes. Health reports {@code
 * NOT_SERVING} until {@link #serving} is called. Messages compressed with {@code snappy} (the
 * framing format, {@link SnappyCodec}) are accepted, as from Thanos peers.
 *
 * <p>Calls run on fixed pools of {@code max(16, 4 × cores)} threads rather than gRPC's unbounded
 * default: {@code RemoteWrite} blocks for the WAL write and, through the replicator, for peers, and
 * a burst of forwards must not turn into thousands of threads (calls beyond the pool wait in its
 * queue; their messages are already in memory and HTTP/2 flow control bounds what follows). {@code
 * thanos.WriteableStore} calls have a pool of their own, so that queries, Info and health never
 * wait behind forwarded writes, however many peers send. StoreAPI calls do not block a thread while
 * they wait for a slow client.
 *
 * <p>Thread-safe. {@link #close} stops accepting calls, lets running ones finish for a grace period
 * and then cancels them.
 */
public final class GrpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);
  private static final long GRACE_SECONDS = 5;

  private final Server server;
  private final HealthStatusManager health;

  private final ExecutorService executor;
  private final ExecutorService writes;

  private GrpcServer(
      Server server, HealthStatusManager health, ExecutorService executor, ExecutorService writes) {
    this.server = server;
    this.health = health;
    this.executor = executor;
    this.writes = writes;
  }

  /**
   * Binds and starts the listener.
   *
   * @param address where to listen
   * @param store the answers
   * @param exemplars the answers of {@code thanos.Exemplars}
   * @param ready whether the receiver is ready; {@code Info} fails while it is not
   * @param registry where the {@code grpc_server_*} metrics go
   * @param writer where forwarded writes ({@code thanos.WriteableStore/RemoteWrite}) go; null
   *     serves no {@code WriteableStore}
   * @param budget the request bytes in flight that forwarded writes share with the HTTP bodies
   * @throws IOException when the address cannot be bound
   */
  public static GrpcServer start(
      InetSocketAddress address,
      MultiTenantStore store,
      MultiTenantExemplars exemplars,
      BooleanSupplier ready,
      MeterRegistry registry,
      Writer writer,
      BodyBudget budget)
      throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    GrpcServerMetrics metrics = new GrpcServerMetrics(registry);
    int threads = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
    ExecutorService executor =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().name("grpc-", 0).daemon().factory());
    ExecutorService writes =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().name("grpc-write-", 0).daemon().factory());
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(address)
            .executor(executor)
            .callExecutor(
                new ServerCallExecutorSupplier() {
                  @Override
                  public <ReqT, RespT> Executor getExecutor(
                      ServerCall<ReqT, RespT> call, Metadata headers) {
                    return ThanosWriteFormat.SERVICE.equals(
                            call.getMethodDescriptor().getServiceName())
                        ? writes
                        : null;
                  }
                })
            .compressorRegistry(SnappyCodec.compressors())
            .decompressorRegistry(SnappyCodec.decompressors())
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .maxConnectionAge(60, TimeUnit.MINUTES)
            .addService(ServerInterceptors.intercept(new StoreService(store), metrics))
            .addService(ServerInterceptors.intercept(new ExemplarsService(exemplars), metrics))
            .addService(ServerInterceptors.intercept(new InfoService(store, ready), metrics))
            .addService(ServerInterceptors.intercept(health.getHealthService(), metrics))
            .addService(
                ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), metrics));
    if (writer != null) {
      builder.addService(
          ServerInterceptors.intercept(
              new WriteableService(writer, ready, registry, budget), metrics));
    }
    Server server;
    try {
      server = builder.build().start();
    } catch (IOException | RuntimeException e) {
      executor.shutdownNow();
      writes.shutdownNow();
      throw e;
    }
    return new GrpcServer(server, health, executor, writes);
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /** Health turns {@code SERVING}. */
  public void serving() {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
  }

  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
        LOG.atWarn().log("gRPC calls still running after the grace period; cancelling them");
        server.shutdownNow();
        server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      executor.shutdown();
      writes.shutdown();
    }
  }
}
