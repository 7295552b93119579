// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.sluice.receiver.admission.BodyBudget;
import io.sluice.receiver.admission.MemoryAdmission;
import io.sluice.receiver.admission.MemoryAdmissionWriter;
import io.sluice.receiver.admission.MemoryLevel;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The remote-write listener's admission, between the HTTP codec and the body aggregator, so that it
 * decides on a request's headers, before any of its body is held (Sluice only):
 *
 * <ul>
 *   <li>while the {@link MemoryAdmission} refuses every write, a {@code POST} is answered 503 with
 *       {@code Retry-After: }{@value MemoryAdmission#RETRY_AFTER_SECONDS};
 *   <li>otherwise the request takes its {@code Content-Length} from the {@link BodyBudget} (a body
 *       without one, chunked, takes the per-request maximum), and is answered 503 with {@code
 *       Retry-After: }{@value #BUDGET_RETRY_AFTER_SECONDS} when that does not fit; a body over the
 *       per-request maximum goes on to the aggregator's 413 without taking anything;
 *   <li>the bytes go back to the budget when the request's response passes on its way out (or the
 *       connection closes);
 *   <li>every other 503 of the endpoint gets {@code Retry-After: }{@value
 *       MemoryAdmission#RETRY_AFTER_SECONDS} while the admission is above {@link
 *       MemoryLevel#NORMAL} (a write refused later for its new series carries it already).
 * </ul>
 *
 * <p>A refused request's body is read and dropped piece by piece as it arrives — never aggregated —
 * and the 503 is sent once it has been read, after the answers of the requests before it (HTTP/1.1
 * keeps answers in request order), on a connection that stays open: the agent sees an ordinary
 * answer, not a reset. (A request that expects {@code 100 Continue} is answered at once and its
 * connection closed, since its client may never send the body.) Prometheus retries every 5xx with
 * back-off; from 2.49 on it waits {@code Retry-After} instead.
 *
 * <p>One instance per connection; runs on the connection's event loop. Costs per request one
 * volatile read and one compare-and-set, nothing per series or sample.
 */
public final class AdmissionHandler extends ChannelDuplexHandler {
  /** The {@code Retry-After} of a request refused because too many bodies are in flight. */
  public static final int BUDGET_RETRY_AFTER_SECONDS = 1;

  private static final String RETRY_AFTER = "Retry-After";

  private final MemoryAdmission memory;
  private final BodyBudget budget;
  private final int maxBodyBytes;
  private final BoundedAggregator.Rejections onReject;
  // One entry per request not answered yet, in request order: the bytes an admitted request took
  // (its answer comes from the handlers after this one), or the refusal of a refused one (sent from
  // here once its body is read and every answer before it has gone out).
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  // The refused request whose body is being dropped; null when none.
  private Refusal draining;

  private static final class Refusal {
    final FullHttpResponse response;
    boolean keepAlive;
    boolean ready;

    Refusal(FullHttpResponse response, boolean keepAlive) {
      this.response = response;
      this.keepAlive = keepAlive;
    }
  }

  /**
   * @param memory the memory admission
   * @param budget the bodies in flight of the whole listener
   * @param maxBodyBytes {@code --remote-write.max-body-bytes}: what a chunked body takes
   * @param onReject told about every refused request (for {@code http_requests_total})
   */
  public AdmissionHandler(
      MemoryAdmission memory,
      BodyBudget budget,
      int maxBodyBytes,
      BoundedAggregator.Rejections onReject) {
    this.memory = Objects.requireNonNull(memory, "memory");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.maxBodyBytes = maxBodyBytes;
    this.onReject = Objects.requireNonNull(onReject, "onReject");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (draining != null) {
      // The body of a refused request: dropped as it arrives.
      boolean last = msg instanceof LastHttpContent;
      ReferenceCountUtil.release(msg);
      if (last) {
        draining.ready = true;
        draining = null;
        sendReady(ctx);
      }
      return;
    }
    if (msg instanceof HttpRequest req) {
      FullHttpResponse refused = req.method().equals(HttpMethod.POST) ? admit(req) : take(0);
      if (refused != null) {
        refuse(ctx, req, msg, refused);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  // Null when admitted (the bytes taken are recorded); the refusal otherwise.
  private FullHttpResponse admit(HttpRequest req) {
    if (memory.level() == MemoryLevel.WRITES_REFUSED) {
      memory.rejected(MemoryLevel.WRITES_REFUSED);
      return refusal(MemoryAdmissionWriter.WRITES_REFUSED, MemoryAdmission.RETRY_AFTER_SECONDS);
    }
    long length = HttpUtil.getContentLength(req, -1L);
    if (length > maxBodyBytes) {
      return take(0); // the aggregator answers 413 before reading it
    }
    long need = length < 0 ? maxBodyBytes : length;
    if (!budget.tryAcquire(need)) {
      return refusal(
          MemoryAdmissionWriter.REFUSAL_PREFIX + "too many request bodies in flight",
          BUDGET_RETRY_AFTER_SECONDS);
    }
    return take(need);
  }

  private FullHttpResponse take(long bytes) {
    pending.add(bytes);
    return null;
  }

  private static FullHttpResponse refusal(String message, int retryAfterSeconds) {
    FullHttpResponse r = HttpResponses.text(503, message);
    r.headers().setInt(RETRY_AFTER, retryAfterSeconds);
    return r;
  }

  private void refuse(ChannelHandlerContext ctx, HttpRequest req, Object msg, FullHttpResponse r) {
    onReject.rejected(req, r);
    Refusal refusal = new Refusal(r, HttpUtil.isKeepAlive(req));
    pending.add(refusal);
    if (msg instanceof LastHttpContent) {
      ReferenceCountUtil.release(msg);
      refusal.ready = true;
    } else if (HttpUtil.is100ContinueExpected(req)) {
      // Its client may wait for 100 Continue forever, or send the body anyway: close after.
      refusal.keepAlive = false;
      refusal.ready = true;
      draining = refusal;
    } else {
      draining = refusal;
    }
    sendReady(ctx);
  }

  // Sends the refusals that are ready and have no unanswered request before them.
  private void sendReady(ChannelHandlerContext ctx) {
    while (pending.peek() instanceof Refusal r && r.ready) {
      pending.poll();
      if (!r.keepAlive) {
        HttpResponses.closing(r.response);
        ctx.writeAndFlush(r.response).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(r.response);
      }
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean answer = msg instanceof HttpResponse resp && resp.status().code() >= 200;
    if (answer) {
      HttpResponse resp = (HttpResponse) msg;
      if (pending.poll() instanceof Long bytes && bytes > 0) {
        budget.release(bytes);
      }
      if (resp.status().code() == 503
          && memory.level() != MemoryLevel.NORMAL
          && !resp.headers().contains(RETRY_AFTER)) {
        resp.headers().setInt(RETRY_AFTER, MemoryAdmission.RETRY_AFTER_SECONDS);
      }
    }
    ctx.write(msg, promise);
    if (answer) {
      sendReady(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    giveBack();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    giveBack();
  }

  private void giveBack() {
    Object o;
    while ((o = pending.poll()) != null) {
      if (o instanceof Long bytes && bytes > 0) {
        budget.release(bytes);
      } else if (o instanceof Refusal r) {
        r.response.release();
      }
    }
    draining = null;
  }
}
