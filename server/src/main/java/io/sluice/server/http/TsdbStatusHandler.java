// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.receiver.MultiTsdb;
import io.sluice.server.http.TsdbStatusJson.TenantStats;
import io.sluice.server.metrics.ReceiveMetrics;
import io.sluice.tsdb.head.HeadStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/status/tsdb} on the remote-write address, as Thanos receive serves it (handler
 * {@code tsdb_status}): the head statistics of the tenant named by the {@code
 * --receive.tenant-header} header (the default tenant without one), or of every tenant with {@code
 * all_tenants=true}; {@code limit} (default 10) entries per list. The document is Prometheus' TSDB
 * status, one per tenant, in a list (see {@link TsdbStatusJson}); a tenant that has no database on
 * this receiver gives an empty list.
 *
 * <p>As Thanos: {@code all_tenants=true} together with a tenant header is 400 ({@code bad_data}), a
 * {@code limit} that is not an integer 400, a receiver that is not ready yet 500 ({@code internal},
 * "service unavailable"); the response carries Thanos' CORS headers; the request is counted in
 * {@code http_requests_total{handler="tsdb_status"}} and the other HTTP metrics. A negative {@code
 * limit} is 400 here (Thanos fails it with a panic). Other paths pass on down the pipeline.
 *
 * <p>The statistics are computed on {@code executor}, off the event loop: counting a large head
 * takes a while, and remote writes on the same event loop must not wait for it.
 */
@Sharable
public final class TsdbStatusHandler extends ChannelInboundHandlerAdapter {
  /** The path of the endpoint. */
  public static final String PATH = "/api/v1/status/tsdb";

  /** Thanos' default number of entries per list. */
  public static final int DEFAULT_LIMIT = 10;

  private static final String HANDLER = "tsdb_status";
  private static final String ALL_TENANTS = "all_tenants";
  private static final String LIMIT = "limit";
  private static final Logger LOG = LoggerFactory.getLogger(TsdbStatusHandler.class);

  private final MultiTsdb tsdbs;
  private final Executor executor;
  private final ReceiveMetrics metrics;
  private final BooleanSupplier ready;
  private final String tenantHeader;
  private final String defaultTenant;

  /**
   * @param tsdbs the tenants' databases
   * @param executor computes the statistics
   * @param metrics request metrics
   * @param ready whether the receiver serves yet
   * @param tenantHeader {@code --receive.tenant-header}
   * @param defaultTenant {@code --receive.default-tenant-id}
   */
  public TsdbStatusHandler(
      MultiTsdb tsdbs,
      Executor executor,
      ReceiveMetrics metrics,
      BooleanSupplier ready,
      String tenantHeader,
      String defaultTenant) {
    this.tsdbs = tsdbs;
    this.executor = executor;
    this.metrics = metrics;
    this.ready = ready;
    this.tenantHeader = tenantHeader;
    this.defaultTenant = defaultTenant;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    QueryStringDecoder query = new QueryStringDecoder(req.uri());
    if (!query.path().equals(PATH)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      serve(ctx, req, query);
    } finally {
      req.release();
    }
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
    long start = System.nanoTime();
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String method = req.method().name().toLowerCase(Locale.ROOT);
    String header = req.headers().get(tenantHeader);
    String tenant = header == null || header.isEmpty() ? defaultTenant : header;
    long bytes = req.content().readableBytes();
    AtomicLong inflight = metrics.inflight(HANDLER, method, tenant);
    inflight.incrementAndGet();
    if (!req.method().equals(HttpMethod.GET)) {
      FullHttpResponse r = HttpResponses.text(405, "Method Not Allowed");
      r.headers().set(HttpHeaderNames.ALLOW, "GET");
      send(ctx, keepAlive, r, method, tenant, start, bytes, inflight);
      return;
    }
    boolean all = "true".equals(first(query, ALL_TENANTS));
    String limitParam = first(query, LIMIT);
    try {
      executor.execute(
          () -> {
            FullHttpResponse r = answer(all, header, tenant, limitParam);
            ctx.executor()
                .execute(() -> send(ctx, keepAlive, r, method, tenant, start, bytes, inflight));
          });
    } catch (RejectedExecutionException shuttingDown) {
      send(
          ctx,
          keepAlive,
          json(500, TsdbStatusJson.error("internal", "service unavailable")),
          method,
          tenant,
          start,
          bytes,
          inflight);
    }
  }

  /** The response to a GET; visible for tests of the document. */
  FullHttpResponse answer(boolean all, String header, String tenant, String limitParam) {
    if (!ready.getAsBoolean()) {
      return json(500, TsdbStatusJson.error("internal", "service unavailable"));
    }
    if (all && header != null && !header.isEmpty()) {
      return json(
          400,
          TsdbStatusJson.error(
              "bad_data",
              "using both the "
                  + ALL_TENANTS
                  + " parameter and the "
                  + tenantHeader
                  + " header is not supported"));
    }
    int limit = DEFAULT_LIMIT;
    if (limitParam != null && !limitParam.isEmpty()) {
      try {
        limit = (int) Math.min(Integer.MAX_VALUE, Long.parseLong(limitParam));
      } catch (NumberFormatException e) {
        return json(
            400,
            TsdbStatusJson.error(
                "bad_data",
                "unable to parse '"
                    + LIMIT
                    + "' parameter: strconv.ParseInt: parsing \""
                    + limitParam
                    + "\": invalid syntax"));
      }
      if (limit < 0) {
        return json(
            400,
            TsdbStatusJson.error("bad_data", "'" + LIMIT + "' parameter must not be negative"));
      }
    }
    List<MultiTsdb.Tenant> chosen = new ArrayList<>();
    if (all) {
      chosen.addAll(tsdbs.tenants());
    } else {
      MultiTsdb.Tenant t = tsdbs.get(tenant);
      if (t != null) {
        chosen.add(t);
      }
    }
    chosen.sort(Comparator.comparing(MultiTsdb.Tenant::id));
    List<TenantStats> stats = new ArrayList<>(chosen.size());
    try {
      for (MultiTsdb.Tenant t : chosen) {
        stats.add(new TenantStats(t.id(), HeadStats.of(t.head(), limit)));
      }
    } catch (RuntimeException e) {
      LOG.atError().setCause(e).log("computing the TSDB status failed");
      return json(500, TsdbStatusJson.error("internal", String.valueOf(e.getMessage())));
    }
    return json(200, TsdbStatusJson.success(stats));
  }

  private static String first(QueryStringDecoder query, String name) {
    List<String> v = query.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static FullHttpResponse json(int status, byte[] body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (status != 200) {
      r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    }
    return r;
  }

  private void send(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      FullHttpResponse r,
      String method,
      String tenant,
      long start,
      long bytes,
      AtomicLong inflight) {
    // Thanos' API handlers allow any origin.
    r.headers()
        .set(
            "Access-Control-Allow-Headers",
            "Accept, Accept-Encoding, Authorization, Content-Type, Origin")
        .set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        .set("Access-Control-Allow-Origin", "*")
        .set("Access-Control-Expose-Headers", "Date");
    if (!keepAlive) {
      HttpResponses.closing(r);
    }
    int code = r.status().code();
    var f = ctx.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
    inflight.decrementAndGet();
    metrics.request(HANDLER, method, tenant, code, System.nanoTime() - start, bytes, 0, 0);
  }
}
