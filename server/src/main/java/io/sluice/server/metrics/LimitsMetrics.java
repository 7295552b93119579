// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.sluice.receiver.limits.LimitRejection;
import io.sluice.receiver.limits.LimitsConfig;
import io.sluice.receiver.limits.TenantLimits;
import io.sluice.receiver.limits.WriteGate;
import io.sluice.receiver.limits.WriteLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics of the write limits, with Thanos' names (reference {@code thanos-receive.md} §10,
 * §11): {@code thanos_receive_limits_config_reload_total} and {@code …_reload_err_total}; {@code
 * thanos_receive_metamonitoring_failed_queries_total} (always 0: Sluice queries nothing); {@code
 * thanos_receive_write_limits{tenant,limit}} (tenant {@code ""} is the default) and the summary
 * {@code thanos_receive_write_limits_hit{tenant,limit}} of how far over the limit refused requests
 * were; {@code thanos_receive_head_series_limit{tenant}} and {@code
 * thanos_receive_head_series_limited_requests_total{tenant}}; and, once a gate is configured,
 * {@code thanos_receive_write_request_concurrent_gate_write_requests_{max,in_flight,total,
 * duration_seconds}}.
 *
 * <p>Thread-safe.
 */
public final class LimitsMetrics implements WriteLimiter.Listener {
  // Thanos' gate duration buckets, in seconds.
  private static final double[] GATE_BUCKETS = {
    0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120, 240, 360, 720
  };
  private static final String GATE = "thanos.receive.write.request.concurrent.gate.write.requests";

  private final MeterRegistry registry;
  private final Counter reloads;
  private final Counter reloadErrors;
  private final MultiGauge configured;
  private final MultiGauge headSeriesLimits;
  private final Map<String, Counter> headLimited = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> hits = new ConcurrentHashMap<>();
  private volatile Timer gateWait;

  /** Registers the reload counters (also without a limits file, as Thanos). */
  public LimitsMetrics(MeterRegistry registry) {
    this.registry = registry;
    reloads =
        Counter.builder("thanos.receive.limits.config.reload")
            .description("How many times the limit configuration was reloaded")
            .register(registry);
    reloadErrors =
        Counter.builder("thanos.receive.limits.config.reload.err")
            .description("How many times the limit configuration failed to reload.")
            .register(registry);
    // Thanos counts its failed meta-monitoring queries; Sluice counts head series itself and runs
    // none, so the mixin's alert on this counter reads 0 rather than nothing.
    Counter.builder("thanos.receive.metamonitoring.failed.queries")
        .description("The total number of meta-monitoring queries that failed while limiting.")
        .register(registry);
    configured =
        MultiGauge.builder("thanos.receive.write.limits")
            .description("The configured write limits.")
            .register(registry);
    headSeriesLimits =
        MultiGauge.builder("thanos.receive.head.series.limit")
            .description("The configured limit for active (head) series of tenants.")
            .register(registry);
  }

  /** Counts a reload of the limits file; {@code ok} false also counts a reload error. */
  public void reloaded(boolean ok) {
    reloads.increment();
    if (!ok) {
      reloadErrors.increment();
    }
  }

  /**
   * Sets the configured-limit gauges to {@code c}, dropping the tenants it no longer lists.
   *
   * @param headSeriesApplies whether this receiver applies the head-series limit (it has heads);
   *     without it, or without any head-series limit, {@code thanos_receive_head_series_limit} has
   *     no series, as in Thanos
   */
  public void configured(LimitsConfig c, boolean headSeriesApplies) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    List<MultiGauge.Row<?>> head = new ArrayList<>();
    addRows(rows, head, "", c.defaults());
    c.tenants().forEach((tenant, l) -> addRows(rows, head, tenant, l));
    configured.register(rows, true);
    headSeriesLimits.register(headSeriesApplies && c.limitsHeadSeries() ? head : List.of(), true);
  }

  private static void addRows(
      List<MultiGauge.Row<?>> rows, List<MultiGauge.Row<?>> head, String tenant, TenantLimits l) {
    rows.add(MultiGauge.Row.of(Tags.of("tenant", tenant, "limit", "body_size"), l.sizeBytes()));
    rows.add(MultiGauge.Row.of(Tags.of("tenant", tenant, "limit", "series"), l.series()));
    rows.add(MultiGauge.Row.of(Tags.of("tenant", tenant, "limit", "samples"), l.samples()));
    head.add(MultiGauge.Row.of(Tags.of("tenant", tenant), l.headSeries()));
  }

  @Override
  public void limitHit(String tenant, LimitRejection limit, long excess) {
    hits.computeIfAbsent(
            tenant + '\u0000' + limit.limitName(),
            k ->
                DistributionSummary.builder("thanos.receive.write.limits.hit")
                    .description(
                        "Summary of how much beyond the limit a refused remote write request was.")
                    .tags("tenant", tenant, "limit", limit.limitName())
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .register(registry))
        .record(excess);
  }

  @Override
  public void headSeriesLimited(String tenant) {
    headLimited
        .computeIfAbsent(
            tenant,
            t ->
                Counter.builder("thanos.receive.head.series.limited.requests")
                    .description(
                        "The total number of remote write requests that have been dropped due to"
                            + " active series limiting.")
                    .tag("tenant", t)
                    .register(registry))
        .increment();
  }

  /**
   * Registers the gate's meters (once; Thanos has them only while a gate is configured).
   *
   * @param gate held for the registry's life
   */
  public synchronized void gate(WriteGate gate) {
    if (gateWait != null) {
      return;
    }
    Gauge.builder(GATE + ".max", gate, WriteGate::max)
        .description("Maximum number of concurrent write_requests.")
        .strongReference(true)
        .register(registry);
    Gauge.builder(GATE + ".in.flight", gate, WriteGate::inFlight)
        .description("Number of write_requests that are currently in flight.")
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder(GATE, gate, WriteGate::total)
        .description("Total number of write_requests.")
        .register(registry);
    gateWait =
        Timer.builder(GATE + ".duration")
            .description("How many seconds it took for write_requests to wait at the gate.")
            .serviceLevelObjectives(durations(GATE_BUCKETS))
            .register(registry);
  }

  /** Records how long a request waited at the gate; nothing before {@link #gate} was called. */
  public void gateWaited(long nanos) {
    Timer t = gateWait;
    if (t != null) {
      t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private static Duration[] durations(double[] seconds) {
    Duration[] d = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      d[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
    }
    return d;
  }
}
