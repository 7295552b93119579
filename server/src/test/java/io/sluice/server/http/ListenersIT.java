// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.sluice.server.metrics.ReceiveMetrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The remote-write and ops listeners on loopback sockets: their pipelines and lifecycle. */
class ListenersIT {
  private static final int MAX_BODY = 1024;
  private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

  private final ReceiveMetrics metrics = new ReceiveMetrics();
  private final RemoteWriteHandler handler =
      new RemoteWriteHandler(
          (request, outcome) -> {},
          Runnable::run,
          metrics,
          () -> true,
          "THANOS-TENANT",
          "default-tenant",
          1 << 20,
          "",
          null,
          null);

  @Test
  void answersAnOversizedBodyWith413BeforeReadingItAndCountsItForItsTenant() throws Exception {
    try (RemoteWriteServer rw =
        RemoteWriteServer.bind(
            ANY, MAX_BODY, null, onReject -> passThrough(), List.of(), handler)) {
      assertThat(
              statusLine(
                  rw.address(),
                  "POST /api/v1/receive HTTP/1.1\r\nHost: x\r\nTHANOS-TENANT: team-a\r\n"
                      + "Content-Length: 5000\r\n\r\n"))
          .startsWith("HTTP/1.1 413");
      assertThat(metrics.scrape())
          .contains(
              "http_requests_total{code=\"413\",handler=\"receive\",method=\"post\",tenant=\"team-a\"} 1");
    }
  }

  @Test
  void putsTheLimitsBeforeTheMemoryAdmissionAndCountsWhatTheyRefuse() throws Exception {
    try (RemoteWriteServer rw =
        RemoteWriteServer.bind(
            ANY,
            MAX_BODY,
            onReject -> refusing(429, onReject),
            onReject -> refusing(503, onReject),
            List.of(),
            handler)) {
      assertThat(statusLine(rw.address(), post("team-b"))).startsWith("HTTP/1.1 429");
      assertThat(metrics.scrape())
          .contains(
              "http_requests_total{code=\"429\",handler=\"receive\",method=\"post\",tenant=\"team-b\"} 1")
          .doesNotContain("code=\"503\"");
    }
    try (RemoteWriteServer rw =
        RemoteWriteServer.bind(
            ANY, MAX_BODY, null, onReject -> refusing(503, onReject), List.of(), handler)) {
      assertThat(statusLine(rw.address(), post("team-b"))).startsWith("HTTP/1.1 503");
    }
  }

  @Test
  void servesOpenConnectionsButNoNewOnesOnceItStopsAccepting() throws Exception {
    try (RemoteWriteServer rw =
        RemoteWriteServer.bind(
            ANY, MAX_BODY, null, onReject -> passThrough(), List.of(), handler)) {
      InetSocketAddress address = rw.address();
      try (Socket open = new Socket(address.getAddress(), address.getPort())) {
        BufferedReader in = reader(open);
        // Answered: the connection was accepted (one still in the backlog is reset at the close).
        assertThat(exchange(open, in, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n"))
            .startsWith("HTTP/1.1 404");
        rw.stopAccepting();
        assertThat(exchange(open, in, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n"))
            .startsWith("HTTP/1.1 404");
        assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
            .isInstanceOf(ConnectException.class);
      }
    }
  }

  @Test
  void opsListenerServesTheProbes() throws Exception {
    boolean[] ready = {false};
    try (OpsServer ops = OpsServer.bind(ANY, List.of(), new OpsHandler(() -> "", () -> ready[0]))) {
      assertThat(statusLine(ops.address(), "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
      assertThat(statusLine(ops.address(), "GET /-/ready HTTP/1.1\r\nHost: x\r\n\r\n"))
          .startsWith("HTTP/1.1 503");
      ready[0] = true;
      assertThat(statusLine(ops.address(), "GET /-/ready HTTP/1.1\r\nHost: x\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
    }
  }

  private static String post(String tenant) {
    return "POST /api/v1/receive HTTP/1.1\r\nHost: x\r\nTHANOS-TENANT: "
        + tenant
        + "\r\nContent-Length: 0\r\n\r\n";
  }

  private static String statusLine(InetSocketAddress address, String request) throws IOException {
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      return exchange(s, reader(s), request);
    }
  }

  private static BufferedReader reader(Socket s) throws IOException {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
  }

  /** Sends {@code request}, reads the whole response; returns its status line. */
  private static String exchange(Socket s, BufferedReader in, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    String status = in.readLine();
    int length = 0;
    for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
      if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(h.indexOf(':') + 1).strip());
      }
    }
    if (in.skip(length) != length) {
      throw new IOException("response body cut short");
    }
    return status;
  }

  private static ChannelHandler passThrough() {
    return new ChannelInboundHandlerAdapter();
  }

  /** An admission handler that answers every request with {@code code} and reports it. */
  private static ChannelHandler refusing(int code, BoundedAggregator.Rejections onReject) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
          FullHttpResponse resp = HttpResponses.text(code, "refused");
          onReject.rejected(req, resp);
          ctx.writeAndFlush(resp);
        }
        ReferenceCountUtil.release(msg);
      }
    };
  }
}
