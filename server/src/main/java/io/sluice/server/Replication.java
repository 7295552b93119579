// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.hashring.Endpoint;
import io.sluice.hashring.HashmodHashring;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.HashringFile;
import io.sluice.hashring.HashringFileWatcher;
import io.sluice.hashring.MultiHashring;
import io.sluice.hashring.replication.PeerBackoff;
import io.sluice.hashring.replication.Peers;
import io.sluice.hashring.replication.ReceiveMode;
import io.sluice.hashring.replication.ReplicationListener;
import io.sluice.hashring.replication.Replicator;
import io.sluice.receiver.write.Writer;
import io.sluice.server.cli.ReplicationConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hashring and the replicator of one receiver, wired from its flags (reference {@code
 * thanos-receive.md} §1.2–1.3, §2.3): in ingestor-only mode a ring of this node alone; otherwise
 * the inline configuration or the hashring file, watched for changes. A change swaps the ring for
 * the next request, resets the peers' back-off and closes connections to removed endpoints; unlike
 * Thanos, it never flushes heads and never turns the receiver unready.
 *
 * <p>Registers Thanos' metrics: {@code thanos_receive_config_hash}, {@code
 * thanos_receive_config_last_reload_successful}, {@code …_last_reload_success_timestamp_seconds},
 * {@code thanos_receive_hashrings_file_{changes,errors,refreshes}_total}, {@code
 * thanos_receive_hashring_nodes{name}}, {@code thanos_receive_hashring_tenants{name}}, {@code
 * thanos_receive_replication_factor}, {@code thanos_receive_forward_requests_total{result}} and
 * {@code thanos_receive_replications_total{result}}.
 */
