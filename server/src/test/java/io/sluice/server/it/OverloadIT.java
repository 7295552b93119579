// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static io.sluice.server.it.StoreClient.eq;
import static io.sluice.server.it.StoreClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.admission.MemoryAdmissionWriter;
import io.sluice.receiver.proto.thanos.StoreTypes.AggrChunk;
import io.sluice.receiver.proto.thanos.info.InfoRpc.InfoRequest;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory back-pressure with real processes: a receiver offered far more series than its heap holds
 * sheds load with retryable answers instead of running out of memory, keeps serving probes and
 * queries, holds exactly what it acknowledged, and accepts writes again by itself once its head is
 * cut; a Prometheus agent writing to such a receiver backs off and catches up without losing a
 * sample. Heads are cut into blocks of seconds (hidden block-duration flags) so that the memory of
 * refused series comes back within the test.
 */
class OverloadIT {
  private static final int SERIES = 2_000_000;
  private static final int SHARDS = 8;
  private static final int SERIES_PER_REQUEST = 2_000;
  private static final Duration LOAD = Duration.ofSeconds(45);
  // Series an established agent writes every second, and the series of the recovery write.
  private static final int STEADY = 10_000;
  private static final int FIRST_STEADY = SERIES;
  private static final int FIRST_FRESH = SERIES + STEADY;
  private static final int IDS = FIRST_FRESH + SERIES_PER_REQUEST;

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** What the senders saw. */
  private static final class Tally {
    final int[] acked = new int[IDS];
    final LongAdder ok = new LongAdder();
    final LongAdder okSamples = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder refusedWithoutRetryAfter = new LongAdder();
    final Map<Integer, LongAdder> other = new ConcurrentHashMap<>();
    final Map<String, LongAdder> transport = new ConcurrentHashMap<>();
    // When new series were first and last refused, and when the established series were accepted.
    final AtomicLong firstNewSeriesRefusal = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong lastNewSeriesRefusal = new AtomicLong();
    final List<Long> steadyAccepted = new CopyOnWriteArrayList<>();
    // Samples accepted, and when, at the first refusal: the rate of ingest before shedding.
    final AtomicLong firstRefusal = new AtomicLong();
    final AtomicLong acceptedBeforeRefusal = new AtomicLong(-1);
  }

  /** Polls a probe every 200 ms with a 1 s timeout, noting the slowest answer and every failure. */
  private static final class Prober implements AutoCloseable {
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong maxNanos = new AtomicLong();
    final LongAdder probes = new LongAdder();
    final List<String> failures = new CopyOnWriteArrayList<>();

