// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusHandlerTest {
  private final FakeSource source = new FakeSource();
  private final List<String> passedOn = new ArrayList<>();
  private final EmbeddedChannel ch =
      new EmbeddedChannel(
          new StatusHandler(source),
          new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              FullHttpRequest r = (FullHttpRequest) msg;
              passedOn.add(r.uri());
              r.release();
            }
          });

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private FullHttpResponse send(HttpMethod method, String uri) {
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
    return ch.readOutbound();
  }

  private static String body(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  @Test
  void servesThePageAtTheRoot() {
    source.tenants = List.of(FakeSource.tenant("acme", 5));

    FullHttpResponse r = send(HttpMethod.GET, "/?refresh=2");

    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
    assertThat(r.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
    String html = body(r);
    assertThat(html).contains("data-tenant=\"acme\"");
    // A refresh below 5 s is raised to 5 s.
    assertThat(html).contains("content=\"5\"");
  }

  @Test
  void servesEachJsonSection() {
    for (String s : StatusJson.SECTIONS) {
      FullHttpResponse r = send(HttpMethod.GET, "/api/v1/status/" + s);
      assertThat(r.status().code()).as(s).isEqualTo(200);
      assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
      assertThat(body(r)).startsWith("{\"status\":\"success\",\"data\":");
    }
    assertThat(send(HttpMethod.GET, "/api/v1/status/nope").status().code()).isEqualTo(404);
  }

  @Test
  void passesEveryOtherPathOn() {
    assertThat(send(HttpMethod.GET, "/metrics")).isNull();
    assertThat(send(HttpMethod.GET, "/-/ready")).isNull();
    assertThat(passedOn).containsExactly("/metrics", "/-/ready");
  }

  @Test
  void answersOnlyReads() {
    FullHttpResponse r = send(HttpMethod.POST, "/");
    assertThat(r.status().code()).isEqualTo(405);
    assertThat(r.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET");
    r.release();
  }

  @Test
  void aSectionThatFailsAnswers500AndTheConnectionStaysUsable() {
    StatusSource failing =
        new FakeSource() {
          @Override
          public List<Status.Tenant> tenants() {
            throw new IllegalStateException("disk gone");
          }
        };
    EmbeddedChannel c = new EmbeddedChannel(new StatusHandler(failing));
    c.writeInbound(
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/status/tenants"));
    FullHttpResponse r = c.readOutbound();
    assertThat(r.status().code()).isEqualTo(500);
    assertThat(body(r)).contains("disk gone");
    c.writeInbound(
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/status/flags"));
    FullHttpResponse ok = c.readOutbound();
    assertThat(ok.status().code()).isEqualTo(200);
    ok.release();
    c.finishAndReleaseAll();
  }
}
