// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.hashring.Endpoint;
import io.sluice.hashring.HashringAlgorithm;
import io.sluice.hashring.HashringConfig;
import io.sluice.hashring.MultiHashring;
import io.sluice.hashring.replication.ReceiveMode;
import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.limits.LimitsConfig;
import io.sluice.receiver.limits.TenantLimits;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.server.cli.ReplicationConfig;
import io.sluice.server.status.EffectiveFlags;
import io.sluice.server.status.LocalShare;
import io.sluice.server.status.SampleRates;
import io.sluice.server.status.Status;
import io.sluice.server.status.StatusSource;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.block.Block;
import io.sluice.tsdb.block.BlockMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The status page's view of one receiver: reads its components (heads, blocks, the shipper's
 * progress, the hashring and its peers' back-off, the limits in force) and its meters (samples
 * received, refused requests, memory) when a section is asked for. Samples per second come from
 * {@code thanos_receive_write_samples}, read every {@value #SAMPLE_EVERY_MS} ms, over the last
 * minute; nothing is added to the write path.
 *
 * <p>In router-only mode there are no heads, blocks or shipper: tenants are those that writes were
 * received for, with their rate only. Thread-safe.
 */
final class ReceiverStatus implements StatusSource {
  static final long SAMPLE_EVERY_MS = 5_000;
  // 13 readings 5 s apart: a one-minute window.
  private static final int READINGS = 13;
  private static final String SELF = "local";

  private final ReceiveConfig cfg;
  private final MultiTsdb tsdbs;
  private final Shipping shipping;
  private final Replication replication;
  private final Limits limits;
  private final MeterRegistry registry;
  private final BooleanSupplier ready;
  private final InstantSource clock;
  private final SampleRates samples;
  private final long startedMs;

  /**
   * @param shipping null in router-only mode
   * @param limits null without a limits configuration
   * @param sampler runs the periodic reading of the samples counter; owned by the caller
   */
  ReceiverStatus(
      ReceiveConfig cfg,
      MultiTsdb tsdbs,
      Shipping shipping,
      Replication replication,
      Limits limits,
      MeterRegistry registry,
      BooleanSupplier ready,
      InstantSource clock,
      ScheduledExecutorService sampler) {
    this.cfg = cfg;
    this.tsdbs = tsdbs;
    this.shipping = shipping;
    this.replication = replication;
    this.limits = limits;
    this.registry = registry;
    this.ready = ready;
    this.clock = clock;
    this.samples = new SampleRates(this::samplesReceived, System::nanoTime, READINGS);
    this.startedMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    sampler.scheduleAtFixedRate(samples::sample, 0, SAMPLE_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  private ReplicationConfig replicationConfig() {
    return cfg.replication();
  }

  private Map<String, Double> samplesReceived() {
    Map<String, Double> m = new HashMap<>();
    for (DistributionSummary s : registry.find("thanos.receive.write.samples").summaries()) {
      String tenant = s.getId().getTag("tenant");
      if (tenant != null) {
        m.merge(tenant, s.totalAmount(), Double::sum);
      }
    }
    return m;
  }

  private static String mode(ReceiveMode m) {
    return switch (m) {
      case INGESTOR_ONLY -> "ingestor";
      case ROUTER_ONLY -> "router";
      case ROUTER_INGESTOR -> "router-ingestor";
    };
  }

  @Override
  public Status.Overview overview() {
    return new Status.Overview(
        mode(replicationConfig().mode()), ready.getAsBoolean(), startedMs, clock.millis());
  }

  @Override
  public List<Status.Tenant> tenants() {
    Map<String, Double> rates = samples.rates();
    TreeSet<String> ids = new TreeSet<>(samples.keys());
    Map<String, MultiTsdb.Tenant> open = new HashMap<>();
    for (MultiTsdb.Tenant t : tsdbs.tenants()) {
      ids.add(t.id());
      open.put(t.id(), t);
    }
    List<Status.Tenant> out = new ArrayList<>();
    for (String id : ids) {
      MultiTsdb.Tenant t = open.get(id);
      Double rate = rates.get(id);
      if (t == null) {
        out.add(
            new Status.Tenant(
                id, null, rate, null, null, null, null, null, null, null, null, null));
        continue;
      }
      Tsdb db = t.tsdb();
      long min = t.head().minTime();
      long max = t.head().maxTime();
      boolean empty = min > max;
      int local = 0;
      int uploaded = 0;
      int pending = 0;
      for (Block b : db.blocks()) {
        local++;
        if (uploaded(b.meta())) {
          uploaded++;
        } else if (shippable(b.meta())) {
          pending++;
        }
      }
      Shipping.Progress p = shipping == null ? Shipping.Progress.NONE : shipping.progress(id);
      out.add(
          new Status.Tenant(
              id,
              t.head().numSeries(),
              rate,
              directorySize(db.dir().resolve(Tsdb.WAL_DIR)),
              empty ? null : min,
              empty ? null : max,
              local,
              uploaded,
              pending,
              p.lastUploadMs(),
              p.lastError(),
              p.lastErrorMs()));
    }
    return out;
  }

  private boolean uploaded(BlockMeta m) {
    return shipping != null && shipping.uploaded(m.ulid());
  }

  // What the shipper uploads: level-1 blocks with samples (compacted and empty ones never go).
  private static boolean shippable(BlockMeta m) {
    return m.stats().numSamples() > 0 && m.compaction().level() <= 1;
  }

  @Override
  public List<Status.Block> blocks() {
    List<Status.Block> out = new ArrayList<>();
    List<MultiTsdb.Tenant> open = new ArrayList<>(tsdbs.tenants());
    open.sort(Comparator.comparing(MultiTsdb.Tenant::id));
    for (MultiTsdb.Tenant t : open) {
      for (Block b : t.tsdb().blocks()) {
        BlockMeta m = b.meta();
        out.add(
            new Status.Block(
                t.id(),
                m.ulid().toString(),
                m.minTime(),
                m.maxTime(),
                m.stats().numSamples(),
                m.compaction().level(),
                uploaded(m)));
      }
    }
    out.sort(Comparator.comparing(Status.Block::tenant).thenComparing(Status.Block::minTimeMs));
    return out;
  }

  @Override
  public Status.Hashring hashring() {
    ReplicationConfig rc = replicationConfig();
    ReceiveMode mode = rc.mode();
    String self =
        mode == ReceiveMode.INGESTOR_ONLY && rc.localEndpoint().isEmpty()
            ? SELF
            : rc.localEndpoint();
    List<Status.Ring> rings = new ArrayList<>();
    io.sluice.hashring.Hashring ring = replication.ring();
    if (ring instanceof MultiHashring m) {
      for (int i = 0; i < m.configs().size(); i++) {
        HashringConfig c = m.configs().get(i);
        String algorithm = HashringAlgorithm.resolve(c.algorithm(), rc.algorithm()).configName();
        Double share =
            c.shuffleShardingConfig().enabled()
                ? null
                : LocalShare.of(m.rings().get(i), "", self, m.replicationFactor());
        rings.add(
            new Status.Ring(
                c.hashring(), algorithm, c.tenants(), nodes(c.endpoints(), self), share));
      }
    } else if (ring != null) {
      rings.add(
          new Status.Ring(
              "",
              HashringAlgorithm.HASHMOD.configName(),
              List.of(),
              nodes(ring.nodes(), self),
              LocalShare.of(ring, "", self, 1)));
    }
    return new Status.Hashring(mode(mode), rc.localEndpoint(), rc.replicationFactor(), rings);
  }

  private List<Status.Node> nodes(List<Endpoint> endpoints, String self) {
    List<Status.Node> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      boolean isSelf = !self.isEmpty() && e.hasAddress(self);
      out.add(
          new Status.Node(
              e.address(), e.az(), isSelf, !isSelf && replication.backingOff(e.address())));
    }
    return out;
  }

  @Override
  public Status.Limits limits() {
    LimitsConfig c = limits == null ? LimitsConfig.NONE : limits.limiter().config();
    Map<String, Status.TenantLimits> tenants = new TreeMap<>();
    c.tenants().forEach((t, l) -> tenants.put(t, limitsOf(l)));
    return new Status.Limits(
        limits != null,
        c.maxConcurrency(),
        limitsOf(c.defaults()),
        tenants,
        memory(),
        rejections());
  }

  private static Status.TenantLimits limitsOf(TenantLimits l) {
    return new Status.TenantLimits(l.sizeBytes(), l.series(), l.samples(), l.headSeries());
  }

  private Status.Memory memory() {
    Double level = gauge("sluice.receive.memory.pressure.level", null);
    Double live = gauge("sluice.receive.memory.live.heap.bytes", null);
    Double max = gauge("sluice.receive.memory.max.heap.bytes", null);
    Double newSeries = gauge("sluice.receive.memory.limit.bytes", "new_series");
    Double writes = gauge("sluice.receive.memory.limit.bytes", "writes");
    return new Status.Memory(
        level == null ? null : level.intValue(),
        asLong(live),
        asLong(max),
        positive(newSeries),
        positive(writes));
  }

  private Double gauge(String name, String limit) {
    var search = registry.find(name);
    if (limit != null) {
      search = search.tag("limit", limit);
    }
    Gauge g = search.gauge();
    if (g == null) {
      return null;
    }
    double v = g.value();
    return Double.isNaN(v) ? null : v;
  }

  private static Long asLong(Double v) {
    return v == null ? null : v.longValue();
  }

  private static Long positive(Double v) {
    return v == null || v <= 0 ? null : v.longValue();
  }

  private List<Status.Rejection> rejections() {
    TreeMap<String, Status.Rejection> out = new TreeMap<>();
    for (DistributionSummary s : registry.find("thanos.receive.write.limits.hit").summaries()) {
      add(out, "limit:" + s.getId().getTag("limit"), s.getId().getTag("tenant"), s.count());
    }
    for (Counter c : registry.find("thanos.receive.head.series.limited.requests").counters()) {
      add(out, "head_series_limit", c.getId().getTag("tenant"), (long) c.count());
    }
    for (FunctionCounter c :
        registry.find("sluice.receive.memory.rejected.requests").functionCounters()) {
      add(out, "memory:" + c.getId().getTag("reason"), "", (long) c.count());
    }
    for (Counter c : registry.find("http.requests").tag("handler", "receive").counters()) {
      String code = c.getId().getTag("code");
      if (code != null && !code.startsWith("2")) {
        add(out, "http:" + code, c.getId().getTag("tenant"), (long) c.count());
      }
    }
    return List.copyOf(out.values());
  }

  private static void add(
      Map<String, Status.Rejection> out, String reason, String tenant, long count) {
    if (count <= 0) {
      return;
    }
    String t = tenant == null ? "" : tenant;
    out.merge(
        reason + '\u0000' + t,
        new Status.Rejection(reason, t, count),
        (a, b) -> new Status.Rejection(reason, t, a.requests() + b.requests()));
  }

  @Override
  public List<Status.Flag> flags() {
    return EffectiveFlags.of(cfg);
  }

  // Files come and go (segments, checkpoints) while this walks: what vanished counts as 0.
  private static Long directorySize(Path dir) {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(ReceiverStatus::size).sum();
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }

  private static long size(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
