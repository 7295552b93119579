// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates a request body up to a limit. A {@code Content-Length} over the limit is answered with
 * 413 before any of the body is read; a chunked body that crosses the limit is answered with 413
 * when it does, and the connection is closed. The rejection is reported to {@code onReject} for
 * metrics.
 */
public final class BoundedAggregator extends HttpObjectAggregator {
  /** Called with each rejected request. */
  public interface Rejections {
    void rejected(HttpRequest request, FullHttpResponse response);
  }

  private final Rejections onReject;

  /**
   * @param maxBodyBytes the largest body accepted
   * @param onReject told about every rejected request
   */
  public BoundedAggregator(int maxBodyBytes, Rejections onReject) {
    super(maxBodyBytes, true);
    this.onReject = onReject;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
      throws Exception {
    if (!(oversized instanceof HttpRequest req)) {
      super.handleOversizedMessage(ctx, oversized);
      return;
    }
    FullHttpResponse resp =
        HttpResponses.closing(
            HttpResponses.text(
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(), "write request too large"));
    HttpUtil.setKeepAlive(resp, false);
    onReject.rejected(req, resp);
    ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
  }
}
