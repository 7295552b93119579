// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves the operational endpoints of {@code --http-address}: {@code /metrics} (Prometheus text
 * format), {@code /-/healthy} and {@code /-/ready} (200 when ready, 503 otherwise), as Thanos' HTTP
 * server does.
 */
@Sharable
public final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final Supplier<String> metrics;
  private final BooleanSupplier ready;

  /**
   * @param metrics renders the metrics exposition
   * @param ready whether the receiver is ready to serve
   */
  public OpsHandler(Supplier<String> metrics, BooleanSupplier ready) {
    this.metrics = metrics;
    this.ready = ready;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    String path = new QueryStringDecoder(req.uri()).path();
    FullHttpResponse resp;
    if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
      resp = HttpResponses.text(405, "method not allowed");
      resp.headers().set(HttpHeaderNames.ALLOW, "GET");
    } else {
      resp =
          switch (path) {
            case "/metrics" -> {
              FullHttpResponse r = HttpResponses.text(200, metrics.get().stripTrailing());
              r.headers()
                  .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
              yield r;
            }
            case "/-/healthy" -> HttpResponses.text(200, "OK");
            case "/-/ready" ->
                ready.getAsBoolean()
                    ? HttpResponses.text(200, "OK")
                    : HttpResponses.text(503, "NOT READY");
            default -> HttpResponses.text(404, "404 page not found");
          };
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!keepAlive) {
      HttpResponses.closing(resp);
    }
    var f = ctx.writeAndFlush(resp);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
