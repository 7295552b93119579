// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.sluice.receiver.admission.BodyBudget;
import io.sluice.receiver.admission.LiveHeap;
import io.sluice.receiver.admission.MemoryAdmission;
import io.sluice.receiver.admission.MemoryLevel;
import io.sluice.receiver.admission.MemoryLimits;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The remote-write listener's admission on embedded channels. */
class AdmissionHandlerTest {
  private static final int MAX_BODY = 10_000;

  private final long[] live = {0};
  private final MemoryAdmission memory =
      new MemoryAdmission(
          new MemoryLimits(0.80, 0.90),
          new LiveHeap() {
            @Override
            public long liveBytes() {
              return live[0];
            }

            @Override
            public long maxBytes() {
              return 1000;
            }

            @Override
            public void collect() {}
          },
          InstantSource.system());
  private final BodyBudget budget = new BodyBudget(1_000);
  private final List<Integer> rejected = new ArrayList<>();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<FullHttpResponse> answers = new ArrayList<>();

  /** What reached the handler after the admission. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    final List<Object> got = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      got.add(msg instanceof HttpRequest ? msg : "content");
      ReferenceCountUtil.release(msg);
    }
  }

  @AfterEach
  void close() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
    answers.forEach(FullHttpResponse::release);
  }

  private EmbeddedChannel channel(Sink sink) {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new AdmissionHandler(
                memory, budget, MAX_BODY, (req, resp) -> rejected.add(resp.status().code())),
            sink);
    channels.add(ch);
    return ch;
  }

  private void pressure(double ratio) {
    live[0] = (long) (ratio * 1000);
    memory.refresh();
  }

  private static HttpRequest post(long contentLength) {
    HttpRequest r =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/receive");
    if (contentLength >= 0) {
      HttpUtil.setContentLength(r, contentLength);
    } else {
      HttpUtil.setTransferEncodingChunked(r, true);
    }
    return r;
  }

  private static ByteBuf bytes(int n) {
    return Unpooled.wrappedBuffer(new byte[n]);
  }

  /** Sends a request with a body of {@code length} in two pieces. */
  private static void send(EmbeddedChannel ch, HttpRequest req, int length) {
    ch.writeInbound(req);
    ch.writeInbound(new DefaultHttpContent(bytes(length / 2)));
    ch.writeInbound(new DefaultLastHttpContent(bytes(length - length / 2)));
  }

  private static FullHttpResponse response(int status) {
    return HttpResponses.text(status, status == 200 ? "" : "x");
  }

  private FullHttpResponse answer(EmbeddedChannel ch) {
    FullHttpResponse r = ch.readOutbound();
    assertThat(r).as("an answer").isNotNull();
    answers.add(r);
    return r;
  }

  @Test
  void admittedBodiesHoldTheBudgetUntilTheirAnswerGoesOut() {
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(sink);
    send(ch, post(600), 600);
    assertThat(sink.got).hasSize(3);
    assertThat(budget.inFlight()).isEqualTo(600);
    ch.writeOutbound(response(200));
    assertThat(answer(ch).status().code()).isEqualTo(200);
    assertThat(budget.inFlight()).isZero();
    assertThat(rejected).isEmpty();
  }

  @Test
  void aBodyThatDoesNotFitIsDroppedUnreadAndAnswered503WithRetryAfterOnAnOpenConnection() {
    Sink first = new Sink();
    EmbeddedChannel a = channel(first);
    a.writeInbound(post(800));
    assertThat(budget.inFlight()).isEqualTo(800);

    Sink second = new Sink();
    EmbeddedChannel b = channel(second);
    b.writeInbound(post(300));
    b.writeInbound(new DefaultHttpContent(bytes(150)));
    assertThat((Object) b.readOutbound()).as("answered once the body is read").isNull();
    b.writeInbound(new DefaultLastHttpContent(bytes(150)));
    FullHttpResponse r = answer(b);
    assertThat(r.status().code()).isEqualTo(503);
    assertThat(r.headers().get("Retry-After"))
        .isEqualTo(Integer.toString(AdmissionHandler.BUDGET_RETRY_AFTER_SECONDS));
    assertThat(second.got).as("nothing passed on").isEmpty();
    assertThat(b.isOpen()).isTrue();
    assertThat(budget.inFlight()).isEqualTo(800);
    assertThat(budget.refused()).isEqualTo(1);
    assertThat(rejected).containsExactly(503);

    // The next request of the same connection is admitted once bytes came back.
    a.writeOutbound(response(200));
    answer(a);
    send(b, post(300), 300);
    assertThat(second.got).hasSize(3);
    assertThat(budget.inFlight()).isEqualTo(300);
  }

