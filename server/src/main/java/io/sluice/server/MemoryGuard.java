// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.admission.BodyBudget;
import io.sluice.receiver.admission.GcLiveHeap;
import io.sluice.receiver.admission.MemoryAdmission;
import io.sluice.receiver.admission.MemoryAdmissionWriter;
import io.sluice.receiver.admission.MemoryLevel;
import io.sluice.receiver.admission.MemoryLimits;
import io.sluice.receiver.write.Writer;
import io.sluice.server.cli.MemoryConfig;
import io.sluice.server.http.AdmissionHandler;
import io.sluice.server.http.BoundedAggregator;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory back-pressure of one receiver, wired from its flags (Sluice only): the {@link
 * MemoryAdmission} fed by the JVM's collectors ({@link GcLiveHeap}) and ticked once a second on a
 * thread of its own, the {@link BodyBudget} of the remote-write listener, the writer that applies
 * the admission to local writes, and the listener's {@link AdmissionHandler}.
 *
 * <p>Registers {@code sluice_receive_memory_rejected_requests_total{reason}} (reason {@code
 * new_series}: refused for creating series; {@code writes}: refused at the writes limit; {@code
 * body_budget}: too many bodies in flight), {@code sluice_receive_memory_live_heap_bytes}, {@code
 * sluice_receive_memory_max_heap_bytes}, {@code sluice_receive_memory_limit_bytes{limit}}, {@code
 * sluice_receive_memory_pressure_level} (0 normal, 1 new series refused, 2 writes refused), {@code
 * sluice_receive_memory_forced_collections_total}, {@code sluice_receive_inflight_body_bytes} and
 * {@code sluice_receive_inflight_body_limit_bytes}.
 */
final class MemoryGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryGuard.class);

  private final MemoryAdmission admission;
  private final BodyBudget budget;
  private final GcLiveHeap heap;
  private final ScheduledExecutorService ticks;

  private MemoryGuard(
      MemoryAdmission admission,
      BodyBudget budget,
      GcLiveHeap heap,
      ScheduledExecutorService ticks) {
    this.admission = admission;
    this.budget = budget;
    this.heap = heap;
    this.ticks = ticks;
  }

  /** Starts measuring (when any limit is set) and registers the metrics. */
  static MemoryGuard start(MemoryConfig cfg, MeterRegistry registry, InstantSource clock) {
    MemoryLimits limits = cfg.limits();
    GcLiveHeap heap = new GcLiveHeap();
    MemoryAdmission admission = new MemoryAdmission(limits, heap, clock);
    BodyBudget budget = new BodyBudget(cfg.bodyBudgetBytes(heap.maxBytes()));
    ScheduledExecutorService ticks = null;
    if (limits.enabled()) {
      heap.start(admission::refresh);
      ticks =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().name("memory-admission").daemon().unstarted(r));
      ticks.scheduleWithFixedDelay(admission::tick, 1, 1, TimeUnit.SECONDS);
    }
    MemoryGuard g = new MemoryGuard(admission, budget, heap, ticks);
    g.register(registry);
    LOG.atInfo()
        .addKeyValue("max_heap_bytes", heap.maxBytes())
        .addKeyValue("new_series_limit", limits.newSeries())
        .addKeyValue("writes_limit", limits.writes())
        .addKeyValue(
            "max_inflight_body_bytes", budget.limit() == Long.MAX_VALUE ? 0 : budget.limit())
        .log("memory back-pressure configured");
    return g;
  }

  private void register(MeterRegistry r) {
    FunctionCounter.builder(
            "sluice.receive.memory.rejected.requests",
            admission,
            a -> a.rejections(MemoryLevel.KNOWN_SERIES_ONLY))
        .tag("reason", "new_series")
        .description("Write requests refused with 503 for memory.")
        .register(r);
    FunctionCounter.builder(
            "sluice.receive.memory.rejected.requests",
            admission,
            a -> a.rejections(MemoryLevel.WRITES_REFUSED))
        .tag("reason", "writes")
        .description("Write requests refused with 503 for memory.")
        .register(r);
    FunctionCounter.builder("sluice.receive.memory.rejected.requests", budget, BodyBudget::refused)
        .tag("reason", "body_budget")
        .description("Write requests refused with 503 for memory.")
        .register(r);
    FunctionCounter.builder(
            "sluice.receive.memory.forced.collections",
            admission,
            MemoryAdmission::forcedCollections)
        .description("Full collections run during memory pressure to see what was freed.")
        .register(r);
    Gauge.builder("sluice.receive.memory.live.heap.bytes", admission, MemoryAdmission::liveBytes)
        .description("Live heap after the last collection that measured it.")
        .register(r);
    Gauge.builder("sluice.receive.memory.max.heap.bytes", admission, MemoryAdmission::maxBytes)
        .description("The maximum heap.")
        .register(r);
    Gauge.builder(
            "sluice.receive.memory.limit.bytes",
            admission,
            a -> a.limits().newSeries() * a.maxBytes())
        .tag("limit", "new_series")
        .description("Live heap from which writes are refused; 0 when off.")
        .register(r);
    Gauge.builder(
            "sluice.receive.memory.limit.bytes", admission, a -> a.limits().writes() * a.maxBytes())
        .tag("limit", "writes")
        .description("Live heap from which writes are refused; 0 when off.")
        .register(r);
    Gauge.builder("sluice.receive.memory.pressure.level", admission, a -> a.level().ordinal())
        .description("0: all writes accepted; 1: writes creating series refused; 2: all refused.")
        .register(r);
    Gauge.builder("sluice.receive.inflight.body.bytes", budget, BodyBudget::inFlight)
        .description("Remote-write request bodies being received, decoded or written.")
        .register(r);
    Gauge.builder(
            "sluice.receive.inflight.body.limit.bytes",
            budget,
            b -> b.limit() == Long.MAX_VALUE ? 0 : b.limit())
        .description("The most request bodies held at once; 0 for no limit.")
        .register(r);
  }

  /** {@return the admission} */
  MemoryAdmission admission() {
    return admission;
  }

  /** {@return the remote-write listener's body budget} */
  BodyBudget budget() {
    return budget;
  }

  /** {@code local} (the writer into {@code tsdbs}) behind the admission. */
  Writer guard(Writer local, MultiTsdb tsdbs) {
    return admission.limits().enabled()
        ? new MemoryAdmissionWriter(local, tsdbs, admission)
        : local;
  }

  /** A new handler for one remote-write connection. */
  AdmissionHandler handler(int maxBodyBytes, BoundedAggregator.Rejections onReject) {
    return new AdmissionHandler(admission, budget, maxBodyBytes, onReject);
  }

  /** A head was truncated: memory was freed that the collector has not seen yet. */
  void released() {
    admission.released();
  }

  @Override
  public void close() {
    if (ticks != null) {
      ticks.shutdownNow();
    }
    heap.close();
  }
}
