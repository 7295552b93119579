// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the status page on {@code --http-address}: {@code /} (HTML, see {@link StatusPage}) and
 * {@code /api/v1/status/<section>} (JSON, see {@link StatusJson}). Every other request goes on to
 * the next handler of the pipeline, so this one sits in front of the probes and {@code /metrics}.
 *
 * <p>Only {@code GET} and {@code HEAD}; a section that fails to be read answers 500 with the
 * reason, and the page is never cached.
 */
@Sharable
public final class StatusHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(StatusHandler.class);
  private static final String API = "/api/v1/status/";

  private final StatusSource source;

  /** Serves what {@code source} reads. */
  public StatusHandler(StatusSource source) {
    super(false);
    this.source = source;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String path = uri.path();
    if (!path.equals("/") && !path.startsWith(API)) {
      ctx.fireChannelRead(req);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    FullHttpResponse resp;
    try {
      resp = answer(req, uri, path);
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).addKeyValue("path", path).log("status page failed");
      resp = text(500, "status unavailable: " + e + "\n");
    } finally {
      req.release();
    }
    resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (!keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var f = ctx.writeAndFlush(resp);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private FullHttpResponse answer(FullHttpRequest req, QueryStringDecoder uri, String path) {
    if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
      FullHttpResponse r = text(405, "method not allowed\n");
      r.headers().set(HttpHeaderNames.ALLOW, "GET");
      return r;
    }
    if (path.equals("/")) {
      String page =
          StatusPage.render(
              source.overview(),
              source.tenants(),
              source.hashring(),
              source.limits(),
              source.flags(),
              refresh(uri.parameters().get("refresh")));
      return response(200, page, "text/html; charset=utf-8");
    }
    String json = StatusJson.section(source, path.substring(API.length()));
    if (json == null) {
      return text(404, "404 page not found\n");
    }
    return response(200, json, "application/json");
  }

  // 5 s to an hour; anything else (absent, not a number) means no reload.
  private static int refresh(List<String> values) {
    if (values == null || values.isEmpty()) {
      return 0;
    }
    try {
      int s = Integer.parseInt(values.get(0));
      return s <= 0 ? 0 : Math.max(5, Math.min(3600, s));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static FullHttpResponse text(int status, String body) {
    FullHttpResponse r = response(status, body, "text/plain; charset=utf-8");
    r.headers().set("X-Content-Type-Options", "nosniff");
    return r;
  }

  private static FullHttpResponse response(int status, String body, String contentType) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            Unpooled.wrappedBuffer(bytes));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return r;
  }
}