  @Test
  void aRefusalWaitsForTheAnswersOfTheRequestsBeforeIt() {
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(sink);
    send(ch, post(900), 900);
    send(ch, post(300), 300); // pipelined: does not fit while the first is in flight
    assertThat((Object) ch.readOutbound()).as("the refusal waits for the first answer").isNull();
    ch.writeOutbound(response(200));
    assertThat(answer(ch).status().code()).isEqualTo(200);
    assertThat(answer(ch).status().code()).isEqualTo(503);
    assertThat(sink.got).hasSize(3);
    assertThat(budget.inFlight()).isZero();
  }

  @Test
  void aBodyLargerThanThePerRequestMaximumGoesToTheAggregatorWithoutTakingTheBudget() {
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(sink);
    ch.writeInbound(post(MAX_BODY + 1));
    assertThat(sink.got).hasSize(1);
    assertThat(budget.inFlight()).isZero();
    ch.writeOutbound(response(413));
    assertThat(answer(ch).status().code()).isEqualTo(413);
    assertThat(budget.inFlight()).isZero();
  }

  @Test
  void aChunkedBodyTakesThePerRequestMaximum() {
    BodyBudget big = new BodyBudget(100_000);
    Sink sink = new Sink();
    EmbeddedChannel ch =
        new EmbeddedChannel(new AdmissionHandler(memory, big, MAX_BODY, (q, r) -> {}), sink);
    channels.add(ch);
    ch.writeInbound(post(-1));
    assertThat(big.inFlight()).isEqualTo(MAX_BODY);
  }

  @Test
  void aClosedConnectionGivesItsBytesBack() {
    EmbeddedChannel ch = channel(new Sink());
    ch.writeInbound(post(700));
    assertThat(budget.inFlight()).isEqualTo(700);
    ch.close();
    assertThat(budget.inFlight()).isZero();
  }

  @Test
  void refusesEveryPostAtTheWritesLimitButServesOtherMethods() {
    pressure(0.95);
    assertThat(memory.level()).isEqualTo(MemoryLevel.WRITES_REFUSED);
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(sink);
    send(ch, post(100), 100);
    FullHttpResponse r = answer(ch);
    assertThat(r.status().code()).isEqualTo(503);
    assertThat(r.headers().get("Retry-After"))
        .isEqualTo(Integer.toString(MemoryAdmission.RETRY_AFTER_SECONDS));
    assertThat(r.content().toString(java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("memory pressure:");
    assertThat(sink.got).isEmpty();
    assertThat(budget.inFlight()).isZero();
    assertThat(memory.rejections(MemoryLevel.WRITES_REFUSED)).isEqualTo(1);

    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    ch.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(sink.got).hasSize(2);

    pressure(0.5);
    send(ch, post(100), 100);
    assertThat(sink.got).hasSize(5);
  }

  @Test
  void addsRetryAfterToEvery503OfTheEndpointOnlyWhileUnderPressure() {
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(sink);
    send(ch, post(10), 10);
    ch.writeOutbound(response(503));
    assertThat(answer(ch).headers().contains("Retry-After")).as("no pressure").isFalse();

    pressure(0.85);
    assertThat(memory.level()).isEqualTo(MemoryLevel.KNOWN_SERIES_ONLY);
    send(ch, post(10), 10);
    ch.writeOutbound(response(503));
    assertThat(answer(ch).headers().get("Retry-After")).isEqualTo("5");
    send(ch, post(10), 10);
    ch.writeOutbound(response(409));
    assertThat(answer(ch).headers().contains("Retry-After")).isFalse();
  }

  @Test
  void aRefusedRequestThatExpectsContinueIsAnsweredAtOnceAndItsConnectionClosed() {
    pressure(0.95);
    EmbeddedChannel ch = channel(new Sink());
    HttpRequest req = post(100);
    req.headers().set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);
    ch.writeInbound(req);
    assertThat(answer(ch).status().code()).isEqualTo(503);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aRefusedRequestWithoutKeepAliveClosesItsConnectionAfterTheAnswer() {
    pressure(0.95);
    EmbeddedChannel ch = channel(new Sink());
    HttpRequest req = post(10);
    HttpUtil.setKeepAlive(req, false);
    send(ch, req, 10);
    FullHttpResponse r = answer(ch);
    assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(ch.isOpen()).isFalse();
  }
}
