// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.sluice.hashring.replication.GrpcPeers;
import io.sluice.hashring.replication.ReceiveMode;
import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketConfig;
import io.sluice.objstore.Buckets;
import io.sluice.objstore.FilesystemConfig;
import io.sluice.receiver.HeadCompactor;
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.limits.ActiveSeries;
import io.sluice.receiver.relabel.Relabeller;
import io.sluice.receiver.store.MultiTenantExemplars;
import io.sluice.receiver.store.MultiTenantStore;
import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.Writer;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.server.grpc.GrpcServer;
import io.sluice.server.http.OpsHandler;
import io.sluice.server.http.OpsServer;
import io.sluice.server.http.RemoteWriteHandler;
import io.sluice.server.http.RemoteWriteServer;
import io.sluice.server.http.TsdbStatusHandler;
import io.sluice.server.metrics.InstrumentedBucket;
import io.sluice.server.metrics.LimitsMetrics;
import io.sluice.server.metrics.ReceiveMetrics;
import io.sluice.server.metrics.SamplesAppendedWriter;
import io.sluice.server.status.StatusHandler;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.wal.WalFormat;
import io.sluice.tsdb.wal.WalOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running receiver: the remote-write listener, the HTTP listener for metrics and probes, the
 * gRPC listener for the StoreAPI, and the per-tenant storage behind them. Process wiring only; the
 * work is done by the modules below.
 *
 * <p>Lifecycle: {@link #start} opens the bucket without contacting it and checks it in the
 * background (a missing bucket, rejected credentials or an unreachable endpoint are logged as an
 * error, never fatal: blocks stay local until uploads succeed), opens the tenant databases (WAL
 * replay), then binds the listeners and turns ready; {@link #close} turns not ready, closes the
 * remote-write and gRPC listeners (requests in flight finish), writes every head to blocks, uploads
 * them, closes the databases (their WALs are fsynced) and the bucket, and only then closes the HTTP
 * listener, which answers {@code /-/ready} with 503 meanwhile.
 */
public final class Receiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

  private final ReceiveMetrics metrics;
  private final MultiTsdb tsdbs;
  private final InstantSource clock;
  private Bucket bucket;
  private Shipping shipping;
  private final HeadCompactor compactor;
  private final MemoryGuard memory;
  private final ScheduledExecutorService maintenance;
  // Remote writes: appends, the WAL write (maybe an fsync) and, with a hashring, the wait for
  // peers.
  private final java.util.concurrent.ExecutorService writes;
  private volatile boolean ready;
  private Replication replication;
  private Limits limits;
  private RemoteWriteServer remoteWrite;
  private OpsServer http;
  private GrpcServer grpc;

  private Receiver(ReceiveConfig cfg, InstantSource clock) {
    metrics = new ReceiveMetrics();
    ReceiveConfig.Tsdb flags = cfg.tsdb();
    tsdbs =
        new MultiTsdb(
            flags.path(),
            prefix -> {
              HeadOptions d = HeadOptions.defaults(clock);
              return new TsdbOptions(
                  new HeadOptions(
                      flags.minBlockDurationMs(),
                      d.samplesPerChunk(),
                      flags.tooFarInFutureMs(),
                      clock,
                      prefix,
                      flags.oooTimeWindowMs(),
                      flags.oooCapMax(),
                      flags.maxExemplars()),
                  new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, flags.walCompression()),
                  flags.walFsync(),
                  Runtime.getRuntime().availableProcessors(),
                  flags.minBlockDurationMs(),
                  flags.retentionMs());
            },
            t -> {
              shipping.add(t);
              metrics.headSeries(t.id(), t.head(), h -> h.numSeries());
              metrics.walCorruptions(t.id(), t.tsdb(), db -> db.corruptions());
              metrics.blocksLoaded(t.id(), () -> t.tsdb().blocks().size());
              metrics.exemplars(t.id(), t.head().exemplars());
              metrics.samplesAppended(t.id(), 0);
            });
    this.clock = clock;
    memory = MemoryGuard.start(cfg.memory(), metrics.registry(), clock);
    compactor =
        new HeadCompactor(
            tsdbs,
            // As Thanos with a bucket: a block beyond the retention goes once it is uploaded.
            meta -> shipping.uploaded(meta.ulid()),
            new HeadCompactor.Listener() {
              @Override
              public void blockCut(String tenant, BlockMeta meta) {
                metrics.compaction(tenant, true);
                memory.released();
                shipping.trigger(tenant);
              }

              @Override
              public void failed(String tenant, Exception e) {
                metrics.compaction(tenant, false);
              }
            });
    maintenance =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("head-compaction").daemon().unstarted(r));
    writes =
        Executors.newFixedThreadPool(
            Math.max(8, 4 * Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().name("write-", 0).daemon().factory());
  }

  /**
   * Starts a receiver: creates the data directory and the default tenant's directory, removes stale
   * lock files, opens every tenant's database in parallel (replaying its WAL), and only then binds
   * the listeners and turns ready, so that {@code /-/ready} answers 200 only once every
   * acknowledged write of the previous run is back in memory.
   *
   * @throws IllegalArgumentException when the default tenant is not a valid tenant name
   * @throws IOException when the bucket cannot be opened for a reason that can never pass (an
   *     unreadable {@code ca_file}, a filesystem bucket directory that cannot be created; the state
   *     of an S3 bucket is not one), the data directory cannot be created, a tenant cannot be
   *     opened or a port cannot be bound
   */
  public static Receiver start(ReceiveConfig cfg, InstantSource clock) throws IOException {
    Receiver r = new Receiver(cfg, clock);
    try {
      if (cfg.replication().mode().ingests()) {
        r.bucket = new InstrumentedBucket(openBucket(cfg), r.metrics.registry(), clock);
        checkInBackground(r.bucket);
        r.shipping =
            new Shipping(
                r.bucket,
                tenant -> labels(cfg, tenant),
                clock,
                cfg.shipper().skipCorruptedBlocks(),
                r.metrics.registry());
        try {
          r.tsdbs.open(cfg.tenancy().defaultTenant());
        } catch (InvalidTenantException e) {
          throw new IllegalArgumentException(
              "--receive.default-tenant-id is not a valid tenant name: "
                  + cfg.tenancy().defaultTenant(),
              e);
        }
        LOG.atInfo()
            .addKeyValue("tenants", r.tsdbs.tenants().size())
            .log("tenant databases opened and WALs replayed");
      } else {
        LOG.atInfo().log("router only: no local storage, no shipper; every write is forwarded");
      }
      r.bind(cfg);
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
    // Thanos checks every max block duration; a shorter check costs nothing and cuts on time.
    long every = Math.max(100, Math.min(cfg.tsdb().maxBlockDurationMs() / 8, 15_000));
    r.maintenance.scheduleWithFixedDelay(
        r.compactor::run, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    r.ready = true;
    r.grpc.serving();
    LOG.atInfo()
        .addKeyValue("remote_write", hostPort(r.remoteWriteAddress()))
        .addKeyValue("http", hostPort(r.httpAddress()))
        .addKeyValue("grpc", hostPort(r.grpcAddress()))
        .log("receiver ready");
    return r;
  }

  /** The configured bucket, or the embedded filesystem bucket under the data directory. */
  private static Bucket openBucket(ReceiveConfig cfg) throws IOException {
    BucketConfig config = cfg.shipper().bucket();
    if (config == null) {
      config =
          BucketConfig.of(
              new FilesystemConfig(
                  cfg.tsdb().path().resolve(MultiTsdb.BUCKET_DIR).toAbsolutePath()));
      LOG.atInfo()
          .addKeyValue("directory", cfg.tsdb().path().resolve(MultiTsdb.BUCKET_DIR))
          .log("no --objstore.config: blocks go to the embedded filesystem bucket");
    }
    Bucket b = Buckets.open(config);
    LOG.atInfo().addKeyValue("bucket", b).log("bucket opened; shipping blocks to it");
    return b;
  }

  /**
   * Checks the bucket once, off the start path: an endpoint that does not answer must not delay
   * readiness, and no state of the bucket stops the receiver (Thanos receive does not contact the
   * bucket at start; its shipper fails and retries). The result is only logged.
   */
  private static void checkInBackground(Bucket bucket) {
    Thread.ofPlatform()
        .name("bucket-check")
        .daemon()
        .start(
            () -> {
              try {
                bucket.check();
                LOG.atInfo().addKeyValue("bucket", bucket).log("bucket checked: it can be used");
              } catch (IOException | RuntimeException e) {
                LOG.atError()
                    .addKeyValue("bucket", bucket)
                    .addKeyValue("err", e.getMessage())
                    .log(
                        "bucket cannot be used; writes are still accepted, blocks stay local and"
                            + " are uploaded once the bucket works");
              }
            });
  }

  /** A tenant's external labels: the {@code --label}s and the tenant label. */
  private static Map<String, String> labels(ReceiveConfig cfg, String tenant) {
    Labels l =
        MultiTenantStore.externalLabels(cfg.externalLabels(), cfg.tenancy().labelName(), tenant);
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < l.size(); i++) {
      m.put(l.name(i), l.value(i));
    }
    return m;
  }

  private void bind(ReceiveConfig cfg) throws IOException {
    replication =
        Replication.start(
            cfg.replication(),
            new SamplesAppendedWriter(memory.guard(new LocalWriter(tsdbs), tsdbs), metrics),
            new GrpcPeers(cfg.replication().grpcCompression()),
            metrics.registry(),
            clock);
    Writer writer = replication.writer();
    LimitsMetrics limitsMetrics = new LimitsMetrics(metrics.registry());
    limits =
        cfg.limits() == null ? null : Limits.start(cfg.limits(), activeSeries(cfg), limitsMetrics);
    RemoteWriteHandler rw =
        new RemoteWriteHandler(
            writer,
            writes,
            metrics,
            () -> ready,
            cfg.tenancy().header(),
            cfg.tenancy().defaultTenant(),
            cfg.requestBounds().maxDecodedBytes(),
            cfg.replication().splitTenantLabelName(),
            limits == null ? null : limits.limiter(),
            cfg.relabel().isEmpty() ? null : new Relabeller(cfg.relabel().configs()),
            cfg.otlp());
    TsdbStatusHandler tsdbStatus =
        new TsdbStatusHandler(
            tsdbs,
            writes,
            metrics,
            () -> ready,
            cfg.tenancy().header(),
            cfg.tenancy().defaultTenant());
    remoteWrite =
        RemoteWriteServer.bind(
            cfg.addresses().remoteWrite().toSocketAddress(),
            cfg.requestBounds().maxBodyBytes(),
            limits == null ? null : onReject -> limits.newConnectionHandler(rw::tenantOf, onReject),
            onReject -> memory.handler(cfg.requestBounds().maxBodyBytes(), onReject),
            List.of(tsdbStatus),
            rw);
    StatusHandler status =
        new StatusHandler(
            new ReceiverStatus(
                cfg,
                tsdbs,
                shipping,
                replication,
                limits,
                metrics.registry(),
                () -> ready,
                clock,
                maintenance));
    http =
        OpsServer.bind(
            cfg.addresses().http().toSocketAddress(),
            List.of(status),
            new OpsHandler(metrics::scrape, () -> ready));
    grpc =
        GrpcServer.start(
            cfg.addresses().grpc().toSocketAddress(),
            MultiTenantStore.of(tsdbs, cfg.externalLabels(), cfg.tenancy().labelName()),
            MultiTenantExemplars.of(tsdbs, cfg.externalLabels(), cfg.tenancy().labelName()),
            () -> ready,
            metrics.registry(),
            writer,
            memory.budget());
  }

  /**
   * A tenant's active series for the head-series limit, from this receiver's heads (see {@link
   * LocalActiveSeries}); null in router-only mode, which has none.
   */
  private ActiveSeries activeSeries(ReceiveConfig cfg) {
    ReceiveMode mode = cfg.replication().mode();
    if (!mode.ingests()) {
      return null;
    }
    ToLongFunction<String> local =
        t -> {
          MultiTsdb.Tenant tenant = tsdbs.get(t);
          return tenant == null ? 0 : tenant.head().numSeries();
        };
    return mode == ReceiveMode.INGESTOR_ONLY
        ? new LocalActiveSeries(local, null, null)
        : new LocalActiveSeries(local, replication::ring, cfg.replication().localEndpoint());
  }

  // host:port with an IPv6 host in brackets and without its scope; the wildcard as "[::]", as Go
  // writes it.
  static String hostPort(InetSocketAddress a) {
    if (a.getAddress() instanceof java.net.Inet6Address v6) {
      String host = v6.isAnyLocalAddress() ? "::" : v6.getHostAddress();
      int scope = host.indexOf('%');
      return "[" + (scope < 0 ? host : host.substring(0, scope)) + "]:" + a.getPort();
    }
    return a.getHostString() + ":" + a.getPort();
  }

  /** The bound remote-write address. */
  public InetSocketAddress remoteWriteAddress() {
    return remoteWrite.address();
  }

  /** The bound HTTP address of metrics and probes. */
  public InetSocketAddress httpAddress() {
    return http.address();
  }

  /** The bound gRPC (StoreAPI) address. */
  public InetSocketAddress grpcAddress() {
    return grpc.address();
  }

  /** The per-tenant storage. */
  public MultiTsdb tsdbs() {
    return tsdbs;
  }

  /** The metrics registry. */
  public ReceiveMetrics metrics() {
    return metrics;
  }

  /** Whether the receiver serves. */
  public boolean ready() {
    return ready;
  }

  /** The bucket blocks are shipped to (instrumented), or null before {@link #start} opened it. */
  public Bucket bucket() {
    return bucket;
  }

  /**
   * Graceful shutdown, as {@code thanos receive}: turns not ready, stops the remote-write and gRPC
   * listeners and lets requests in flight finish, stops head compaction, writes every head to
   * blocks, runs a final upload pass of every tenant, closes the databases and the bucket, and
   * closes the HTTP listener last (it answers {@code /-/ready} with 503 until then).
   */
  @Override
  public void close() {
    ready = false;
    if (grpc != null) {
      grpc.close();
    }
    if (remoteWrite != null) {
      remoteWrite.stopAccepting();
    }
    // Writes in flight finish and are answered before the event loops stop.
    writes.shutdown();
    try {
      writes.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (replication != null) {
      replication.close();
    }
    if (limits != null) {
      limits.close();
    }
    // The answers of the writes that just finished are sent before the event loops end.
    if (remoteWrite != null) {
      remoteWrite.close();
    }
    maintenance.shutdown();
    try {
      maintenance.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // As Thanos at shutdown: every head becomes blocks, but the newest instant stays in the WAL;
    // then the final upload pass.
    compactor.flush();
    if (shipping != null) {
      shipping.stopAndShipAll(Shipping.FINAL_PASSES_BUDGET_MS);
    }
    try {
      tsdbs.close();
    } catch (IOException e) {
      LOG.atError().setCause(e).log("closing the tenant databases failed");
    }
    if (bucket != null) {
      try {
        bucket.close();
      } catch (IOException e) {
        LOG.atWarn().setCause(e).log("closing the bucket failed");
      }
    }
    if (http != null) {
      http.close();
    }
    memory.close();
  }
}
