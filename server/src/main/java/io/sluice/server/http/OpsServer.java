// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The HTTP listener of {@code --http-address}: {@code /metrics} and the probes, served by the
 * {@link OpsHandler} on one event loop thread (the traffic is scrapes and probes), with an acceptor
 * thread of its own, so that a probe's connection is accepted while a scrape is being rendered or
 * remote-write clients crowd their own listener. Requests are aggregated up to 64 KiB.
 *
 * <p>Lifecycle: {@link #bind}, then {@link #close}, which the receiver calls last of all so that
 * {@code /-/ready} answers 503 during the shutdown. Thread-safe.
 */
public final class OpsServer implements AutoCloseable {
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final EventLoopGroup boss;
  private final EventLoopGroup loop;
  private final HttpServer server;

  private OpsServer(EventLoopGroup boss, EventLoopGroup loop, HttpServer server) {
    this.boss = boss;
    this.loop = loop;
    this.server = server;
  }

  /**
   * Binds {@code address} and serves {@code ops} on it.
   *
   * @param routes handlers of other paths, shared by every connection, each passing on the requests
   *     that are not its own
   * @param ops the handler of the operational endpoints, shared by every connection
   * @throws IOException when the address cannot be bound
   */
  public static OpsServer bind(
      InetSocketAddress address, List<ChannelHandler> routes, OpsHandler ops) throws IOException {
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup loop = new NioEventLoopGroup(1);
    try {
      HttpServer server =
          HttpServer.bind(
              address,
              boss,
              loop,
              ch -> {
                ChannelPipeline p = ch.pipeline();
                p.addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
                // The routes, before the ops handler, which answers 404 to what is left.
                for (ChannelHandler route : routes) {
                  p.addLast(route);
                }
                p.addLast(ops);
              });
      return new OpsServer(boss, loop, server);
    } catch (IOException | RuntimeException e) {
      HttpServer.shutdown(loop);
      HttpServer.shutdown(boss);
      throw e;
    }
  }

  /** The bound address, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Closes the port and ends the event loops once the answers already queued were sent. */
  @Override
  public void close() {
    server.close();
    HttpServer.shutdown(loop);
    HttpServer.shutdown(boss);
  }
}
