// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.sluice.receiver.limits.LimitRejection;
import io.sluice.receiver.limits.WriteGate;
import io.sluice.receiver.limits.WriteLimiter;
import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.tenant.TenantValidator;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The limits of a remote-write request that apply before its body is read, in Thanos' order
 * (reference {@code thanos-receive.md} §5.2, steps 2–4): the write gate ({@code
 * write.global.max_concurrency}: the request waits for a slot, it is never refused), the
 * head-series limit (429 {@code tenant is above active series limit}), and {@code size_bytes_limit}
 * against {@code Content-Length} (413 {@code write request too large}); a body without {@code
 * Content-Length} gets the same 413 as soon as the bytes read cross the limit. The decoded size,
 * series and samples limits come after decoding, in {@link RemoteWriteHandler}.
 *
 * <p>Sits between the HTTP codec and the aggregator, one instance per connection. While a request
 * waits for a slot the connection stops reading ({@code autoRead} off): its body stays in the
 * socket buffers, not in memory; what the codec had already decoded is held here and passed on in
 * order once the slot is granted. The slot is given back when the request's response is written, or
 * when the connection closes (a client that went away frees its slot then, even if its write is
 * still running). A refused request gets its response from here; with 429 its body is read and
 * dropped so the connection stays usable, with 413 the connection is closed, as the aggregator does
 * for {@code --remote-write.max-body-bytes}.
 *
 * <p>Requests other than {@code POST /api/v1/receive} and {@code POST /api/v1/otlp} (which Thanos
 * limits alike), and requests whose tenant is invalid (the remote-write handler answers 400), pass
 * untouched. With pipelining, each request takes its own slot, in order. Not thread-safe: runs on
 * the connection's event loop; the gate's callback hops onto it.
 */
public final class WriteLimitHandler extends ChannelDuplexHandler {
  // What becomes of the current request's body.
  private enum Body {
    /** Passed on. */
    PASS,
    /** Passed on and counted against the size limit (no Content-Length). */
    COUNT,
    /** Dropped until its end (the request was refused, the connection stays). */
    DISCARD,
    /** Everything dropped: the connection is closing. */
    DROP
  }

  private final WriteGate gate;
  private final WriteLimiter limiter;
  private final Function<HttpHeaders, String> tenantOf;
  private final BoundedAggregator.Rejections onReject;
  private final LongConsumer gateWaited;

  // Messages decoded while a request waits for a slot, that request first.
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  // One entry per request not answered yet, in order: whether it holds a slot.
  private final ArrayDeque<Boolean> slots = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private WriteGate.Waiter waiter;
  private long waitStart;
  private boolean closed;
  private boolean interimResponse;

  private Body body = Body.PASS;
  private HttpRequest current;
  private String tenant;
  private long sizeLimit;
  private long bodyBytes;

