// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link RequestSender} on one Netty channel: {@code HttpClientCodec} and {@code
 * HttpObjectAggregator} parse the answer (content-length, chunked or close-delimited), and the
 * calling thread waits for it. Reconnects when the receiver closed the connection; closes it after
 * a timeout or a {@code Connection: close} answer.
 */
public final class NettySender implements RequestSender {

  /** Largest answer body kept; receivers answer with at most a short error message. */
  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private final EventLoopGroup group;
  private final LoadConfig config;
  private final String host;
  private final int port;
  private final String target;
  private final HttpHeaders headers;
  private Channel channel;
  private ResponseHandler handler;

  NettySender(EventLoopGroup group, LoadConfig config, URI uri) throws IOException {
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IOException("the netty client speaks plain http only, got " + uri);
    }
    this.group = group;
    this.config = config;
    this.host = uri.getHost();
    this.port = uri.getPort() >= 0 ? uri.getPort() : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    this.target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    this.headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.HOST, uri.getPort() >= 0 ? host + ":" + port : host);
    headers.set(HttpHeaderNames.CONTENT_ENCODING, "snappy");
    headers.set(HttpHeaderNames.CONTENT_TYPE, config.protocol().contentType());
    headers.set("X-Prometheus-Remote-Write-Version", config.protocol().versionHeader());
    headers.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    if (config.tenant() != null) {
      headers.set("THANOS-TENANT", config.tenant());
    }
  }

  @Override
  public Response send(EncodedLoad.Body body) throws IOException, InterruptedException {
    if (channel == null || !channel.isActive()) {
      connect();
    }
    CompletableFuture<Response> answer = new CompletableFuture<>();
    handler.pending = answer;
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            target,
            Unpooled.wrappedBuffer(body.data()),
            headers.copy().setInt(HttpHeaderNames.CONTENT_LENGTH, body.data().length),
            DefaultHttpHeaders.EMPTY_HEADERS);
    channel
        .writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
              }
            });
    try {
      return answer.get(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      closeChannel();
      throw new HttpTimeoutException("no answer within " + config.timeout());
    } catch (ExecutionException e) {
      closeChannel();
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause);
    } catch (InterruptedException e) {
      closeChannel();
      throw e;
    }
  }

  private void connect() throws IOException, InterruptedException {
    ResponseHandler h = new ResponseHandler();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                        .addLast(h);
                  }
                });
    ChannelFuture f = b.connect(host, port).await();
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      if (cause instanceof IOException io) {
        throw io;
      }
      ConnectException ce = new ConnectException("cannot connect to " + host + ":" + port);
      ce.initCause(cause);
      throw ce;
    }
    channel = f.channel();
    handler = h;
  }

  private void closeChannel() {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      channel = null;
    }
  }

  /** Completes the pending request with the answer, or fails it when the channel breaks. */
  private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    volatile CompletableFuture<Response> pending;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      if (!HttpUtil.isKeepAlive(msg)) {
        ctx.close();
      }
      CompletableFuture<Response> p = pending;
      if (p != null) {
        p.complete(
            new Response(
                msg.status().code(),
                RequestSender.parseCount(msg.headers().get(SAMPLES_WRITTEN_HEADER))));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(new IOException("connection closed by the receiver before it answered"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause instanceof IOException ? cause : new IOException(cause));
      ctx.close();
    }

    private void fail(Throwable cause) {
      CompletableFuture<Response> p = pending;
      if (p != null) {
        p.completeExceptionally(cause);
      }
    }
  }
}
