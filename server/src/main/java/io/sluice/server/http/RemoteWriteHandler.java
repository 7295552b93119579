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
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.sluice.receiver.admission.MemoryAdmission;
import io.sluice.receiver.admission.MemoryAdmissionWriter;
import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.limits.LimitRejection;
import io.sluice.receiver.limits.WriteLimiter;
import io.sluice.receiver.otlp.OtlpRequestDecoder;
import io.sluice.receiver.otlp.OtlpSettings;
import io.sluice.receiver.otlp.OtlpTranslator;
import io.sluice.receiver.relabel.BatchRelabeller;
import io.sluice.receiver.relabel.Relabeller;
import io.sluice.receiver.tenant.TenantValidator;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.WriteStatus;
import io.sluice.receiver.write.Writer;
import io.sluice.server.metrics.ReceiveMetrics;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/receive}: the remote-write endpoint, in the order of Thanos' handler
 * (reference {@code thanos-receive.md} §5.2): tenant (400), body size (413, checked by {@link
 * BoundedAggregator} before the body is read), version and content type (400), snappy and protobuf
 * decoding (400, or 413 when the declared decoded size is over the limit), the tenant's decoded
 * size limit (413), replica header (400), empty request (200), the tenant's series and samples
 * limits (413), relabelling with {@code --receive.relabel-config} (series it drops are left out;
 * 200 when it drops them all), then the {@link Writer} (the replicator, or the local TSDB), whose
 * outcome {@link WriteStatus} maps to 200, 400, 409, 500 or 503. The write gate, the head-series
 * limit and the tenant's size limit on the body as received come before, in {@link
 * WriteLimitHandler}. (Thanos checks the decoded size before the protobuf is parsed: a body over
 * that limit and also malformed gets 400 here, 413 there; both are dropped by the client.)
 *
 * <p>{@code POST }{@value #OTLP_PATH} takes the same path with an OTLP body (Thanos' {@code
 * handler_otlp.go}, reference §5.4): {@link OtlpRequestDecoder} decodes it (400 for an unsupported
 * content type or encoding or a malformed body, 413 when gzip inflates it over the decoded size
 * limit), {@link OtlpTranslator} turns it into a remote write 1.0 body (400 when a metric cannot be
 * translated, delta temporality included), which is decoded, limited (the series and samples limits
 * count translated series), relabelled, split and written as a remote write is; the tenant's
 * decoded size limit does not apply (Thanos checks only {@code Content-Length} there), an invalid
 * split-tenant label value is 500 (Thanos' OTLP handler has no validation branch), and the request
 * metrics carry {@code handler="otlp"}. The translated body is itself held to the decoded size
 * limit (413; Sluice only, Thanos has no bound).
 *
 * <p>Decoding runs on the event loop, into a request context taken from a pool (decoder, batch,
 * body buffer, request and outcome); the write, which may wait on a WAL fsync or on peers, runs on
 * the write executor, and the response is sent from the event loop afterwards. The context goes
 * back to the pool once the response is built, so steady-state requests allocate nothing per series
 * or sample. While a request of a connection is being written the connection reads nothing more, so
 * responses keep request order and a client cannot queue unbounded work on one connection.
 */
@Sharable
public final class RemoteWriteHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** The path Thanos serves remote write on. */
  public static final String PATH = "/api/v1/receive";

  /** The path Thanos serves OTLP metrics on. */
  public static final String OTLP_PATH = "/api/v1/otlp";

  private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteHandler.class);
  private static final String DEFAULT_TENANT_HEADER = "THANOS-TENANT";
  private static final String REPLICA_HEADER = "THANOS-REPLICA";
  // Contexts kept for reuse; more may exist while more requests are in flight.
  private static final int POOLED_CONTEXTS = 64;

  private final Writer writer;
  private final Executor executor;
  private final ReceiveMetrics metrics;
  private final BooleanSupplier ready;
  private final String tenantHeader;
  private final String defaultTenant;
  private final int maxDecodedBytes;
  private final byte[] splitTenantLabel;
  private final WriteLimiter limiter;
  private final Relabeller relabeller;
  private final OtlpRequestDecoder otlpDecoder;
  private final OtlpTranslator otlpTranslator;
  private final ConcurrentLinkedQueue<Context> pool = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pooled = new AtomicInteger();

  /** What one request owns from decoding until its response is built. */
  private static final class Context {
    final RemoteWriteDecoder decoder;
    final WriteRequest request = new WriteRequest();
    final WriteOutcome outcome = new WriteOutcome();
    // With --receive.split-tenant-label-name: one request per tenant, [0, requestCount).
    WriteRequest[] split = new WriteRequest[0];
    int requestCount;
    WriteBatch batch;
    byte[] body = new byte[64 * 1024];
    // With --receive.relabel-config; applies the rules to this context's batches.
    final BatchRelabeller relabel;

    Context(int maxDecodedBytes, Relabeller relabeller) {
      decoder = new RemoteWriteDecoder(maxDecodedBytes);
      relabel = relabeller == null ? null : new BatchRelabeller(relabeller);
    }
  }

  /**
   * @param writer where decoded requests go
   * @param executor runs the writes (they may block); {@code Runnable::run} writes on the event
   *     loop
   * @param metrics request metrics
   * @param ready whether writes are accepted yet (503 otherwise)
   * @param tenantHeader the configured tenant header
   * @param defaultTenant the tenant of requests without one
   * @param maxDecodedBytes largest decoded body (413 above)
   * @param splitLabel {@code --receive.split-tenant-label-name}; empty for none
   * @param limiter the decoded size, series and samples limits ({@code --receive.limits-config});
   *     null for none
   * @param relabeller the {@code --receive.relabel-config} rules; null for none
   */
  public RemoteWriteHandler(
      Writer writer,
      Executor executor,
      ReceiveMetrics metrics,
      BooleanSupplier ready,
      String tenantHeader,
      String defaultTenant,
      int maxDecodedBytes,
      String splitLabel,
      WriteLimiter limiter,
      Relabeller relabeller) {
    this(
        writer,
        executor,
        metrics,
        ready,
        tenantHeader,
        defaultTenant,
        maxDecodedBytes,
        splitLabel,
        limiter,
        relabeller,
        OtlpSettings.DEFAULTS);
  }

  /**
   * As the other constructor, with the translation settings of {@value #OTLP_PATH}.
   *
   * @param otlp {@code --receive.otlp-enable-target-info} and {@code
   *     --receive.otlp-promote-resource-attributes}
   */
  public RemoteWriteHandler(
      Writer writer,
      Executor executor,
      ReceiveMetrics metrics,
      BooleanSupplier ready,
      String tenantHeader,
      String defaultTenant,
      int maxDecodedBytes,
      String splitLabel,
      WriteLimiter limiter,
      Relabeller relabeller,
      OtlpSettings otlp) {
    this.splitTenantLabel =
        splitLabel == null || splitLabel.isEmpty()
            ? null
            : splitLabel.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    this.writer = writer;
    this.executor = executor;
    this.metrics = metrics;
    this.ready = ready;
    this.tenantHeader = tenantHeader;
    this.defaultTenant = defaultTenant;
    this.maxDecodedBytes = maxDecodedBytes;
    this.limiter = limiter;
    this.relabeller = relabeller;
    this.otlpDecoder = new OtlpRequestDecoder(maxDecodedBytes);
    this.otlpTranslator = new OtlpTranslator(otlp);
  }

  /** The tenant of a request: the configured header, then Thanos' default header, then default. */
  public String tenantOf(HttpHeaders h) {
    String t = h.get(tenantHeader);
    if (t == null || t.isEmpty()) {
      t = h.get(DEFAULT_TENANT_HEADER);
    }
    return t == null || t.isEmpty() ? defaultTenant : t;
  }

  private Context take() {
    Context c = pool.poll();
    if (c == null) {
      return new Context(maxDecodedBytes, relabeller);
    }
    pooled.decrementAndGet();
    return c;
  }

  private void release(Context c) {
    c.batch = null;
    if (pooled.incrementAndGet() <= POOLED_CONTEXTS) {
      pool.offer(c);
    } else {
      pooled.decrementAndGet();
    }
  }

  /** What the response needs of the request, taken before Netty releases it. */
  private record Call(
      String handler,
      String method,
      String tenant,
      boolean keepAlive,
      long bytes,
      long start,
      java.util.concurrent.atomic.AtomicLong inflight) {}

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    long start = System.nanoTime();
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    boolean otlp = path.equals(OTLP_PATH);
    if (!otlp && !path.equals(PATH)) {
      respond(ctx, HttpUtil.isKeepAlive(req), HttpResponses.text(404, "404 page not found"));
      return;
    }
    String handler = otlp ? "otlp" : "receive";
    String tenant = tenantOf(req.headers());
    String method = req.method().name().toLowerCase(java.util.Locale.ROOT);
    Call call =
        new Call(
            handler,
            method,
            tenant,
            HttpUtil.isKeepAlive(req),
            req.content().readableBytes(),
            start,
            metrics.inflight(handler, method, tenant));
    call.inflight().incrementAndGet();
    if (!req.method().equals(HttpMethod.POST)) {
      FullHttpResponse r = HttpResponses.text(405, "method not allowed, use POST");
      r.headers().set(HttpHeaderNames.ALLOW, "POST");
      finish(ctx, call, r, 0, 0);
      return;
    }
    Context c = take();
    FullHttpResponse early;
    try {
      early = decode(req, tenant, c, otlp);
    } catch (RuntimeException e) {
      LOG.atError().addKeyValue("tenant", tenant).setCause(e).log("internal server error");
      early = HttpResponses.text(500, "internal server error: " + e.getMessage());
    }
    if (early != null) {
      WriteBatch b = c.batch;
      finish(ctx, call, early, b == null ? 0 : b.seriesCount(), b == null ? 0 : b.totalSamples());
      release(c);
      return;
    }
    ctx.channel().config().setAutoRead(false);
    try {
      executor.execute(() -> write(ctx, call, c));
    } catch (RejectedExecutionException shuttingDown) {
      ctx.channel().config().setAutoRead(true);
      finish(ctx, call, HttpResponses.text(503, "Service Unavailable"), 0, 0);
      release(c);
    }
  }

  // On the write executor.
  private void write(ChannelHandlerContext ctx, Call call, Context c) {
    FullHttpResponse resp;
    WriteBatch batch = c.batch;
    try {
      WriteStatus status = writeAll(c);
      // Refused for memory: logged once per episode by the admission, not per request.
      boolean memory = MemoryAdmissionWriter.isRefusal(status.message());
      if (status.httpStatus() >= 500 && !memory) {
        LOG.atWarn()
            .addKeyValue("tenant", call.tenant())
            .addKeyValue("status", status.httpStatus())
            .addKeyValue("err", status.message())
            .setCause(c.outcome.failure())
            .log("failed to handle request");
      }
      boolean ok = status.httpStatus() == 200;
      long written = ok ? batch.totalSamples() : c.outcome.appended();
      long histograms = ok ? batch.totalHistograms() : c.outcome.histogramsAppended();
      long exemplars = ok ? batch.totalExemplars() : c.outcome.exemplarsAppended();
      resp =
          written(
              HttpResponses.text(status.httpStatus(), status.message()),
              batch.version(),
              written,
              histograms,
              exemplars);
      if (memory) {
        resp.headers().setInt("Retry-After", MemoryAdmission.RETRY_AFTER_SECONDS);
      }
    } catch (RuntimeException e) {
      LOG.atError().addKeyValue("tenant", call.tenant()).setCause(e).log("internal server error");
      resp = HttpResponses.text(500, "internal server error: " + e.getMessage());
    }
    int series = batch.seriesCount();
    int samples = batch.totalSamples();
    release(c);
    FullHttpResponse r = resp;
    if (ctx.executor().inEventLoop()) {
      respondAfterWrite(ctx, call, r, series, samples);
    } else {
      ctx.executor().execute(() -> respondAfterWrite(ctx, call, r, series, samples));
    }
  }

  // Writes the request, or each tenant's share of it; the status is the worst, in Thanos' order of
  // causes (unavailable, not ready, conflict, then the rest). Leaves the appended count in
  // c.outcome.
  private WriteStatus writeAll(Context c) {
    if (splitTenantLabel == null) {
      c.outcome.reset(c.request.seriesCount());
      writer.write(c.request, c.outcome);
      return WriteStatus.of(c.outcome);
    }
    WriteStatus worst = WriteStatus.ok();
    int worstRank = 0;
    for (int i = 0; i < c.requestCount; i++) {
      WriteRequest r = c.split[i];
      c.outcome.reset(r.seriesCount());
      writer.write(r, c.outcome);
      int rank = ErrorKind.precedence(c.outcome.errorKind());
      if (rank > worstRank) {
        worstRank = rank;
        worst = WriteStatus.of(c.outcome);
      }
    }
    return worst;
  }

  private void respondAfterWrite(
      ChannelHandlerContext ctx, Call call, FullHttpResponse r, int series, int samples) {
    finish(ctx, call, r, series, samples);
    ctx.channel().config().setAutoRead(true);
  }

  /** Validates and decodes into {@code c}; returns the response when there is nothing to write. */
  private FullHttpResponse decode(FullHttpRequest req, String tenant, Context c, boolean otlp) {
    try {
      TenantValidator.validate(tenant);
    } catch (io.sluice.receiver.tenant.InvalidTenantException e) {
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
          otlp
              ? RemoteWriteVersion.V1
              : RemoteWriteVersion.negotiate(
                  h.get("X-Prometheus-Remote-Write-Version"), h.get(HttpHeaderNames.CONTENT_TYPE));
      ByteBuf content = req.content();
      int len = content.readableBytes();
      if (c.body.length < len) {
        c.body = new byte[Math.max(len, c.body.length * 2)];
      }
      content.getBytes(content.readerIndex(), c.body, 0, len);
      batch = otlp ? decodeOtlp(h, c, len) : c.decoder.decode(c.body, 0, len, version);
      c.batch = batch;
    } catch (RemoteWriteDecodeException e) {
      return HttpResponses.text(e.httpStatus(), e.getMessage());
    }
    LimitRejection limited =
        limiter == null || otlp ? null : limiter.checkBodySize(tenant, batch.bufferLength());
    if (limited != null) {
      return HttpResponses.text(limited.httpStatus(), limited.message());
    }
    long replica = 0;
    String replicaHeader = h.get(REPLICA_HEADER);
    if (replicaHeader != null && !replicaHeader.isEmpty()) {
      try {
        replica = Long.parseLong(replicaHeader);
      } catch (NumberFormatException e) {
        return HttpResponses.text(400, "could not parse replica header");
      }
    }
    if (batch.seriesCount() == 0) {
      return written(
          HttpResponses.text(200, ""),
          version,
          batch.totalSamples(),
          batch.totalHistograms(),
          batch.totalExemplars());
    }
    limited =
        limiter == null
            ? null
            : limiter.checkSeriesAndSamples(tenant, batch.seriesCount(), batch.totalSamples());
    if (limited != null) {
      return HttpResponses.text(limited.httpStatus(), limited.message());
    }
    if (c.relabel == null) {
      c.request.resetAll(tenant, replica, batch);
    } else if (c.relabel.relabel(batch, c.request.reset(tenant, replica, batch)) == 0) {
      // Thanos: a request relabelling drops entirely is a success with nothing written.
      return written(
          HttpResponses.text(200, ""),
          version,
          batch.totalSamples(),
          batch.totalHistograms(),
          batch.totalExemplars());
    }
    return splitTenantLabel == null ? null : split(c, replica, batch, otlp);
  }

  // The OTLP body in c.body[0, len): decoded, translated, and its remote-write body decoded.
  private WriteBatch decodeOtlp(HttpHeaders h, Context c, int len)
      throws RemoteWriteDecodeException {
    OtlpTranslator.Translation t =
        otlpTranslator.translate(
            otlpDecoder.decode(
                c.body,
                0,
                len,
                h.get(HttpHeaderNames.CONTENT_TYPE),
                h.get(HttpHeaderNames.CONTENT_ENCODING)));
    byte[] message = t.writeRequest();
    if (message.length > maxDecodedBytes) {
      throw new io.sluice.receiver.decode.DecodedBodyTooLargeException(
          message.length, maxDecodedBytes);
    }
    return c.decoder.decodeUncompressedV1(message, message.length);
  }

  /**
   * Thanos' {@code --receive.split-tenant-label-name}: a series carrying the label belongs to the
   * tenant its value names, and the label is left out of the series (from its hash, its stored
   * labels and what is forwarded); the others stay with the request's tenant. Splits the series of
   * {@code c.request} (after relabelling).
   */
  private FullHttpResponse split(Context c, long replica, WriteBatch batch, boolean otlp) {
    java.util.Map<String, WriteRequest> byTenant = new java.util.LinkedHashMap<>();
    byte[] buf = batch.buffer();
    String tenant = c.request.tenant();
    for (int k = 0, n = c.request.seriesCount(); k < n; k++) {
      int s = c.request.series(k);
      String t = tenant;
      int skip = -1;
      for (int l = 0, m = batch.labelCount(s); l < m; l++) {
        int off = batch.labelNameOffset(s, l);
        if (java.util.Arrays.equals(
            buf,
            off,
            off + batch.labelNameLength(s, l),
            splitTenantLabel,
            0,
            splitTenantLabel.length)) {
          t =
              new String(
                  buf,
                  batch.labelValueOffset(s, l),
                  batch.labelValueLength(s, l),
                  java.nio.charset.StandardCharsets.UTF_8);
          skip = l;
          break;
        }
      }
      if (skip >= 0) {
        try {
          TenantValidator.validate(t);
        } catch (io.sluice.receiver.tenant.InvalidTenantException e) {
          WriteStatus st = WriteStatus.of(ErrorKind.INVALID_TENANT_LABEL, e.getMessage());
          // Thanos' OTLP handler has no branch for validation errors: they are 500 there.
          return HttpResponses.text(otlp ? 500 : st.httpStatus(), st.message());
        }
      }
      WriteRequest r = byTenant.get(t);
      if (r == null) {
        int i = byTenant.size();
        if (i == c.split.length) {
          c.split = java.util.Arrays.copyOf(c.split, Math.max(4, i * 2));
        }
        if (c.split[i] == null) {
          c.split[i] = new WriteRequest();
        }
        r = c.split[i].reset(t, replica, batch);
        byTenant.put(t, r);
      }
      r.add(s, 0, skip);
    }
    c.requestCount = byTenant.size();
    return null;
  }

  // On success the whole request's counts, as Thanos; otherwise what this receiver took.
  private static FullHttpResponse written(
      FullHttpResponse r,
      RemoteWriteVersion version,
      long samples,
      long histograms,
      long exemplars) {
    if (version == RemoteWriteVersion.V2) {
      r.headers()
          .set("X-Prometheus-Remote-Write-Samples-Written", samples)
          .set("X-Prometheus-Remote-Write-Histograms-Written", histograms)
          .set("X-Prometheus-Remote-Write-Exemplars-Written", exemplars);
    }
    return r;
  }

  private void finish(
      ChannelHandlerContext ctx, Call call, FullHttpResponse resp, int series, int samples) {
    respond(ctx, call.keepAlive(), resp);
    call.inflight().decrementAndGet();
    count(
        call.handler(),
        call.method(),
        call.tenant(),
        resp.status().code(),
        System.nanoTime() - call.start(),
        call.bytes(),
        series,
        samples);
  }

  /**
   * Counts a request answered before it reached this handler (413 of the aggregator, 429 or 503 of
   * the admission handlers), with no duration, size, series or samples. A {@link
   * BoundedAggregator.Rejections} of the remote-write pipeline.
   */
  public void rejected(HttpRequest req, FullHttpResponse resp) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    count(
        (q < 0 ? uri : uri.substring(0, q)).equals(OTLP_PATH) ? "otlp" : "receive",
        req.method().name().toLowerCase(java.util.Locale.ROOT),
        tenantOf(req.headers()),
        resp.status().code(),
        0,
        0,
        0,
        0);
  }

  // The one place that records the HTTP request metrics of the remote-write listener.
  private void count(
      String handler,
      String method,
      String tenant,
      int code,
      long durationNanos,
      long requestBytes,
      int series,
      int samples) {
    metrics.request(handler, method, tenant, code, durationNanos, requestBytes, series, samples);
  }

  private static void respond(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse r) {
    if (!keepAlive) {
      HttpResponses.closing(r);
    }
    var f = ctx.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
