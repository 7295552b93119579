// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the hashring file and hands every new ring to a {@link Listener}, as Thanos' {@code
 * ConfigWatcher} plus the ring construction that follows it.
 *
 * <p>A refresh reads the file (following symbolic links), and when its SHA-256 differs from the
 * last loaded content, parses it, builds the ring with the {@link Builder} and calls the listener.
 * Refreshes run every {@code refreshInterval} (Thanos' {@code
 * --receive.hashrings-file-refresh-interval}, default 5m) and on any event in the file's directory,
 * which the JDK's {@link WatchService} reports. A Kubernetes ConfigMap volume replaces its files by
 * re-pointing a {@code ..data} symbolic link in that directory, so the swap is seen at once, and
 * the periodic refresh catches anything the watch misses.
 *
 * <p>Failures, and how they differ from Thanos:
 *
 * <ul>
 *   <li>At {@link #start()}, a file that cannot be read, parsed, is empty, or cannot be built
 *       throws: the receiver should not start (Thanos exits too).
 *   <li>Later, a file that cannot be read, parsed or is empty keeps the current ring and counts an
 *       error ({@code thanos_receive_hashrings_file_errors_total}), as Thanos does.
 *   <li>Later, a file that parses but cannot be built (e.g. ketama with fewer endpoints than the
 *       replication factor) also keeps the current ring and counts an error. <b>Thanos exits
 *       instead</b>; Sluice deliberately keeps serving with the ring it has, and retries at every
 *       refresh until the file is fixed.
 * </ul>
 *
 * <p>Metrics follow Thanos: {@link #lastReloadSuccessful()} is 0 until the first load and is never
 * set back to 0 by a failure; the gauges of a ring name that disappears keep their last value.
 *
 * <p>Thread-safe. The listener is called from {@link #start()} (the first ring) and from the
 * watcher's daemon thread, never concurrently; it should be quick. {@link #close()} stops the
 * thread.
 */
public final class HashringFileWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HashringFileWatcher.class);

  /** Thanos' default of {@code --receive.hashrings-file-refresh-interval}. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(5);

  /** Builds a ring from a parsed file; the semantic validation step. */
  @FunctionalInterface
  public interface Builder {
    /**
     * @param configs the rings of the file, in file order, never empty
     * @return the ring to use
     * @throws InvalidHashringException if the rings cannot be built
     */
    MultiHashring build(List<HashringConfig> configs) throws InvalidHashringException;

    /** {@return a builder that calls {@link MultiHashring#create} with these settings} */
    static Builder of(HashringAlgorithm defaultAlgorithm, int replicationFactor) {
      return configs -> MultiHashring.create(defaultAlgorithm, replicationFactor, configs);
    }
  }

  /** Receives each new ring. */
  @FunctionalInterface
  public interface Listener {
    /**
     * A new ring was loaded and built; the previous one is no longer current. Exceptions are logged
     * and ignored.
     *
     * @param ring the new ring
     */
    void hashringChanged(MultiHashring ring);
  }

  private final Path file;
  private final long intervalNanos;
  private final Builder builder;
  private final Listener listener;
  private final InstantSource clock;

  private final Object refreshLock = new Object();
  private HashringFile.Loaded loaded;
  private volatile MultiHashring current;

  private volatile double configHash;
  private volatile double lastReloadSuccessful;
  private volatile double lastReloadSuccessTimestampSeconds;
  private final AtomicLong changes = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong refreshes = new AtomicLong();
  private final Map<String, Integer> nodes = new ConcurrentHashMap<>();
  private final Map<String, Integer> tenants = new ConcurrentHashMap<>();

  private final CountDownLatch closed = new CountDownLatch(1);
  private WatchService watchService;
  private Thread thread;

  /**
   * @param file the hashring file; may be a symbolic link
   * @param refreshInterval how often to re-read the file regardless of events; positive
   * @param builder builds and validates rings
   * @param listener receives each new ring
   * @param clock for {@link #lastReloadSuccessTimestampSeconds()}
   * @throws IllegalArgumentException if the interval is not positive
   */
  public HashringFileWatcher(
      Path file,
      Duration refreshInterval,
      Builder builder,
      Listener listener,
      InstantSource clock) {
    this.file = Objects.requireNonNull(file, "file");
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refresh interval must be positive: " + refreshInterval);
    }
    this.intervalNanos = refreshInterval.toNanos();
    this.builder = Objects.requireNonNull(builder, "builder");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Loads the file, builds the first ring, gives it to the listener, and starts watching.
   *
   * @return the first ring
   * @throws HashringConfigException if the file cannot be read, parsed, or names no ring
   * @throws InvalidHashringException if the rings cannot be built
   * @throws IllegalStateException if already started
   */
  public MultiHashring start() throws HashringConfigException, InvalidHashringException {
    return start(true);
  }

  /** {@link #start()}, optionally without the background thread (tests refresh by hand). */
  MultiHashring start(boolean watch) throws HashringConfigException, InvalidHashringException {
    synchronized (refreshLock) {
      if (thread != null || closed.getCount() == 0) {
        throw new IllegalStateException("already started or closed");
      }
      refreshes.incrementAndGet();
      HashringFile.Loaded next = HashringFile.load(file);
      MultiHashring ring = builder.build(next.configs());
      accept(next, ring);
      if (!watch) {
        return ring;
      }
      thread = Thread.ofPlatform().daemon().name("hashring-file-watcher").unstarted(this::run);
      watchService = openWatch();
    }
    thread.start();
    return current;
  }

  /**
   * Re-reads the file now, as the timer and file events do; never throws.
   *
   * @return whether a new ring was built and given to the listener
   */
  public boolean refresh() {
    synchronized (refreshLock) {
      refreshes.incrementAndGet();
      HashringFile.Loaded next;
      try {
        next = HashringFile.load(file);
      } catch (HashringConfigException e) {
        errors.incrementAndGet();
        log.error("failed to load configuration file {}: {}", file, e.getMessage());
        return false;
      }
      if (next.sameContent(loaded)) {
        return false;
      }
      MultiHashring ring;
      try {
        ring = builder.build(next.configs());
      } catch (InvalidHashringException | RuntimeException e) {
        errors.incrementAndGet();
        log.error(
            "hashring file {} changed but cannot be built, keeping the current hashring: {}",
            file,
            e.getMessage());
        return false;
      }
      accept(next, ring);
      return true;
    }
  }

  private void accept(HashringFile.Loaded next, MultiHashring ring) {
    changes.incrementAndGet();
    loaded = next;
    current = ring;
    configHash = next.configHash();
    lastReloadSuccessful = 1;
    Instant now = clock.instant();
    lastReloadSuccessTimestampSeconds = now.getEpochSecond() + now.getNano() / 1e9;
    for (HashringConfig c : next.configs()) {
      nodes.put(c.hashring(), c.endpoints().size());
      tenants.put(c.hashring(), c.tenants().size());
    }
    log.info(
        "loaded hashring file {}: {} hashring(s), {} endpoint(s)",
        file,
        next.configs().size(),
        ring.nodes().size());
    try {
      listener.hashringChanged(ring);
    } catch (RuntimeException e) {
      log.error("hashring listener failed", e);
    }
  }

  private WatchService openWatch() {
    Path dir = file.toAbsolutePath().getParent();
    try {
      WatchService ws = dir.getFileSystem().newWatchService();
      dir.register(
          ws,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.ENTRY_MODIFY);
      return ws;
    } catch (IOException | UnsupportedOperationException e) {
      log.warn(
          "cannot watch {} for changes, relying on the periodic refresh: {}", dir, e.toString());
      return null;
    }
  }

  private void run() {
    long next = System.nanoTime() + intervalNanos;
    try {
      while (closed.getCount() > 0) {
        long wait = next - System.nanoTime();
        if (wait <= 0) {
          refresh();
          next = System.nanoTime() + intervalNanos;
          continue;
        }
        if (watchService == null) {
          closed.await(wait, TimeUnit.NANOSECONDS);
          continue;
        }
        WatchKey key = watchService.poll(wait, TimeUnit.NANOSECONDS);
        if (key == null) {
          continue;
        }
        // One refresh for a burst of events (a ConfigMap update is several).
        do {
          key.pollEvents();
          key.reset();
          key = watchService.poll();
        } while (key != null);
        refresh();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("hashring file watcher stopped", e);
    }
  }

  /** {@return the current ring, or null before {@link #start()}} */
  public MultiHashring current() {
    return current;
  }

  /** {@return the watched file} */
  public Path file() {
    return file;
  }

  /** {@return {@code thanos_receive_config_hash}: see {@link HashringFile#configHash}} */
  public double configHash() {
    return configHash;
  }

  /** {@return {@code thanos_receive_config_last_reload_successful}: 0 before the first load} */
  public double lastReloadSuccessful() {
    return lastReloadSuccessful;
  }

  /** {@return {@code thanos_receive_config_last_reload_success_timestamp_seconds}} */
  public double lastReloadSuccessTimestampSeconds() {
    return lastReloadSuccessTimestampSeconds;
  }

  /** {@return {@code thanos_receive_hashrings_file_changes_total}: loads of new content} */
  public long changesTotal() {
    return changes.get();
  }

  /** {@return {@code thanos_receive_hashrings_file_errors_total}: failed refreshes} */
  public long errorsTotal() {
    return errors.get();
  }

  /** {@return {@code thanos_receive_hashrings_file_refreshes_total}: refresh attempts} */
  public long refreshesTotal() {
    return refreshes.get();
  }

  /**
   * {@return {@code thanos_receive_hashring_nodes} by ring name: endpoints as listed in the file}
   */
  public Map<String, Integer> hashringNodes() {
    return Map.copyOf(nodes);
  }

  /**
   * {@return {@code thanos_receive_hashring_tenants} by ring name: tenants as listed in the file}
   */
  public Map<String, Integer> hashringTenants() {
    return Map.copyOf(tenants);
  }

  /** Stops watching; the current ring stays valid. Idempotent. */
  @Override
  public void close() {
    closed.countDown();
    Thread t;
    synchronized (refreshLock) {
      t = thread;
      if (watchService != null) {
        try {
          watchService.close();
        } catch (IOException e) {
          log.warn("closing the watch service failed", e);
        }
      }
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