  /**
   * @param gate the write gate shared by all connections
   * @param limiter the limits shared by all connections
   * @param tenantOf the tenant of a request, as the remote-write handler resolves it
   * @param onReject told about every request refused here, for metrics
   * @param gateWaited told how long each request waited at the gate, in nanoseconds
   */
  public WriteLimitHandler(
      WriteGate gate,
      WriteLimiter limiter,
      Function<HttpHeaders, String> tenantOf,
      BoundedAggregator.Rejections onReject,
      LongConsumer gateWaited) {
    this.gate = Objects.requireNonNull(gate, "gate");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.tenantOf = Objects.requireNonNull(tenantOf, "tenantOf");
    this.onReject = Objects.requireNonNull(onReject, "onReject");
    this.gateWaited = Objects.requireNonNull(gateWaited, "gateWaited");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (waiter != null || !held.isEmpty()) {
      held.add(msg);
      // The remote-write handler turns reading back on after each response; keep it off.
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(msg);
  }

  // Returns false when the message is a request that now waits for a slot.
  private boolean dispatch(Object msg) {
    if (body == Body.DROP) {
      ReferenceCountUtil.release(msg);
      return true;
    }
    if (msg instanceof HttpRequest req) {
      return start(req);
    }
    if (msg instanceof HttpContent c) {
      content(c);
    } else {
      ctx.fireChannelRead(msg);
    }
    return true;
  }

  private boolean start(HttpRequest req) {
    body = Body.PASS;
    current = req;
    String t = gated(req);
    if (t == null) {
      slots.add(false);
      forward(req);
      return true;
    }
    tenant = t;
    WriteGate.Waiter w = gate.acquire(this::grantedElsewhere);
    if (w != null) {
      waiter = w;
      waitStart = System.nanoTime();
      held.addFirst(req);
      ctx.channel().config().setAutoRead(false);
      return false;
    }
    gateWaited.accept(0);
    admit(req);
    return true;
  }

  // The tenant of a remote write that goes through the gate and the limits, or null.
  private String gated(HttpRequest req) {
    if (!req.method().equals(HttpMethod.POST) || req.decoderResult().isFailure()) {
      return null;
    }
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    if (!path.equals(RemoteWriteHandler.PATH) && !path.equals(RemoteWriteHandler.OTLP_PATH)) {
      return null;
    }
    String t = tenantOf.apply(req.headers());
    try {
      TenantValidator.validate(t);
    } catch (InvalidTenantException e) {
      return null;
    }
    return t;
  }

  // On the thread that freed the slot.
  private void grantedElsewhere() {
    try {
      ctx.executor().execute(this::granted);
    } catch (RejectedExecutionException shuttingDown) {
      gate.release();
    }
  }

  private void granted() {
    if (closed) {
      gate.release();
      return;
    }
    waiter = null;
    gateWaited.accept(System.nanoTime() - waitStart);
    HttpRequest req = (HttpRequest) held.poll();
    // Before passing anything on: the remote-write handler may turn reading off again.
    ctx.channel().config().setAutoRead(true);
    admit(req);
    while (waiter == null && !held.isEmpty() && !closed) {
      if (!dispatch(held.poll())) {
        return;
      }
    }
  }

  // The request holds a slot: the head-series limit, then the size limit.
  private void admit(HttpRequest req) {
    slots.add(true);
    LimitRejection r = limiter.checkHeadSeries(tenant);
    if (r == null) {
      long length = HttpUtil.getContentLength(req, -1L);
      if (length >= 0) {
        r = limiter.checkBodySize(tenant, length);
      } else {
        sizeLimit = limiter.bodySizeLimit(tenant);
        if (sizeLimit > 0) {
          body = Body.COUNT;
          bodyBytes = 0;
        }
      }
    }
    if (r != null) {
      reject(req, r);
      return;
    }
    forward(req);
  }

  private void forward(HttpRequest req) {
    ctx.fireChannelRead(req);
    if (req instanceof LastHttpContent) {
      body = Body.PASS;
    }
  }

  private void content(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    switch (body) {
      case DISCARD -> {
        c.release();
        if (last) {
          body = Body.PASS;
        }
      }
      case DROP -> c.release();
      case COUNT -> {
        bodyBytes += c.content().readableBytes();
        LimitRejection r = bodyBytes > sizeLimit ? limiter.checkBodySize(tenant, bodyBytes) : null;
        if (r != null) {
          c.release();
          // The aggregator holds the start of the body: only closing ends this request.
          reject(current, r);
          return;
        }
        ctx.fireChannelRead(c);
        if (last) {
          body = Body.PASS;
        }
      }
      case PASS -> ctx.fireChannelRead(c);
    }
  }

  // Answers from here; 413 and requests without keep-alive close the connection.
  private void reject(HttpRequest req, LimitRejection r) {
    boolean close = r == LimitRejection.BODY_SIZE || !HttpUtil.isKeepAlive(req);
    FullHttpResponse resp = HttpResponses.text(r.httpStatus(), r.message());
    if (close) {
      HttpResponses.closing(resp);
    }
    onReject.rejected(req, resp);
    boolean whole = req instanceof LastHttpContent;
    ReferenceCountUtil.release(req);
    body = close ? Body.DROP : whole ? Body.PASS : Body.DISCARD;
    // From the tail, so that write() below sees the response and frees the slot.
    ChannelFuture f = ctx.channel().writeAndFlush(resp);
    if (close) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse r) {
      interimResponse = r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }
    boolean ends = msg instanceof LastHttpContent && !interimResponse;
    ctx.write(msg, promise);
    if (ends && Boolean.TRUE.equals(slots.poll())) {
      gate.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseAll();
  }

  private void releaseAll() {
    if (closed) {
      return;
    }
    closed = true;
    // Withdrawn, or already granted: then granted() sees closed and gives the slot back.
    if (waiter != null) {
      gate.cancel(waiter);
      waiter = null;
    }
    for (Boolean holds = slots.poll(); holds != null; holds = slots.poll()) {
      if (holds) {
        gate.release();
      }
    }
    for (Object m = held.poll(); m != null; m = held.poll()) {
      ReferenceCountUtil.release(m);
    }
  }
}
