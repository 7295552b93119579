// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this receiver admits writes, from how much of the heap live data takes (Sluice only): the
 * one object the write paths ask before they hold more memory. The level ({@link MemoryLevel}) is
 * recomputed by {@link #refresh()} after every garbage collection and by {@link #tick()} once a
 * second, and read per request with one volatile read ({@link #level()}); nothing is computed per
 * series or sample.
 *
 * <p>An <em>episode</em> is the time the level is above {@link MemoryLevel#NORMAL}. Its start, each
 * change of level within it and its end are logged once, with the live and maximum heap, the mark
 * and, at the end, its duration and the requests refused in it; refused requests themselves are
 * only counted ({@link #rejections}).
 *
 * <p>Recovery needs no operator: a head cut frees chunks and series, a collection sees it, the next
 * {@link #refresh()} lowers the level. Since freed old objects leave the figure only when the old
 * generation is collected (and the collector collects when the application allocates), a receiver
 * that refuses writes and allocates little could wait long for that; so during an episode {@link
 * #tick()} runs a full collection itself when the figure has not gone down within {@value
 * #STALE_AFTER_RELEASE_MS} ms after memory was released ({@link #released()}: a head was
 * truncated), or for {@value #STALE_MS} ms at all — at most once every {@value
 * #MIN_COLLECT_INTERVAL_MS} ms, and never outside an episode. While the receiver keeps allocating,
 * the collector lowers the figure on its own and no collection is forced.
 *
 * <p>Thread-safe.
 */
public final class MemoryAdmission {
  /** The {@code Retry-After} seconds of a refusal: Prometheus' default {@code max_backoff}. */
  public static final int RETRY_AFTER_SECONDS = 5;

  static final long STALE_AFTER_RELEASE_MS = 5_000;
  static final long STALE_MS = 60_000;
  static final long MIN_COLLECT_INTERVAL_MS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(MemoryAdmission.class);

  private final MemoryLimits limits;
  private final LiveHeap heap;
  private final InstantSource clock;
  private final MemoryPressure pressure;
  private final AtomicLong refusedNewSeries = new AtomicLong();
  private final AtomicLong refusedWrites = new AtomicLong();
  private final AtomicLong forcedCollections = new AtomicLong();
  private volatile MemoryLevel level = MemoryLevel.NORMAL;
  private volatile long liveBytes;

  // Guarded by this.
  private long lastLiveBytes = Long.MAX_VALUE;
  private long lastDecreaseMs;
  private long lastCollectMs = Long.MIN_VALUE / 2;
  // When memory was released with no decrease of the figure since; -1 for none.
  private long releasedAtMs = -1;
  private long episodeStartMs;
  private long episodeRefusedAtStart;

  /**
   * @param limits the marks; {@link MemoryLimits#OFF} admits everything
   * @param heap the live heap
   * @param clock for episode durations and the forced collection's timing
   */
  public MemoryAdmission(MemoryLimits limits, LiveHeap heap, InstantSource clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.heap = Objects.requireNonNull(heap, "heap");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pressure = new MemoryPressure(limits);
    this.lastDecreaseMs = clock.millis();
  }

  /** {@return the marks} */
  public MemoryLimits limits() {
    return limits;
  }

  /** {@return what writes are admitted now}; one volatile read */
  public MemoryLevel level() {
    return level;
  }

  /** {@return the live heap as last measured, in bytes} */
  public long liveBytes() {
    return liveBytes;
  }

  /** {@return the maximum heap, in bytes} */
  public long maxBytes() {
    return heap.maxBytes();
  }

  /** Re-reads the live heap and moves to its level; logs a change of level. */
  public synchronized void refresh() {
    if (!limits.enabled()) {
      return;
    }
    long now = clock.millis();
    long live = heap.liveBytes();
    long max = heap.maxBytes();
    liveBytes = live;
    if (live < lastLiveBytes) {
      lastDecreaseMs = now;
      releasedAtMs = -1;
    }
    lastLiveBytes = live;
    MemoryLevel before = level;
    MemoryLevel after = pressure.update(max <= 0 ? 0 : (double) live / max);
    if (after != before) {
      level = after;
      if (before == MemoryLevel.NORMAL) {
        lastDecreaseMs = now;
        releasedAtMs = -1;
      }
      logChange(before, after, live, max, now);
    }
  }

  /**
   * Memory was freed that the collector has not seen yet (a head was truncated behind a block), so
   * a forced collection during an episode need not wait {@value #STALE_MS} ms. Ignored outside an
   * episode.
   */
  public synchronized void released() {
    if (level != MemoryLevel.NORMAL && releasedAtMs < 0) {
      releasedAtMs = clock.millis();
    }
  }

  /**
   * Once a second: {@link #refresh()}, then, during an episode whose figure is stale, a full
   * collection and another refresh (see the class comment). Runs the collection on the calling
   * thread.
   */
  public void tick() {
    refresh();
    boolean collect;
    synchronized (this) {
      long now = clock.millis();
      collect =
          level != MemoryLevel.NORMAL
              && now - lastCollectMs >= MIN_COLLECT_INTERVAL_MS
              && ((releasedAtMs >= 0 && now - releasedAtMs >= STALE_AFTER_RELEASE_MS)
                  || now - lastDecreaseMs >= STALE_MS);
      if (collect) {
        lastCollectMs = now;
        lastDecreaseMs = now;
        releasedAtMs = -1;
      }
    }
    if (collect) {
      forcedCollections.incrementAndGet();
      LOG.atDebug()
          .addKeyValue("live_bytes", liveBytes)
          .log("memory pressure: running a full collection to see what was freed");
      heap.collect();
      refresh();
    }
  }

  /** Counts a request refused at {@code at} ({@link MemoryLevel#NORMAL} is not a refusal). */
  public void rejected(MemoryLevel at) {
    switch (at) {
      case KNOWN_SERIES_ONLY -> refusedNewSeries.incrementAndGet();
      case WRITES_REFUSED -> refusedWrites.incrementAndGet();
      case NORMAL -> throw new IllegalArgumentException("NORMAL refuses nothing");
    }
  }

  /** {@return the requests refused at {@code at} since start} */
  public long rejections(MemoryLevel at) {
    return switch (at) {
      case KNOWN_SERIES_ONLY -> refusedNewSeries.get();
      case WRITES_REFUSED -> refusedWrites.get();
      case NORMAL -> 0;
    };
  }

  /** {@return the full collections {@link #tick()} ran} */
  public long forcedCollections() {
    return forcedCollections.get();
  }

  private long refusedTotal() {
    return refusedNewSeries.get() + refusedWrites.get();
  }

  private void logChange(MemoryLevel before, MemoryLevel after, long live, long max, long now) {
    String ratio = String.format(java.util.Locale.ROOT, "%.3f", (double) live / max);
    if (before == MemoryLevel.NORMAL) {
      episodeStartMs = now;
      episodeRefusedAtStart = refusedTotal();
    }
    if (after == MemoryLevel.NORMAL) {
      LOG.atInfo()
          .addKeyValue("live_bytes", live)
          .addKeyValue("max_bytes", max)
          .addKeyValue("live_ratio", ratio)
          .addKeyValue("duration_ms", now - episodeStartMs)
          .addKeyValue("refused_requests", refusedTotal() - episodeRefusedAtStart)
          .log("memory pressure over: accepting all writes again");
      return;
    }
    boolean worse = after.compareTo(before) > 0;
    double mark = after == MemoryLevel.WRITES_REFUSED ? limits.writes() : limits.newSeries();
    String what =
        after == MemoryLevel.WRITES_REFUSED
            ? "refusing all writes with 503 until memory is freed"
            : "refusing writes that would create series with 503 until memory is freed;"
                + " writes of existing series are accepted";
    var event = worse ? LOG.atWarn() : LOG.atInfo();
    event
        .addKeyValue("live_bytes", live)
        .addKeyValue("max_bytes", max)
        .addKeyValue("live_ratio", ratio)
        .addKeyValue("mark", mark)
        .log("memory pressure: " + what);
  }
}
