// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The remote-write listener ({@code --remote-write.address}): the pipeline each connection gets,
 * and the event loops that run it (one acceptor thread, Netty's default number of I/O threads).
 *
 * <p>The pipeline, in order: the HTTP codec and keep-alive; the write limits of {@code
 * --receive.limits-config} when configured; the memory admission; the {@link BoundedAggregator}
 * (413 before an oversized body is read); then the routes, with the {@link RemoteWriteHandler}
 * last, which answers 404 to any path but {@value RemoteWriteHandler#PATH} and {@value
 * RemoteWriteHandler#OTLP_PATH}. Every request one of the handlers before the routes answers itself
 * is counted by {@link RemoteWriteHandler#rejected}.
 *
 * <p>Lifecycle: {@link #bind}, then {@link #stopAccepting} (the port closes, connections already
 * open are still served), then {@link #close} once the writes the open requests wait for are done.
 * Thread-safe.
 */
public final class RemoteWriteServer implements AutoCloseable {
  /** Makes the handler of one connection that answers some requests itself (429, 503). */
  @FunctionalInterface
  public interface Admission {
    /**
     * @param onReject told about every request the handler answers itself
     * @return a new handler for one connection
     */
    ChannelHandler newHandler(BoundedAggregator.Rejections onReject);
  }

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final HttpServer server;

  private RemoteWriteServer(EventLoopGroup boss, EventLoopGroup workers, HttpServer server) {
    this.boss = boss;
    this.workers = workers;
    this.server = server;
  }

  /**
   * Binds {@code address} and serves remote write on it.
   *
   * @param maxBodyBytes the largest compressed body accepted ({@code
   *     --remote-write.max-body-bytes}); 413 above
   * @param limits the write limits' handler; null when no limits are configured
   * @param memory the memory admission's handler
   * @param routes handlers of other paths, shared by every connection, each passing on the requests
   *     that are not its own
   * @param handler the remote-write handler, shared by every connection
   * @throws IOException when the address cannot be bound
   */
  public static RemoteWriteServer bind(
      InetSocketAddress address,
      int maxBodyBytes,
      Admission limits,
      Admission memory,
      List<ChannelHandler> routes,
      RemoteWriteHandler handler)
      throws IOException {
    BoundedAggregator.Rejections rejected = handler::rejected;
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup();
    try {
      HttpServer server =
          HttpServer.bind(
              address,
              boss,
              workers,
              ch -> {
                ChannelPipeline p = ch.pipeline();
                p.addLast(new HttpServerCodec()).addLast(new HttpServerKeepAliveHandler());
                if (limits != null) {
                  p.addLast(limits.newHandler(rejected));
                }
                p.addLast(memory.newHandler(rejected))
                    .addLast(new BoundedAggregator(maxBodyBytes, rejected));
                // The routes: handlers of other paths, before the remote-write handler.
                for (ChannelHandler route : routes) {
                  p.addLast(route);
                }
                p.addLast(handler);
              });
      return new RemoteWriteServer(boss, workers, server);
    } catch (IOException | RuntimeException e) {
      HttpServer.shutdown(workers);
      HttpServer.shutdown(boss);
      throw e;
    }
  }

  /** The bound address, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Closes the port; connections already open are still served. */
  public void stopAccepting() {
    server.close();
  }

  /**
   * Closes the port if it is open, and ends the event loops once the tasks already queued on them
   * ran (the answers of requests in flight), waiting up to 2 s for it.
   */
  @Override
  public void close() {
    server.close();
    HttpServer.shutdown(workers);
    HttpServer.shutdown(boss);
  }
}
