// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.tenant.TenantValidator;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteStatus;
import io.sluice.server.metrics.ReceiveMetrics;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/receive}: the remote-write endpoint, in the order of Thanos' handler
 * (reference {@code thanos-receive.md} §5.2): tenant (400), body size (413, checked by {@link
 * BoundedAggregator} before the body is read), version and content type (400), snappy and protobuf
 * decoding (400, or 413 when the declared decoded size is over the limit), replica header (400),
 * empty request (200), then the local write (200, 409 or 503).
 *
 * <p>Runs on the event loop; the decoder, its buffers and the outcome are per thread, so a request
 * allocates nothing per series or sample.
 */
@Sharable
public final class RemoteWriteHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** The path Thanos serves remote write on. */
  public static final String PATH = "/api/v1/receive";

  private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteHandler.class);
  private static final String DEFAULT_TENANT_HEADER = "THANOS-TENANT";
  private static final String REPLICA_HEADER = "THANOS-REPLICA";

  private final LocalWriter writer;
  private final ReceiveMetrics metrics;
  private final BooleanSupplier ready;
  private final String tenantHeader;
  private final String defaultTenant;
  private final FastThreadLocal<PerThread> perThread;

  private static final class PerThread {
    final RemoteWriteDecoder decoder;
    final WriteOutcome outcome = new WriteOutcome();
    WriteBatch batch;
    byte[] body = new byte[64 * 1024];

    PerThread(int maxDecodedBytes) {
      decoder = new RemoteWriteDecoder(maxDecodedBytes);
    }
  }

  /**
   * @param writer where decoded requests go
   * @param metrics request metrics
   * @param ready whether writes are accepted yet (503 otherwise)
   * @param tenantHeader the configured tenant header
   * @param defaultTenant the tenant of requests without one
   * @param maxDecodedBytes largest decoded body (413 above)
   */
  public RemoteWriteHandler(
      LocalWriter writer,
      ReceiveMetrics metrics,
      BooleanSupplier ready,
      String tenantHeader,
      String defaultTenant,
      int maxDecodedBytes) {
    this.writer = writer;
    this.metrics = metrics;
    this.ready = ready;
    this.tenantHeader = tenantHeader;
    this.defaultTenant = defaultTenant;
    this.perThread =
        new FastThreadLocal<>() {
          @Override
          protected PerThread initialValue() {
            return new PerThread(maxDecodedBytes);
          }
        };
  }

  /** The tenant of a request: the configured header, then Thanos' default header, then default. */
  public String tenantOf(HttpHeaders h) {
    String t = h.get(tenantHeader);
    if (t == null || t.isEmpty()) {
      t = h.get(DEFAULT_TENANT_HEADER);
    }
    return t == null || t.isEmpty() ? defaultTenant : t;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    long start = System.nanoTime();
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String tenant = tenantOf(req.headers());
    if (!path.equals(PATH)) {
      respond(ctx, req, HttpResponses.text(404, "404 page not found"));
      return;
    }
    if (!req.method().equals(HttpMethod.POST)) {
      FullHttpResponse r = HttpResponses.text(405, "method not allowed, use POST");
      r.headers().set(HttpHeaderNames.ALLOW, "POST");
      finish(ctx, req, r, tenant, start, 0, 0);
      return;
    }
    PerThread pt = perThread.get();
    WriteBatch batch = null;
    FullHttpResponse resp;
    try {
      resp = handle(req, tenant, pt);
      batch = pt.batch;
    } catch (RuntimeException e) {
      LOG.atError().addKeyValue("tenant", tenant).setCause(e).log("internal server error");
      resp = HttpResponses.text(500, "internal server error: " + e.getMessage());
    }
    int series = batch == null ? 0 : batch.seriesCount();
    int samples = batch == null ? 0 : batch.totalSamples();
    finish(ctx, req, resp, tenant, start, series, samples);
  }

  private FullHttpResponse handle(FullHttpRequest req, String tenant, PerThread pt) {
    pt.batch = null;
    try {
      TenantValidator.validate(tenant);
    } catch (InvalidTenantException e) {
      return HttpResponses.text(400, e.getMessage());
    }
    if (!ready.getAsBoolean()) {
      return HttpResponses.text(503, "Service Unavailable");
    }
    HttpHeaders h = req.headers();
    RemoteWriteVersion version;
    WriteBatch batch;
    try {
      version =
          RemoteWriteVersion.negotiate(
              h.get("X-Prometheus-Remote-Write-Version"), h.get(HttpHeaderNames.CONTENT_TYPE));
      ByteBuf content = req.content();
      int len = content.readableBytes();
      if (pt.body.length < len) {
        pt.body = new byte[Math.max(len, pt.body.length * 2)];
      }
      content.getBytes(content.readerIndex(), pt.body, 0, len);
      batch = pt.decoder.decode(pt.body, 0, len, version);
      pt.batch = batch;
    } catch (RemoteWriteDecodeException e) {
      return HttpResponses.text(e.httpStatus(), e.getMessage());
    }
    String replica = h.get(REPLICA_HEADER);
    if (replica != null && !replica.isEmpty()) {
      try {
        Long.parseLong(replica);
      } catch (NumberFormatException e) {
        return HttpResponses.text(400, "could not parse replica header");
      }
      // Without a hashring this is Thanos' IngestorOnly mode, which resets the replica to 0.
    }
    if (batch.seriesCount() == 0) {
      return written(HttpResponses.text(200, ""), version, batch, batch.totalSamples());
    }
    WriteOutcome outcome = pt.outcome;
    outcome.reset();
    try {
      writer.write(tenant, batch, outcome);
    } catch (InvalidTenantException e) {
      return HttpResponses.text(400, e.getMessage());
    }
    WriteStatus status = WriteStatus.of(outcome);
    if (status.httpStatus() == 503) {
      LOG.atWarn()
          .addKeyValue("tenant", tenant)
          .setCause(outcome.failure())
          .log("failed to write to the local tsdb");
    }
    long written = status.httpStatus() == 200 ? batch.totalSamples() : outcome.appended();
    return written(
        HttpResponses.text(status.httpStatus(), status.message()), version, batch, written);
  }

  private static FullHttpResponse written(
      FullHttpResponse r, RemoteWriteVersion version, WriteBatch batch, long samples) {
    if (version == RemoteWriteVersion.V2) {
      r.headers()
          .set("X-Prometheus-Remote-Write-Samples-Written", samples)
          .set("X-Prometheus-Remote-Write-Histograms-Written", 0)
          .set("X-Prometheus-Remote-Write-Exemplars-Written", 0);
    }
    return r;
  }

  private void finish(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      FullHttpResponse resp,
      String tenant,
      long start,
      int series,
      int samples) {
    long bytes = req.content().readableBytes();
    respond(ctx, req, resp);
    metrics.request(
        "receive",
        req.method().name().toLowerCase(java.util.Locale.ROOT),
        tenant,
        resp.status().code(),
        System.nanoTime() - start,
        bytes,
        series,
        samples);
  }

  private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!keepAlive) {
      HttpResponses.closing(r);
    }
    var f = ctx.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