    Prober(int port, String path) {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(1))
              .build();
      thread =
          Thread.ofPlatform()
              .name("probe" + path)
              .start(
                  () -> {
                    while (!stop.get()) {
                      long t = System.nanoTime();
                      try {
                        int code =
                            http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (code != 200) {
                          failures.add(path + " " + code);
                        }
                      } catch (IOException e) {
                        failures.add(path + " " + e);
                      } catch (InterruptedException e) {
                        return;
                      }
                      maxNanos.accumulateAndGet(System.nanoTime() - t, Math::max);
                      probes.increment();
                      sleep(200);
                    }
                  });
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(5_000);
    }
  }

  private ExternalProcess start(String heap, int rw, int web, int grpc, String name, String block)
      throws Exception {
    // Kept after the test, for a look at the receiver's episodes and collections.
    Path logs = Files.createDirectories(Path.of("target", "it-logs"));
    ExternalProcess p =
        ExternalProcess.start(
            ItFixtures.sluiceCommandWithJavaOpts(
                heap + " -Xlog:gc:file=" + logs.resolve(name + "-gc.log"),
                "receive",
                "--remote-write.address=127.0.0.1:" + rw,
                "--http-address=127.0.0.1:" + web,
                "--grpc-address=127.0.0.1:" + grpc,
                "--tsdb.path=" + dir.resolve("data"),
                "--label=replica=\"it\"",
                "--tsdb.min-block-duration=" + block,
                "--tsdb.max-block-duration=" + block),
            logs.resolve(name + ".log"));
    open.add(p);
    ItFixtures.awaitReady(p, web);
    return p;
  }

  @Test
  void anOverloadedReceiverShedsWritesWith503AndNeverRunsOutOfMemory() throws Exception {
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    int grpc = ItFixtures.freePort();
    ExternalProcess sluice = start("-Xmx512m", rw, web, grpc, "OverloadIT", "20s");
    Prober healthy = new Prober(web, "/-/healthy");
    open.add(healthy);
    Prober ready = new Prober(web, "/-/ready");
    open.add(ready);
    StoreClient store = new StoreClient(new InetSocketAddress("127.0.0.1", grpc));
    open.add(store);
    List<String> queryFailures = new CopyOnWriteArrayList<>();
    LongAdder queries = new LongAdder();
    AtomicBoolean loading = new AtomicBoolean(true);
    Thread querier =
        Thread.ofPlatform()
            .name("query-probe")
            .start(
                () -> {
                  while (loading.get()) {
                    try {
                      store
                          .info
                          .withDeadlineAfter(10, TimeUnit.SECONDS)
                          .info(InfoRequest.getDefaultInstance());
                      store.series(
                          request(eq("job", RemoteWriteLoad.JOB), eq("instance", "host-0:9100")));
                      queries.increment();
                    } catch (RuntimeException e) {
                      queryFailures.add(e.toString());
                    }
                    sleep(1_000);
                  }
                });

    // The load: shard k sends the series k, k + 8, k + 16, … in requests of 2,000, round after
    // round, as fast as it is answered; an established agent sends 10,000 series every second.
    Tally tally = new Tally();
    long start = System.nanoTime();
    long end = start + LOAD.toNanos();
    List<Thread> senders = new ArrayList<>();
    for (int k = 0; k < SHARDS; k++) {
      int[] ids = new int[SERIES / SHARDS];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = k + i * SHARDS;
      }
      senders.add(
          Thread.ofPlatform().name("sender-" + k).start(() -> send(rw, ids, 0, end, tally, false)));
    }
    int[] steady = new int[STEADY];
    for (int i = 0; i < STEADY; i++) {
      steady[i] = FIRST_STEADY + i;
    }
    senders.add(
        Thread.ofPlatform().name("steady").start(() -> send(rw, steady, 1_000, end, tally, true)));
    long peakRssKb = 0;
    while (System.nanoTime() < end) {
      assertThat(sluice.alive()).as("the receiver is alive").isTrue();
      peakRssKb = Math.max(peakRssKb, statusKb(sluice.pid(), "VmRSS:"));
      Thread.sleep(500);
    }
    for (Thread t : senders) {
      t.join(60_000);
    }
    double loadSeconds = (System.nanoTime() - start) / 1e9;
    loading.set(false);
    querier.join(15_000);
    double rejected =
        metric(
            ItFixtures.get(web, "/metrics").body(),
            "sluice_receive_memory_rejected_requests_total");

    // Writes succeed again by themselves once the head is cut: a request of new series.
    int[] fresh = new int[SERIES_PER_REQUEST];
    for (int i = 0; i < fresh.length; i++) {
      fresh[i] = FIRST_FRESH + i;
    }
    RemoteWriteLoad enc = new RemoteWriteLoad();
    List<Integer> recoveryStatuses = new ArrayList<>();
    long recoveryStart = System.nanoTime();
    try (RemoteWriteLoad.Connection c = new RemoteWriteLoad.Connection(rw, 30_000)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      int status = 0;
      while (System.nanoTime() < deadline) {
        RemoteWriteLoad.Answer a =
            c.post(enc.encode(fresh, 0, fresh.length, System.currentTimeMillis(), 1));
        status = a.status();
        recoveryStatuses.add(status);
        if (status == 200) {
          for (int id : fresh) {
            tally.acked[id]++;
          }
          break;
        }
        assertThat(a.retryAfter()).as("a refusal during recovery: " + a.body()).isNotNull();
        Thread.sleep(1_000);
      }
      assertThat(status).as("writes accepted again: " + recoveryStatuses).isEqualTo(200);
    }
    double recoverySeconds = (System.nanoTime() - recoveryStart) / 1e9;
    peakRssKb = Math.max(peakRssKb, statusKb(sluice.pid(), "VmHWM:"));
    assertThat(sluice.alive()).as("the receiver is alive after the load").isTrue();
    healthy.close();
    ready.close();

    // A graceful stop writes the head to blocks; then every acknowledged sample, and nothing of a
    // refused request, is in the data directory.
    sluice.terminate();
    assertThat(sluice.exitCode(120)).as(sluice.output()).isZero();
    int[] stored = new int[IDS];
    try (Tsdb db =
            Tsdb.open(
                dir.resolve("data").resolve("default-tenant"),
                TsdbOptions.defaults(HeadOptions.defaults(InstantSource.system())));
        Querier q = db.querier()) {
      SeriesSet set =
          q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of(Matcher.eq("job", RemoteWriteLoad.JOB)));
      while (set.hasNext()) {
        Series s = set.next();
        int id =
            RemoteWriteLoad.id(
                s.labels().get("__name__"), s.labels().get("instance"), s.labels().get("slot"));
        SampleIterator samples = s.samples();
        while (samples.next()) {
          stored[id]++;
        }
      }
    }
    List<String> mismatches = new ArrayList<>();
    long ackedSeries = 0;
    for (int s = 0; s < IDS; s++) {
      if (tally.acked[s] > 0) {
        ackedSeries++;
      }
      if (stored[s] != tally.acked[s] && mismatches.size() < 10) {
        mismatches.add("id " + s + ": acknowledged " + tally.acked[s] + ", stored " + stored[s]);
      }
    }
    long first = tally.firstNewSeriesRefusal.get();
    long last = tally.lastNewSeriesRefusal.get();
    long steadyDuringRefusals =
        tally.steadyAccepted.stream().filter(t -> t > first && t < last).count();

    double beforeRefusal =
        tally.acceptedBeforeRefusal.get() / ((tally.firstRefusal.get() - start) / 1e9);
    String output = sluice.output();
    System.out.printf(
        "overload: %.1f s of load, %d requests 2xx (%d samples, %.0f samples/s accepted; %.0f"
            + " samples/s until the first refusal), %d 503"
            + " (%.0f counted by the receiver), %d series acknowledged of %d offered, %d"
            + " established-agent requests accepted while new series were refused; peak RSS %d"
            + " MiB; /-/healthy: %d probes, slowest %.0f ms; %d StoreAPI queries; writes accepted"
            + " again %.1f s after the load %s%n",
        loadSeconds,
        tally.ok.sum(),
        tally.okSamples.sum(),
        tally.okSamples.sum() / loadSeconds,
        beforeRefusal,
        tally.refused.sum(),
        rejected,
        ackedSeries,
        SERIES + STEADY,
        steadyDuringRefusals,
        peakRssKb / 1024,
        healthy.probes.sum(),
        healthy.maxNanos.get() / 1e6,
        queries.sum(),
        recoverySeconds,
        recoveryStatuses);

    assertThat(output).doesNotContain("OutOfMemoryError");
    assertThat(tally.transport).as("resets, early closes, timeouts").isEmpty();
    assertThat(tally.other).as("answers other than 200 and 503").isEmpty();
    assertThat(tally.refusedWithoutRetryAfter.sum()).as("503 without Retry-After").isZero();
    assertThat(tally.refused.sum()).as("the receiver shed load").isPositive();
    assertThat(rejected).isPositive();
    assertThat(steadyDuringRefusals)
        .as("series that exist were written while new ones were refused")
        .isPositive();
    assertThat(healthy.failures).as("/-/healthy answered 200 within 1 s").isEmpty();
    assertThat(ready.failures).as("/-/ready answered 200 within 1 s").isEmpty();
    assertThat(queryFailures).as("StoreAPI under load").isEmpty();
    assertThat(queries.sum()).isPositive();
    assertThat(output)
        .contains("memory pressure: refusing writes that would create series")
        .contains("memory pressure over: accepting all writes again");
    assertThat(mismatches).as("acknowledged vs stored samples").isEmpty();
  }

  /**
   * Sends {@code ids} in requests of 2,000, round after round, a round every {@code intervalMs} at
   * most, as a Prometheus 2.42 shard: a refused request is retried after a back-off that doubles
   * from 30 ms to 5 s until it is accepted, then the next one follows. (A retry is stamped anew:
   * with blocks of 20 s instead of 2 h, a batch held back for seconds would be out of bounds, as it
   * would not be at production block sizes.)
   */
  private static void send(
      int port, int[] ids, long intervalMs, long end, Tally t, boolean steady) {
    RemoteWriteLoad enc = new RemoteWriteLoad();
    long last = 0;
    try (RemoteWriteLoad.Connection c = new RemoteWriteLoad.Connection(port, 30_000)) {
      int from = 0;
      int round = 0;
      long roundStart = System.nanoTime();
      long backoffMs = 30;
      while (System.nanoTime() < end) {
        int n = Math.min(SERIES_PER_REQUEST, ids.length - from);
        long ts = Math.max(System.currentTimeMillis(), last + 1);
        last = ts;
        RemoteWriteLoad.Answer a;
        try {
          a = c.post(enc.encode(ids, from, n, ts, round));
        } catch (IOException e) {
          t.transport.computeIfAbsent(e.toString(), x -> new LongAdder()).increment();
          sleep(backoffMs);
          continue;
        }
        long now = System.nanoTime();
        if (a.status() == 200) {
          t.ok.increment();
          t.okSamples.add(n);
          for (int i = from; i < from + n; i++) {
            t.acked[ids[i]]++;
          }
          if (steady) {
            t.steadyAccepted.add(now);
          }
          backoffMs = 30;
          from += n;
          if (from == ids.length) {
            from = 0;
            round++;
            sleep(intervalMs - (System.nanoTime() - roundStart) / 1_000_000);
            roundStart = System.nanoTime();
          }
          continue;
        }
        if (a.status() == 503) {
          if (t.acceptedBeforeRefusal.compareAndSet(-1, t.okSamples.sum())) {
            t.firstRefusal.set(now);
          }
          t.refused.increment();
          if (a.retryAfter() == null) {
            t.refusedWithoutRetryAfter.increment();
          }
          if (a.body().equals(MemoryAdmissionWriter.NEW_SERIES_REFUSED)) {
            t.firstNewSeriesRefusal.accumulateAndGet(now, Math::min);
            t.lastNewSeriesRefusal.accumulateAndGet(now, Math::max);
          }
        } else {
          t.other.computeIfAbsent(a.status(), x -> new LongAdder()).increment();
        }
        sleep(Math.min(backoffMs, (end - System.nanoTime()) / 1_000_000));
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  @Test
  void aPrometheusAgentBacksOffFromAMemoryPressedReceiverAndCatchesUpWithoutLoss()
      throws Exception {
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    int grpc = ItFixtures.freePort();
    long block = 20_000;
    ExternalProcess sluice = start("-Xmx256m", rw, web, grpc, "OverloadIT-agent", "20s");

    // Fill the head with series until new ones are refused, all within one block's range, right
    // after its start: the agent starts in the next range, before the filled one is cut (1.5
    // block durations after its first sample), so that none of its samples is out of bounds once
    // that block is cut.
    long fillFrom = Math.floorDiv(System.currentTimeMillis(), block) * block + block + 200;
    Thread.sleep(fillFrom - System.currentTimeMillis());
    RemoteWriteLoad enc = new RemoteWriteLoad();
    int[] ids = new int[SERIES];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    try (RemoteWriteLoad.Connection c = new RemoteWriteLoad.Connection(rw, 30_000)) {
      for (int from = 0; from < ids.length && pressure(web) == 0; from += SERIES_PER_REQUEST) {
        c.post(enc.encode(ids, from, SERIES_PER_REQUEST, System.currentTimeMillis(), 1));
      }
    }
    assertThat(System.currentTimeMillis())
        .as("filled within the block")
        .isLessThan(fillFrom + block - 2_500);
    awaitTrue("new series refused", Duration.ofSeconds(30), () -> pressure(web) >= 1);
    double refusedBefore = refusedNewSeries(web);
    Thread.sleep(fillFrom - 200 + block + 300 - System.currentTimeMillis());

    int agentPort = ItFixtures.freePort();
    long agentStart = System.currentTimeMillis();
    ExternalProcess agent = PrometheusAgent.start(dir, web, rw, agentPort);
    open.add(agent);
    awaitTrue(
        "the agent refused and backing off",
        Duration.ofSeconds(30),
        () ->
            refusedNewSeries(web) > refusedBefore
                && agentMetric(agentPort, "prometheus_remote_storage_samples_retried_total") > 0);
    double retried = agentMetric(agentPort, "prometheus_remote_storage_samples_retried_total");

    // The filling series get no more samples: their block is cut, memory comes back, and the
    // agent's retries go through; it catches up on what it scraped meanwhile.
    awaitTrue(
        "the receiver accepting new series again",
        Duration.ofSeconds(60),
        () -> pressure(web) == 0);
    long recovered = System.currentTimeMillis();
    awaitTrue(
        "the agent to catch up",
        Duration.ofSeconds(60),
        () ->
            agentMetric(agentPort, "prometheus_remote_storage_samples_pending") == 0
                && agentMetric(agentPort, "prometheus_remote_storage_highest_timestamp_in_seconds")
                        - agentMetric(
                            agentPort,
                            "prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
                    <= 2);
    assertThat(agentMetric(agentPort, "prometheus_remote_storage_samples_failed_total")).isZero();
    assertThat(agentMetric(agentPort, "prometheus_remote_storage_samples_dropped_total")).isZero();
    assertThat(sluice.output()).doesNotContain("OutOfMemoryError");

    // What the agent scraped while it was refused is stored: its up series from its start on.
    List<long[]> up;
    try (StoreClient store = new StoreClient(new InetSocketAddress("127.0.0.1", grpc))) {
      List<AggrChunk> chunks = new ArrayList<>();
      for (var s : StoreClient.frames(store.series(request(eq("__name__", "up"))))) {
        chunks.addAll(s.getChunksList());
      }
      up = StoreClient.samples(chunks);
    }
    System.out.printf(
        "agent: refused for %.1f s after its start, %.0f samples retried, %d up samples stored,"
            + " the first %.1f s after its start%n",
        (recovered - agentStart) / 1e3,
        retried,
        up.size(),
        up.isEmpty() ? Double.NaN : (up.get(0)[0] - agentStart) / 1e3);
    assertThat(up).isNotEmpty();
    assertThat(up.get(0)[0])
        .as("the first scrape, from while the receiver refused the agent")
        .isLessThan(recovered - 2_000);
  }

  private static double pressure(int web) throws Exception {
    return metric(ItFixtures.get(web, "/metrics").body(), "sluice_receive_memory_pressure_level");
  }

  private static double refusedNewSeries(int web) throws Exception {
    return metric(
        ItFixtures.get(web, "/metrics").body(),
        "sluice_receive_memory_rejected_requests_total{reason=\"new_series\"");
  }

  private static double agentMetric(int agentPort, String name) throws Exception {
    String body = ItFixtures.get(agentPort, "/metrics").body();
    assertThat(body).as(name + " in the agent's metrics").contains("\n" + name);
    return metric(body, name);
  }

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(String what, Duration timeout, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long statusKb(long pid, String key) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    return 0;
  }

  /** The sum of the series of a metric (a name, or a name and the start of its labels). */
  private static double metric(String exposition, String name) {
    double sum = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + "{")
          || line.startsWith(name + " ")
          || (name.contains("{") && line.startsWith(name))) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
