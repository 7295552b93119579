// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.objstore.Bucket;
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.shipper.Shipper;
import io.sluice.server.metrics.ShipperMetrics;
import io.sluice.tsdb.block.Ulid;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>A pass that fails (the bucket is unreachable, missing or refuses the credentials) leaves its
 * blocks where they are; the next pass retries. Failures are logged as errors naming the tenant,
 * the bucket and its endpoint and the cause — the first one at once, then at most one per tenant
 * every {@link #FAILURE_LOG_INTERVAL_MS} while the tenant keeps failing, with the number of failed
 * passes not logged in between (they are logged at debug); the first pass that succeeds again is
 * logged at info. Per tenant rather than per bucket because passes, their metrics and some of their
 * causes (a corrupted block) are per tenant: one tenant's outage must not hide another tenant's
 * problem.
 *
 * <p>Thread-safe. The bucket belongs to the caller.
 */
final class Shipping {
  private static final Logger LOG = LoggerFactory.getLogger(Shipping.class);

  /** Thanos' interval between two passes of one tenant. */
  static final long INTERVAL_MS = 30_000;

  /** The least time between two logged failures of one tenant's passes. */
  static final long FAILURE_LOG_INTERVAL_MS = 60_000;

  /**
   * How long a graceful shutdown waits for the running and the final passes: a pass hung on an
   * endpoint that does not answer (the client's socket timeout is minutes, times its attempts) must
   * not hold up the exit; what was not uploaded stays local and goes at the next start.
   */
  static final long FINAL_PASSES_BUDGET_MS = 120_000;

  private final Bucket bucket;
  private final Function<String, Map<String, String>> labels;
  private final InstantSource clock;
  private final boolean skipCorrupted;
  private final MeterRegistry registry;
  private final ScheduledExecutorService executor;
  private final ConcurrentHashMap<String, Entry> tenants = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  private record Entry(
      Shipper shipper,
      AtomicBoolean queued,
      FailureLogLimiter failures,
      AtomicReference<Progress> progress) {}

  /**
   * What the status page shows of one tenant's uploads, since start.
   *
   * @param lastUploadMs when a pass last uploaded a block, or null
   * @param lastError the cause of the last pass's failure, or null when it succeeded or none ran
   * @param lastErrorMs when that pass failed, or null
   */
  record Progress(Long lastUploadMs, String lastError, Long lastErrorMs) {
    static final Progress NONE = new Progress(null, null, null);
  }

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
    add(t.id(), t.tsdb().dir());
  }

  /** Starts shipping the tenant {@code id} whose database is in {@code dir}. */
  void add(String id, Path dir) {
    Shipper s =
        new Shipper(
            id,
            dir,
            bucket,
            labels.apply(id),
            clock,
            skipCorrupted,
            new ShipperMetrics(registry, id));
    tenants.put(
        id,
        new Entry(
            s,
            new AtomicBoolean(),
            new FailureLogLimiter(clock, FAILURE_LOG_INTERVAL_MS),
            new AtomicReference<>(Progress.NONE)));
    if (!stopped) {
      executor.scheduleWithFixedDelay(() -> trigger(id), 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
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
            sync(e);
          });
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      e.queued.set(false);
    }
  }

  /** {@return what the status page shows of {@code tenant}'s uploads; NONE when not shipped} */
  Progress progress(String tenant) {
    Entry e = tenants.get(tenant);
    return e == null ? Progress.NONE : e.progress.get();
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
   * Stops the periodic passes, waits for running ones, then runs a final pass of every tenant
   * ("uploading the final cut blocks before exiting"), all within {@code budgetMs}. When the budget
   * runs out, the passes still running are abandoned (their threads are daemons, interrupted) and
   * logged; their blocks stay local. Passes that fail are logged, each one, as the last word of the
   * process.
   *
   * @param budgetMs how long to wait for all passes, ms ({@link #FINAL_PASSES_BUDGET_MS} in
   *     production)
   * @return whether every final pass ended within the budget (successfully or not)
   */
  boolean stopAndShipAll(long budgetMs) {
    stopped = true;
    executor.shutdown();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
    Thread last =
        Thread.ofPlatform()
            .name("shipper-final")
            .daemon()
            .start(
                () -> {
                  try {
                    executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (Entry e : tenants.values()) {
                    if (Thread.currentThread().isInterrupted()) {
                      return;
                    }
                    finalSync(e.shipper);
                  }
                });
    try {
      last.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!last.isAlive()) {
      return true;
    }
    LOG.atError()
        .addKeyValue("bucket", bucket)
        .addKeyValue("budget", Duration.ofMillis(budgetMs))
        .log(
            "final upload passes did not end in time; stopping without them, blocks not uploaded"
                + " stay local and are uploaded after the next start");
    executor.shutdownNow();
    last.interrupt();
    return false;
  }

  private static String causes(Throwable e) {
    StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      b.append(": ").append(c.getMessage());
    }
    return b.toString();
  }

  private void sync(Entry e) {
    Shipper s = e.shipper;
    try {
      int n = s.sync();
      passed(e.progress, n);
      int failed = e.failures.succeeded();
      if (failed > 0) {
        LOG.atInfo()
            .addKeyValue("tenant", s.tenant())
            .addKeyValue("bucket", bucket)
            .addKeyValue("failed_passes", failed)
            .addKeyValue("uploaded", n)
            .log("upload pass succeeded again");
      } else if (n > 0) {
        LOG.atDebug().addKeyValue("tenant", s.tenant()).addKeyValue("uploaded", n).log("shipped");
      }
    } catch (IOException | RuntimeException ex) {
      failed(e.progress, ex);
      int notLogged = e.failures.failed();
      (notLogged < 0 ? LOG.atDebug() : LOG.atError())
          .addKeyValue("tenant", s.tenant())
          .addKeyValue("bucket", bucket)
          .addKeyValue("err", causes(ex))
          .addKeyValue("failed_passes_not_logged", Math.max(0, notLogged))
          .log(
              "upload failed; retried at the next pass, blocks stay local until uploaded (logged"
                  + " at most once a minute per tenant)");
    }
  }

  private void passed(AtomicReference<Progress> progress, int uploaded) {
    Long now = clock.millis();
    progress.updateAndGet(p -> new Progress(uploaded > 0 ? now : p.lastUploadMs(), null, null));
  }

  private void failed(AtomicReference<Progress> progress, Exception ex) {
    Long now = clock.millis();
    // The last upload stays what it was: a failed pass reports no count, so blocks it uploaded
    // before failing show in the time of the next pass that uploads.
    progress.updateAndGet(p -> new Progress(p.lastUploadMs(), causes(ex), now));
  }

  // At shutdown every failure is logged: it is the last chance to say why blocks stay local.
  private void finalSync(Shipper s) {
    try {
      int n = s.sync();
      if (n > 0) {
        LOG.atInfo().addKeyValue("tenant", s.tenant()).addKeyValue("uploaded", n).log("shipped");
      }
    } catch (IOException | RuntimeException ex) {
      LOG.atError()
          .addKeyValue("tenant", s.tenant())
          .addKeyValue("bucket", bucket)
          .addKeyValue("err", causes(ex))
          .log(
              "final upload pass failed; the blocks not uploaded stay local and are uploaded"
                  + " after the next start");
    }
  }
}
