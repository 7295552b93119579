// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.sluice.receiver.limits.LimitRejection;
import io.sluice.receiver.limits.LimitsConfig;
import io.sluice.receiver.limits.TenantLimits;
import io.sluice.receiver.limits.WriteGate;
import io.sluice.receiver.limits.WriteLimiter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limits before the body is read, on embedded channels: the gate holds a request and stops
 * reading its connection, 429 and 413 are answered from here, and slots come back with responses
 * and closed connections.
 */
class WriteLimitHandlerTest {
  // "limited" is at its head-series limit; every tenant's body may be at most 100 bytes.
  private final WriteLimiter limiter =
      new WriteLimiter(
          new LimitsConfig(
              0,
              new TenantLimits(100, 0, 0, 0),
              Map.of("limited", new TenantLimits(100, 0, 0, 10))),
          t -> t.equals("limited") ? 10 : 0,
          new WriteLimiter.Listener() {
            @Override
            public void limitHit(String tenant, LimitRejection limit, long excess) {}

            @Override
            public void headSeriesLimited(String tenant) {}
          });
  private final WriteGate gate = new WriteGate(1);
  private final List<Integer> rejected = new ArrayList<>();
  private final List<Long> waits = new ArrayList<>();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** What the aggregator would receive. */
  private static final class Downstream extends ChannelInboundHandlerAdapter {
    final List<Object> received = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received.add(msg);
    }
  }

  @AfterEach
  void close() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel channel(Downstream down) {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new WriteLimitHandler(
                gate,
                limiter,
                h -> h.get("THANOS-TENANT", "default-tenant"),
                (req, resp) -> rejected.add(resp.status().code()),
                waits::add),
            down);
    channels.add(ch);
    return ch;
  }

  private static HttpRequest post(String tenant, long contentLength) {
    HttpRequest r =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/receive");
    r.headers().set("THANOS-TENANT", tenant);
    if (contentLength >= 0) {
      HttpUtil.setContentLength(r, contentLength);
    } else {
      HttpUtil.setTransferEncodingChunked(r, true);
    }
    return r;
  }

  private static HttpContent chunk(int n) {
    return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[n]));
  }

  private static HttpContent last(int n) {
    return new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[n]));
  }

  private static FullHttpResponse ok() {
    return HttpResponses.text(200, "");
  }

  private static String bodyOf(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  @Test
  void aRequestOverTheGateWaitsWithReadingStoppedAndGoesOnWhenASlotIsFree() {
    Downstream d1 = new Downstream();
    Downstream d2 = new Downstream();
    EmbeddedChannel c1 = channel(d1);
    EmbeddedChannel c2 = channel(d2);
    c1.writeInbound(post("a", 10), last(10));
    assertThat(d1.received).hasSize(2);
    assertThat(gate.inFlight()).isEqualTo(1);

    // The second connection's request and the part of its body already decoded are held.
    c2.writeInbound(post("b", 10), chunk(4));
    assertThat(d2.received).isEmpty();
    assertThat(c2.config().isAutoRead()).isFalse();
    c2.writeInbound(last(6));
    assertThat(d2.received).isEmpty();
    assertThat(gate.waiting()).isEqualTo(1);

    // The first response frees the slot: the second request goes on, in order, reading again.
    c1.writeOutbound(ok());
    c2.runPendingTasks();
    assertThat(d2.received).hasSize(3);
    assertThat(d2.received.get(0)).isInstanceOf(HttpRequest.class);
    assertThat(d2.received.get(2)).isInstanceOf(io.netty.handler.codec.http.LastHttpContent.class);
    assertThat(c2.config().isAutoRead()).isTrue();
    assertThat(gate.inFlight()).isEqualTo(1);
    assertThat(waits).hasSize(2);
    c2.writeOutbound(ok());
    assertThat(gate.inFlight()).isZero();
    d1.received.forEach(ReferenceCountUtil::release);
    d2.received.forEach(ReferenceCountUtil::release);
  }

  @Test
  void aTenantAtItsHeadSeriesLimitGets429AndTheConnectionStaysUsable() {
    Downstream d = new Downstream();
    EmbeddedChannel ch = channel(d);
    ch.writeInbound(post("limited", 20), chunk(10), last(10));
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(429);
    assertThat(bodyOf(r)).isEqualTo("tenant is above active series limit\n");
    assertThat(d.received).isEmpty();
    assertThat(ch.isActive()).isTrue();
    assertThat(gate.inFlight()).isZero();
    assertThat(rejected).containsExactly(429);

    ch.writeInbound(post("other", 3), last(3));
    assertThat(d.received).hasSize(2);
    d.received.forEach(ReferenceCountUtil::release);
  }

  @Test
  void aContentLengthOverTheSizeLimitGets413BeforeTheBodyAndCloses() {
    Downstream d = new Downstream();
    EmbeddedChannel ch = channel(d);
    ch.writeInbound(post("a", 101), chunk(50));
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(bodyOf(r)).isEqualTo("write request too large\n");
    assertThat(d.received).isEmpty();
    assertThat(ch.isOpen()).isFalse();
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void otlpWritesAreLimitedAsRemoteWritesAre() {
    Downstream d = new Downstream();
    EmbeddedChannel ch = channel(d);
    HttpRequest limited = post("limited", 20);
    limited.setUri("/api/v1/otlp");
    ch.writeInbound(limited, last(20));
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(429);
    r.release();
    HttpRequest big = post("a", 101);
    big.setUri("/api/v1/otlp");
    ch.writeInbound(big);
    r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(bodyOf(r)).isEqualTo("write request too large\n");
    assertThat(d.received).isEmpty();
    assertThat(gate.total()).isEqualTo(2);
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void aContentLengthAtTheLimitPasses() {
    Downstream d = new Downstream();
    EmbeddedChannel ch = channel(d);
    ch.writeInbound(post("a", 100), last(100));
    assertThat(d.received).hasSize(2);
    assertThat((Object) ch.readOutbound()).isNull();
    d.received.forEach(ReferenceCountUtil::release);
  }

  @Test
  void aChunkedBodyGets413WhenTheBytesReadCrossTheLimit() {
    Downstream d = new Downstream();
    EmbeddedChannel ch = channel(d);
    ch.writeInbound(post("a", -1), chunk(60));
    assertThat(d.received).hasSize(2);
    ch.writeInbound(chunk(41));
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(413);
    r.release();
    assertThat(d.received).hasSize(2);
    assertThat(ch.isOpen()).isFalse();
    assertThat(gate.inFlight()).isZero();
    d.received.forEach(ReferenceCountUtil::release);
  }

  @Test
  void otherRequestsAndInvalidTenantsPassWithoutASlot() {
    Downstream d = new Downstream();
    EmbeddedChannel ch = channel(d);
    ch.writeInbound(
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/receive"),
        last(0),
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/metrics"),
        last(0),
        post("../etc", 500),
        last(500));
    assertThat(d.received).hasSize(6);
    assertThat(gate.total()).isZero();
    // Their responses free nothing.
    ch.writeOutbound(ok(), ok(), ok());
    assertThat(gate.inFlight()).isZero();
    d.received.forEach(ReferenceCountUtil::release);
  }

  @Test
  void aClosedConnectionGivesItsSlotsBack() {
    Downstream d1 = new Downstream();
    Downstream d2 = new Downstream();
    EmbeddedChannel c1 = channel(d1);
    EmbeddedChannel c2 = channel(d2);
    c1.writeInbound(post("a", 1), last(1));
    c2.writeInbound(post("b", 1), last(1));
    assertThat(gate.waiting()).isEqualTo(1);
    // The waiting client goes away: its place in the queue is withdrawn.
    c2.close();
    assertThat(gate.waiting()).isZero();
    // The first one goes away before its response: the slot comes back.
    c1.close();
    assertThat(gate.inFlight()).isZero();
    d1.received.forEach(ReferenceCountUtil::release);
  }

  @Test
  void aClientGoneWhileItsSlotWasBeingHandedOverGivesItBack() {
    Downstream d1 = new Downstream();
    EmbeddedChannel c1 = channel(d1);
    EmbeddedChannel c2 = channel(new Downstream());
    c1.writeInbound(post("a", 1), last(1));
    c2.writeInbound(post("b", 1), last(1));
    c1.writeOutbound(ok());
    // Granted, but the hand-over task has not run yet when the connection closes.
    c2.close();
    c2.runPendingTasks();
    assertThat(gate.inFlight()).isZero();
    d1.received.forEach(ReferenceCountUtil::release);
  }

  @Test
  void turningTheGateOffLetsWaitersIn() {
    Downstream d2 = new Downstream();
    EmbeddedChannel c1 = channel(new Downstream());
    EmbeddedChannel c2 = channel(d2);
    c1.writeInbound(post("a", 1), last(1));
    c2.writeInbound(post("b", 1), last(1));
    assertThat(d2.received).isEmpty();
    gate.setMax(0);
    c2.runPendingTasks();
    assertThat(d2.received).hasSize(2);
    d2.received.forEach(ReferenceCountUtil::release);
  }

  @Test
  void aRefusedRequestWithoutKeepAliveClosesTheConnection() {
    EmbeddedChannel ch = channel(new Downstream());
    HttpRequest r = post("limited", 1);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ch.writeInbound(r, last(1));
    FullHttpResponse resp = ch.readOutbound();
    assertThat(resp.status().code()).isEqualTo(429);
    resp.release();
    assertThat(ch.isOpen()).isFalse();
  }
}
