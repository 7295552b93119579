// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.objstore.Bucket;
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.shipper.Shipper;
import io.sluice.server.metrics.ShipperMetrics;
import io.sluice.tsdb.block.Ulid;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every tenant's {@link Shipper} as Thanos receive does (reference thanos-receive.md §7.1): a
 * pass when the tenant opens and every 30 s, one after every head cut ({@link #trigger}), and a
 * final one at shutdown ({@link #stopAndShipAll}). Passes run on threads of their own, so uploads
 * never hold up head compaction or writes; a pass asked for while one of the same tenant is queued
 * is merged into it.
 *
 * <p>Thread-safe. The bucket belongs to the caller.
 */
final class Shipping {
  private static final Logger LOG = LoggerFactory.getLogger(Shipping.class);

  /** Thanos' interval between two passes of one tenant. */
  static final long INTERVAL_MS = 30_000;

  private final Bucket bucket;
  private final Function<String, Map<String, String>> labels;
  private final InstantSource clock;
  private final boolean skipCorrupted;
  private final MeterRegistry registry;
  private final ScheduledExecutorService executor;
  private final ConcurrentHashMap<String, Entry> tenants = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  private record Entry(Shipper shipper, AtomicBoolean queued) {}

  /**
   * @param labels a tenant's external labels, for its blocks' {@code meta.json}
   * @param skipCorrupted {@code --shipper.skip-corrupted-blocks}
   */
  Shipping(
      Bucket bucket,
      Function<String, Map<String, String>> labels,
      InstantSource clock,
      boolean skipCorrupted,
      MeterRegistry registry) {
    this.bucket = bucket;
    this.labels = labels;
    this.clock = clock;
    this.skipCorrupted = skipCorrupted;
    this.registry = registry;
    this.executor =
        Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("shipper-", 0).daemon().factory());
  }

  /** Starts shipping a tenant that was opened or created: a pass now, then every 30 s. */
  void add(MultiTsdb.Tenant t) {
    Shipper s =
        new Shipper(
            t.id(),
            t.tsdb().dir(),
            bucket,
            labels.apply(t.id()),
            clock,
            skipCorrupted,
            new ShipperMetrics(registry, t.id()));
    tenants.put(t.id(), new Entry(s, new AtomicBoolean()));
    if (!stopped) {
      executor.scheduleWithFixedDelay(() -> trigger(t.id()), 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Asks for a pass of {@code tenant} soon (after a head cut). */
  void trigger(String tenant) {
    Entry e = tenants.get(tenant);
    if (e == null || stopped || !e.queued.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            e.queued.set(false);
            sync(e.shipper);
          });
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      e.queued.set(false);
    }
  }

  /** Whether a block of any tenant is in the bucket (block ids are unique across tenants). */
  boolean uploaded(Ulid block) {
    for (Entry e : tenants.values()) {
      if (e.shipper.uploaded(block)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Stops the periodic passes, waits for running ones, then runs a final pass of every tenant on
   * the calling thread ("uploading the final cut blocks before exiting").
   */
  void stopAndShipAll() {
    stopped = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.MINUTES)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    for (Entry e : tenants.values()) {
      sync(e.shipper);
    }
  }

  private static String causes(Throwable e) {
    StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      b.append(": ").append(c.getMessage());
    }
    return b.toString();
  }

  private static void sync(Shipper s) {
    try {
      int n = s.sync();
      if (n > 0) {
        LOG.atDebug().addKeyValue("tenant", s.tenant()).addKeyValue("uploaded", n).log("shipped");
      }
    } catch (IOException | RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("tenant", s.tenant())
          .addKeyValue("err", causes(e))
          .log("upload failed; retried at the next pass");
    }
  }
}
