// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.receiver.limits.ActiveSeries;
import io.sluice.receiver.limits.LimitsConfig;
import io.sluice.receiver.limits.LimitsConfigException;
import io.sluice.receiver.limits.WriteGate;
import io.sluice.receiver.limits.WriteLimiter;
import io.sluice.server.cli.LimitsFlags;
import io.sluice.server.http.BoundedAggregator;
import io.sluice.server.http.WriteLimitHandler;
import io.sluice.server.metrics.LimitsMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write limits of one receiver, wired from {@code --receive.limits-config[-file]} (reference
 * {@code thanos-receive.md} §10): the {@link WriteLimiter} the remote-write handler asks after
 * decoding, the {@link WriteGate} and the per-connection {@link WriteLimitHandler} in front of the
 * aggregator, and their metrics.
 *
 * <p>At start the file is loaded once more (counted in {@code
 * thanos_receive_limits_config_reload_total}, as Thanos' first poll), then re-read every {@code
 * --receive.limits-config-reload-timer} (1s), as Thanos polls it; when its SHA-256 changed it is
 * parsed and, if valid, replaces the limits for the next requests. An invalid file keeps the limits
 * in force, is logged, and counted in {@code thanos_receive_limits_config_reload_err_total} (every
 * reload attempt in {@code …_reload_total}); it is not retried until its content changes again. A
 * file that cannot be read is logged once, until it can be read again. Inline content is never
 * reloaded.
 *
 * <p>Thread-safe. {@link #close} stops the reloading.
 */
final class Limits implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Limits.class);

  private final LimitsFlags flags;
  private final WriteLimiter limiter;
  private final WriteGate gate = new WriteGate(0);
  private final LimitsMetrics metrics;
  private final ScheduledExecutorService reloader;
  // Under this: the hash of the content last loaded or refused, and whether a read failed.
  private byte[] lastHash;
  private boolean readFailed;

  private Limits(LimitsFlags flags, ActiveSeries activeSeries, LimitsMetrics metrics) {
    this.flags = flags;
    this.metrics = metrics;
    limiter = new WriteLimiter(LimitsConfig.NONE, activeSeries, metrics);
    reloader =
        flags.file() == null
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("limits-config-reloader").daemon().unstarted(r));
  }

  /**
   * Applies the limits parsed at start and, for a file, starts re-reading it.
   *
   * @param flags the limits flags
   * @param activeSeries counts a tenant's head series; null in router-only mode, which has no heads
   *     (the head-series limit is then not applied, and a warning says so)
   * @param metrics the limits' metrics
   */
  static Limits start(LimitsFlags flags, ActiveSeries activeSeries, LimitsMetrics metrics) {
    Limits l = new Limits(flags, activeSeries, metrics);
    // A file is loaded once more, as Thanos' first poll does: what is on disk now is in force, and
    // its hash is the one later polls compare with.
    if (flags.file() == null || !l.reload()) {
      l.apply(flags.initial());
    }
    if (l.reloader != null) {
      long every = flags.reloadIntervalMs();
      l.reloader.scheduleWithFixedDelay(l::reloadOrLog, every, every, TimeUnit.MILLISECONDS);
    }
    return l;
  }

  /** {@return the limits the remote-write handler checks after decoding} */
  WriteLimiter limiter() {
    return limiter;
  }

  /** {@return a new handler for one connection, to put before the aggregator} */
  ChannelHandler newConnectionHandler(
      Function<HttpHeaders, String> tenantOf, BoundedAggregator.Rejections onReject) {
    return new WriteLimitHandler(gate, limiter, tenantOf, onReject, metrics::gateWaited);
  }

  /**
   * Re-reads the file now, as the timer does; never throws.
   *
   * @return whether new limits were applied
   */
  synchronized boolean reload() {
    byte[] content;
    try {
      content = Files.readAllBytes(flags.file());
    } catch (IOException e) {
      if (!readFailed) {
        LOG.atError()
            .addKeyValue("file", flags.file())
            .addKeyValue("err", e.toString())
            .log("cannot read the limits configuration file; keeping the limits in force");
        readFailed = true;
      }
      return false;
    }
    readFailed = false;
    byte[] hash = sha256(content);
    if (Arrays.equals(hash, lastHash)) {
      return false;
    }
    lastHash = hash;
    LOG.atInfo().addKeyValue("file", flags.file()).log("reloading limit config");
    LimitsConfig next;
    try {
      next = LimitsConfig.parse(new String(content, StandardCharsets.UTF_8));
    } catch (LimitsConfigException e) {
      metrics.reloaded(false);
      LOG.atError()
          .addKeyValue("file", flags.file())
          .addKeyValue("err", e.getMessage())
          .log("error reloading tenant limits config; keeping the limits in force");
      return false;
    }
    metrics.reloaded(true);
    apply(next);
    return true;
  }

  // An exception escaping a scheduled task would end the reloading silently.
  private void reloadOrLog() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.atError().setCause(e).log("reloading the limits configuration failed");
    }
  }

  private void apply(LimitsConfig c) {
    limiter.update(c);
    gate.setMax((int) Math.min(Integer.MAX_VALUE, Math.max(0, c.maxConcurrency())));
    if (c.maxConcurrency() > 0) {
      metrics.gate(gate);
    }
    metrics.configured(c, limiter.countsHeadSeries());
    if (c.limitsHeadSeries() && !limiter.countsHeadSeries()) {
      LOG.atWarn()
          .log(
              "head_series_limit is not applied by a router-only receiver: it holds no heads to"
                  + " count; receivers that ingest apply it to the requests they receive over"
                  + " HTTP");
    }
    LOG.atInfo()
        .addKeyValue("max_concurrency", c.maxConcurrency())
        .addKeyValue("default", c.defaults())
        .addKeyValue("tenants", c.tenants().size())
        .log("write limits in force");
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }
}
