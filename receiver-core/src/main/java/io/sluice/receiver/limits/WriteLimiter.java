// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

import java.util.Objects;

/**
 * The limit decisions of a remote-write request, as Thanos' request and head-series limiters
 * (reference {@code thanos-receive.md} §10): each {@code check} returns null when the request may
 * go on, or the {@link LimitRejection} to answer. The configuration can be replaced at any time
 * ({@link #update}); a request sees one configuration per check.
 *
 * <p>Request limits: a value of 0 or less is unlimited; a request exactly at the limit passes.
 * Head-series limit: checked before the request is written, on the tenant's current count; a tenant
 * at or above its limit is refused as a whole (429); the request that crosses the limit is still
 * written, as in Thanos.
 *
 * <p>Thread-safe; allocates nothing.
 */
public final class WriteLimiter {
  /** Told about every refusal, for metrics. Called on the request's thread; must be quick. */
  public interface Listener {
    /**
     * A request limit refused a request.
     *
     * @param tenant the request's tenant
     * @param limit {@link LimitRejection#BODY_SIZE}, {@link LimitRejection#SERIES} or {@link
     *     LimitRejection#SAMPLES}
     * @param excess by how much the request was over the limit (bytes, series or samples)
     */
    void limitHit(String tenant, LimitRejection limit, long excess);

    /** The head-series limit refused a request of {@code tenant}. */
    void headSeriesLimited(String tenant);
  }

  private final ActiveSeries activeSeries;
  private final Listener listener;
  private volatile LimitsConfig config;

  /**
   * @param config the limits to start with
   * @param activeSeries counts a tenant's head series; null where no heads can be counted (the
   *     head-series limit is then never applied)
   * @param listener told about refusals
   */
  public WriteLimiter(LimitsConfig config, ActiveSeries activeSeries, Listener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.activeSeries = activeSeries;
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Replaces the configuration; requests that start afterwards use it. */
  public void update(LimitsConfig next) {
    config = Objects.requireNonNull(next, "next");
  }

  /** {@return the current configuration} */
  public LimitsConfig config() {
    return config;
  }

  /** {@return whether the head-series limit can apply here at all (heads can be counted)} */
  public boolean countsHeadSeries() {
    return activeSeries != null;
  }

  /**
   * {@return {@code tenant}'s {@code size_bytes_limit} in bytes; 0 or less: unlimited} For a body
   * without {@code Content-Length}, whose size is known only while it is read.
   */
  public long bodySizeLimit(String tenant) {
    return config.forTenant(tenant).sizeBytes();
  }

  /**
   * The size limit, against {@code Content-Length}, the bytes of a body read so far, or the decoded
   * body.
   *
   * @param bytes the size in bytes
   * @return null, or {@link LimitRejection#BODY_SIZE}
   */
  public LimitRejection checkBodySize(String tenant, long bytes) {
    long limit = config.forTenant(tenant).sizeBytes();
    if (limit <= 0 || bytes <= limit) {
      return null;
    }
    listener.limitHit(tenant, LimitRejection.BODY_SIZE, bytes - limit);
    return LimitRejection.BODY_SIZE;
  }

  /**
   * The series limit, then the samples limit, of a decoded request.
   *
   * @param series the request's time series
   * @param samples its float samples (histograms are not counted, as in Thanos)
   * @return null, {@link LimitRejection#SERIES} or {@link LimitRejection#SAMPLES}
   */
  public LimitRejection checkSeriesAndSamples(String tenant, long series, long samples) {
    TenantLimits l = config.forTenant(tenant);
    if (l.series() > 0 && series > l.series()) {
      listener.limitHit(tenant, LimitRejection.SERIES, series - l.series());
      return LimitRejection.SERIES;
    }
    if (l.samples() > 0 && samples > l.samples()) {
      listener.limitHit(tenant, LimitRejection.SAMPLES, samples - l.samples());
      return LimitRejection.SAMPLES;
    }
    return null;
  }

  /**
   * The head-series limit: refuses a tenant whose active series ({@link ActiveSeries}) are at or
   * above its {@code head_series_limit}. An unknown count, a limit of 0 or no way to count allow
   * the request.
   *
   * @return null, or {@link LimitRejection#HEAD_SERIES}
   */
  public LimitRejection checkHeadSeries(String tenant) {
    if (activeSeries == null) {
      return null;
    }
    long limit = config.forTenant(tenant).headSeries();
    if (limit <= 0) {
      return null;
    }
    long current = activeSeries.of(tenant);
    if (current < 0 || current < limit) {
      return null;
    }
    listener.headSeriesLimited(tenant);
    return LimitRejection.HEAD_SERIES;
  }
}
