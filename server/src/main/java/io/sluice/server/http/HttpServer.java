// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.sluice.server.FatalErrors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Netty listener. The caller owns the event loop groups; {@link #close()} closes the port. */
public final class HttpServer implements AutoCloseable {
  private final Channel channel;

  private HttpServer(Channel channel) {
    this.channel = channel;
  }

  /**
   * Binds {@code address} and serves each connection with the pipeline {@code init} builds.
   *
   * @throws IOException when the address cannot be bound
   */
  public static HttpServer bind(
      InetSocketAddress address,
      EventLoopGroup boss,
      EventLoopGroup workers,
      Consumer<SocketChannel> init)
      throws IOException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    init.accept(ch);
                    ch.pipeline().addLast(LastHandler.INSTANCE);
                  }
                });
    try {
      return new HttpServer(b.bind(address).syncUninterruptibly().channel());
    } catch (Exception e) {
      throw new IOException("listen on " + address + ": " + e.getMessage(), e);
    }
  }

  /**
   * The end of every pipeline: an error no handler took ends the process if it is fatal (see {@link
   * FatalErrors}), else closes the connection.
   */
  @ChannelHandler.Sharable
  static final class LastHandler extends ChannelInboundHandlerAdapter {
    static final LastHandler INSTANCE = new LastHandler();
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      FatalErrors.haltIfFatal(cause);
      LOG.atDebug().setCause(cause).log("closing connection after an error");
      ctx.close();
    }
  }

  /** The bound address, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  /**
   * Ends {@code group} once the tasks already queued on it ran (quiet period 0: the answers of
   * requests in flight go out first), waiting up to 2 s.
   */
  static void shutdown(EventLoopGroup group) {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
