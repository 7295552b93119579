// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The receiver's metrics, with the names and labels the Thanos mixin uses: {@code
 * http_requests_total}, {@code http_request_duration_seconds} and {@code http_request_size_bytes}
 * with {@code code, handler, method, tenant}; {@code thanos_receive_write_timeseries} and {@code
 * thanos_receive_write_samples} with {@code code, tenant}; {@code http_inflight_requests} with
 * {@code handler, method, tenant}; {@code prometheus_tsdb_*} with {@code tenant}; {@link
 * BuildInfo}; plus JVM and process metrics.
 *
 * <p>Thread-safe. Meters are looked up once per (handler, method, tenant, code) and cached, so
 * recording a request costs a map lookup and no registration.
 */
public final class ReceiveMetrics {
  // Thanos' duration buckets for the receive handler (forward timeout 5s).
  private static final double[] DURATION_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.25, 0.5, 0.75, 1, 2,
    3, 4, 5
  };
  private static final double[] SIZE_BUCKETS = {
    100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };
  private static final double[] WRITE_BUCKETS = {10, 50, 100, 500, 1000, 5000, 10000};

  private final PrometheusMeterRegistry registry;
  private final ConcurrentHashMap<Key, RequestMeters> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, AtomicLong> inflight = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> samplesAppended = new ConcurrentHashMap<>();

  private record Key(String handler, String method, String tenant, int code) {}

  private record RequestMeters(
      Counter total,
      Timer duration,
      DistributionSummary size,
      DistributionSummary timeseries,
      DistributionSummary samples) {}

  /** Creates the registry and binds the JVM and process metrics. */
  public ReceiveMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    BuildInfo.register(registry.getPrometheusRegistry());
  }

  /** The registry, for components that register their own meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Records one finished HTTP request.
   *
   * @param timeseries series in the request, 0 when it was not decoded
   * @param samples float samples in the request, 0 when it was not decoded
   */
  public void request(
      String handler,
      String method,
      String tenant,
      int code,
      long durationNanos,
      long requestBytes,
      int timeseries,
      int samples) {
    RequestMeters m =
        requests.computeIfAbsent(new Key(handler, method, tenant, code), this::register);
    m.total.increment();
    m.duration.record(Duration.ofNanos(durationNanos));
    m.size.record(requestBytes);
    if ("receive".equals(handler)) {
      m.timeseries.record(timeseries);
      m.samples.record(samples);
    }
  }

  /**
   * The gauge {@code http_inflight_requests{handler,method,tenant}}, as Thanos' HTTP
   * instrumentation: the caller increments it when it starts working on a request and decrements it
   * once the response is sent. Looked up once per request, never per sample.
   */
  public AtomicLong inflight(String handler, String method, String tenant) {
    return inflight.computeIfAbsent(new Key(handler, method, tenant, 0), this::registerInflight);
  }

  private AtomicLong registerInflight(Key k) {
    AtomicLong n = new AtomicLong();
    io.micrometer.core.instrument.Gauge.builder("http.inflight.requests", n, AtomicLong::get)
        .description("Current number of HTTP requests the handler is responding to.")
        .tags("handler", k.handler, "method", k.method, "tenant", k.tenant)
        .strongReference(true)
        .register(registry);
    return n;
  }

  /**
   * Counts {@code samples} float samples appended to {@code tenant}'s head in one write:
   * Prometheus' {@code prometheus_tsdb_head_samples_appended_total{type="float"}}, with receive's
   * {@code tenant} label. Called once per local write (a request's share of one tenant), never per
   * sample; 0 registers the counter.
   */
  public void samplesAppended(String tenant, long samples) {
    Counter c = samplesAppended.computeIfAbsent(tenant, this::registerSamplesAppended);
    if (samples > 0) {
      c.increment(samples);
    }
  }

  private Counter registerSamplesAppended(String tenant) {
    return Counter.builder("prometheus.tsdb.head.samples.appended")
        .description("Total number of appended samples.")
        .tags("tenant", tenant, "type", "float")
        .register(registry);
  }

  private RequestMeters register(Key k) {
    String code = Integer.toString(k.code);
    return new RequestMeters(
        Counter.builder("http.requests")
            .description("Tracks the number of HTTP requests.")
            .tags("code", code, "handler", k.handler, "method", k.method, "tenant", k.tenant)
            .register(registry),
        Timer.builder("http.request.duration")
            .description("Tracks the latencies for HTTP requests.")
            .tags("code", code, "handler", k.handler, "method", k.method, "tenant", k.tenant)
            .serviceLevelObjectives(toDurations(DURATION_BUCKETS))
            .register(registry),
        DistributionSummary.builder("http.request.size")
            .description("Tracks the size of HTTP requests.")
            .baseUnit("bytes")
            .tags("code", code, "handler", k.handler, "method", k.method, "tenant", k.tenant)
            .serviceLevelObjectives(SIZE_BUCKETS)
            .register(registry),
        DistributionSummary.builder("thanos.receive.write.timeseries")
            .description("The number of timeseries received in the incoming write requests.")
            .tags("code", code, "tenant", k.tenant)
            .serviceLevelObjectives(WRITE_BUCKETS)
            .register(registry),
        DistributionSummary.builder("thanos.receive.write.samples")
            .description("The number of sampled received in the incoming write requests.")
            .tags("code", code, "tenant", k.tenant)
            .serviceLevelObjectives(WRITE_BUCKETS)
            .register(registry));
  }

  /**
   * Registers {@code prometheus_tsdb_head_series{tenant}} for a tenant's head.
   *
   * @param state the head; held weakly by Micrometer's gauge
   */
  public <T> void headSeries(String tenant, T state, ToDoubleFunction<T> series) {
    io.micrometer.core.instrument.Gauge.builder("prometheus.tsdb.head.series", state, series)
        .description("Total number of series in the head block.")
        .tag("tenant", tenant)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Registers {@code prometheus_tsdb_wal_corruptions_total{tenant}}: WAL corruptions repaired when
   * the tenant's database was opened (Prometheus' counter of the same name).
   *
   * @param state an object that lives as long as the tenant (its database)
   * @param corruptions reads the count so far from {@code state}; called at each scrape
   */
  public <T> void walCorruptions(
      String tenant, T state, java.util.function.ToDoubleFunction<T> corruptions) {
    // Micrometer holds the state object weakly: pass one that lives as long as the tenant (a
    // lambda only the meter referenced would be collected, and the counter would read 0).
    io.micrometer.core.instrument.FunctionCounter.builder(
            "prometheus.tsdb.wal.corruptions", state, corruptions)
        .description("Total number of WAL corruptions.")
        .tag("tenant", tenant)
        .register(registry);
  }

  /**
   * Counts a head compaction of {@code tenant}: {@code prometheus_tsdb_compactions_total} when a
   * block was cut, {@code prometheus_tsdb_compactions_failed_total} when a run failed.
   */
  public void compaction(String tenant, boolean ok) {
    io.micrometer.core.instrument.Counter.builder(
            ok ? "prometheus.tsdb.compactions" : "prometheus.tsdb.compactions.failed")
        .description(
            ok ? "Total number of compactions that were executed." : "Total number of failed.")
        .tag("tenant", tenant)
        .register(registry)
        .increment();
  }

  /** Registers {@code prometheus_tsdb_blocks_loaded{tenant}}. */
  public void blocksLoaded(String tenant, java.util.function.IntSupplier blocks) {
    io.micrometer.core.instrument.Gauge.builder(
            "prometheus.tsdb.blocks.loaded", blocks, b -> b.getAsInt())
        .description("Number of currently loaded data blocks")
        .tag("tenant", tenant)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Registers Prometheus' exemplar storage metrics of {@code tenant}'s head ({@code
   * prometheus_tsdb_exemplar_*{tenant}}): exemplars appended and refused as out of order, exemplars
   * and series in storage, and the storage's size ({@code --tsdb.max-exemplars}).
   *
   * @param exemplars the tenant's exemplar storage; lives as long as the tenant
   */
  public void exemplars(String tenant, io.sluice.tsdb.exemplar.CircularExemplarStorage exemplars) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "prometheus.tsdb.exemplar.exemplars.appended", exemplars, e -> e.appendedTotal())
        .description("Total number of appended exemplars.")
        .tag("tenant", tenant)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "prometheus.tsdb.exemplar.out.of.order.exemplars", exemplars, e -> e.outOfOrderTotal())
        .description("Total number of out of order exemplar ingestion failed attempts.")
        .tag("tenant", tenant)
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "prometheus.tsdb.exemplar.exemplars.in.storage", exemplars, e -> e.size())
        .description("Number of exemplars currently in circular storage.")
        .tag("tenant", tenant)
        .strongReference(true)
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "prometheus.tsdb.exemplar.series.with.exemplars.in.storage",
            exemplars,
            e -> e.seriesCount())
        .description("Number of series with exemplars currently in circular storage.")
        .tag("tenant", tenant)
        .strongReference(true)
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "prometheus.tsdb.exemplar.max.exemplars", exemplars, e -> e.capacity())
        .description("Total number of exemplars the exemplar storage can store, resizeable.")
        .tag("tenant", tenant)
        .strongReference(true)
        .register(registry);
  }

  /** The exposition in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  private static Duration[] toDurations(double[] seconds) {
    Duration[] d = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      d[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
    }
    return d;
  }
}
