// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

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
                  }
                });
    try {
      return new HttpServer(b.bind(address).syncUninterruptibly().channel());
    } catch (Exception e) {
      throw new IOException("listen on " + address + ": " + e.getMessage(), e);
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
}