final class Replication implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
  // The single node of ingestor-only mode when --receive.local-endpoint is not set.
  private static final String SELF = "local";

  private final AtomicReference<Hashring> ring = new AtomicReference<>();
  private final HashringFileWatcher watcher;
  private final Replicator replicator;
  private final PeerBackoff backoff;
  private final MeterRegistry registry;
  private final java.util.Set<String> gaugedRings =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private Replication(
      ReplicationConfig cfg, Writer local, Peers peers, MeterRegistry registry, InstantSource clock)
      throws IOException {
    this.registry = registry;
    ReceiveMode mode = cfg.mode();
    String self = cfg.localEndpoint().isEmpty() ? SELF : cfg.localEndpoint();
    HashringFileWatcher w = null;
    try {
      if (mode == ReceiveMode.INGESTOR_ONLY) {
        ring.set(HashmodHashring.create(List.of(Endpoint.of(self))));
      } else if (cfg.hashrings() != null) {
        byte[] content = cfg.hashrings().getBytes(StandardCharsets.UTF_8);
        MultiHashring r =
            MultiHashring.create(
                cfg.algorithm(),
                cfg.replicationFactor(),
                HashringFile.load(content, "--receive.hashrings").configs());
        ring.set(r);
        gauge("thanos.receive.config.hash", () -> HashringFile.configHash(content));
        gauge("thanos.receive.config.last.reload.successful", () -> 1);
        registerRingGauges(r);
      } else {
        w =
            new HashringFileWatcher(
                cfg.hashringsFile(),
                Duration.ofMillis(cfg.refreshIntervalMs()),
                HashringFileWatcher.Builder.of(cfg.algorithm(), cfg.replicationFactor()),
                this::changed,
                clock);
      }
    } catch (io.sluice.hashring.InvalidHashringException e) {
      throw new IOException("failed to validate hashring configuration: " + e.getMessage(), e);
    }
    watcher = w;
    backoff =
        new PeerBackoff(
            TimeUnit.MILLISECONDS.toNanos(cfg.forwardMaxBackoffMs()),
            System::nanoTime,
            new Random());
    replicator =
        new Replicator(
            mode,
            ring::get,
            cfg.replicationFactor(),
            mode == ReceiveMode.INGESTOR_ONLY ? self : cfg.localEndpoint(),
            mode.ingests() ? local : null,
            peers,
            backoff,
            TimeUnit.MILLISECONDS.toNanos(cfg.forwardTimeoutMs()),
            cfg.asyncWorkers(),
            listener(registry));
    gauge("thanos.receive.replication.factor", cfg::replicationFactor);
  }

  /**
   * Builds the ring and the replicator. With a hashring file, reads and validates it first: a file
   * that cannot be read or parsed, or a ring that cannot be built, fails the start.
   *
   * @throws IOException when the hashring configuration is invalid, naming why
   */
  static Replication start(
      ReplicationConfig cfg, Writer local, Peers peers, MeterRegistry registry, InstantSource clock)
      throws IOException {
    Replication r = new Replication(cfg, local, peers, registry, clock);
    if (r.watcher != null) {
      try {
        r.ring.set(r.watcher.start());
      } catch (io.sluice.hashring.InvalidHashringException e) {
        r.close();
        throw new IOException(
            "failed to validate hashring configuration file: " + e.getMessage(), e);
      } catch (IOException e) {
        r.close();
        throw new IOException(
            "failed to validate hashring configuration file: " + e.getMessage(), e);
      }
      HashringFileWatcher w = r.watcher;
      r.gauge("thanos.receive.config.hash", w::configHash);
      r.gauge("thanos.receive.config.last.reload.successful", w::lastReloadSuccessful);
      r.gauge(
          "thanos.receive.config.last.reload.success.timestamp.seconds",
          w::lastReloadSuccessTimestampSeconds);
      r.counter("thanos.receive.hashrings.file.changes", w, HashringFileWatcher::changesTotal);
      r.counter("thanos.receive.hashrings.file.errors", w, HashringFileWatcher::errorsTotal);
      r.counter("thanos.receive.hashrings.file.refreshes", w, HashringFileWatcher::refreshesTotal);
    }
    return r;
  }

  private void changed(MultiHashring r) {
    Hashring previous = ring.getAndSet(r);
    registerRingGauges(r);
    if (previous != null) {
      replicator.ringChanged(r.nodes().stream().map(Endpoint::address).distinct().toList());
      LOG.atInfo()
          .addKeyValue("nodes", r.nodes().size())
          .log("hashring changed; the next requests use the new placement (no flush)");
    }
  }

  private void registerRingGauges(MultiHashring r) {
    for (var c : r.configs()) {
      String name = c.hashring();
      if (!gaugedRings.add(name)) {
        continue;
      }
      Gauge.builder("thanos.receive.hashring.nodes", this, x -> x.count(name, true))
          .tag("name", name)
          .strongReference(true)
          .register(registry);
      Gauge.builder("thanos.receive.hashring.tenants", this, x -> x.count(name, false))
          .tag("name", name)
          .strongReference(true)
          .register(registry);
    }
  }

  private double count(String name, boolean nodes) {
    if (!(ring.get() instanceof MultiHashring m)) {
      return 0;
    }
    for (var c : m.configs()) {
      if (c.hashring().equals(name)) {
        return nodes ? c.endpoints().size() : c.tenants().size();
      }
    }
    return 0;
  }

  private void gauge(String name, java.util.function.DoubleSupplier f) {
    Gauge.builder(name, f, java.util.function.DoubleSupplier::getAsDouble)
        .strongReference(true)
        .register(registry);
  }

  // The watcher is held by this object for the receiver's life: Micrometer's weak reference to it
  // stays valid (a lambda held only by Micrometer would be collected and read 0).
  private void counter(
      String name,
      HashringFileWatcher w,
      java.util.function.ToDoubleFunction<HashringFileWatcher> f) {
    FunctionCounter.builder(name, w, f).register(registry);
  }

  private static ReplicationListener listener(MeterRegistry registry) {
    Counter fwdOk =
        Counter.builder("thanos.receive.forward.requests")
            .tag("result", "success")
            .register(registry);
    Counter fwdErr =
        Counter.builder("thanos.receive.forward.requests")
            .tag("result", "error")
            .register(registry);
    Counter replOk =
        Counter.builder("thanos.receive.replications").tag("result", "success").register(registry);
    Counter replErr =
        Counter.builder("thanos.receive.replications").tag("result", "error").register(registry);
    return new ReplicationListener() {
      @Override
      public void forwarded(boolean ok) {
        (ok ? fwdOk : fwdErr).increment();
      }

      @Override
      public void replicated(boolean ok) {
        (ok ? replOk : replErr).increment();
      }
    };
  }

  /** The writer requests go to. */
  Writer writer() {
    return replicator;
  }

  /** The current ring (for tests and the status page). */
  Hashring ring() {
    return ring.get();
  }

  /** Whether forwards to {@code address} are held back now after failures (the status page). */
  boolean backingOff(String address) {
    return backoff.backingOff(address);
  }

  /** Stops watching and forwarding. */
  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    replicator.close();
  }
}
