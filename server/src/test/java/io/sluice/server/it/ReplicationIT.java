// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.HashmodHashring;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.KetamaHashring;
import io.sluice.hashring.SeriesHasher;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.thanos.StoreTypes;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several packaged receivers on loopback forming one hashring, each started and ended by PID: RF=3
 * ketama with a Prometheus agent writing through node kills, a router-only node in front of
 * ingestors on an AZ-aware ketama ring, and a hashmod ring changed on disk while writing.
 */
class ReplicationIT {
  @TempDir Path dir;

  private final List<ExternalProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (ExternalProcess p : processes) {
      p.close();
    }
  }

  private RingNode node(int index) throws Exception {
    return RingNode.create(index, dir);
  }

  private ExternalProcess start(RingNode n, String... extra) throws Exception {
    ExternalProcess p =
        ExternalProcess.start(
            ItFixtures.sluiceCommand(n.receiveArgs(extra)),
            dir.resolve("node" + n.index() + "-" + processes.size() + ".log"));
    processes.add(p);
    ItFixtures.awaitReady(p, n.web());
    return p;
  }

  /** label value of {@code label} → samples, of every series {@code __name__=name} on a node. */
  private static Map<String, List<long[]>> series(RingNode n, String name, String label) {
    Map<String, List<long[]>> out = new TreeMap<>();
    try (StoreClient c = new StoreClient(new InetSocketAddress("127.0.0.1", n.grpc()))) {
      for (StoreTypes.Series s :
          StoreClient.frames(c.series(StoreClient.request(StoreClient.eq("__name__", name))))) {
        String key = "";
        for (var l : s.getLabelsList()) {
          if (l.getName().equals(label)) {
            key = l.getValue();
          }
        }
        out.put(key, StoreClient.samples(s.getChunksList()));
      }
    }
    return out;
  }

  private static double agentMetric(int agentPort, String name) throws Exception {
    String body = ItFixtures.get(agentPort, "/metrics").body();
    double sum = 0;
    boolean found = false;
    for (String line : body.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    assertThat(found).as(name + " in the agent's metrics").isTrue();
    return sum;
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

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }

  @Test
  void threeReceiversWithRf3KeepEveryAcknowledgedSampleOnTwoNodesThroughKills() throws Exception {
    List<RingNode> nodes = List.of(node(0), node(1), node(2));
    Path ring = dir.resolve("hashrings.json");
    Files.writeString(ring, RingNode.defaultRing(nodes));
    String[] flags = {
      "--receive.hashrings-file=" + ring,
      "--receive.hashrings-algorithm=ketama",
      "--receive.replication-factor=3"
    };
    List<ExternalProcess> procs = new ArrayList<>();
    for (RingNode n : nodes) {
      procs.add(start(n, concat(flags, "--receive.local-endpoint=" + n.endpoint())));
    }
    int agentPort = ItFixtures.freePort();
    ExternalProcess agent =
        PrometheusAgent.start(dir, nodes.get(0).web(), nodes.get(0).rw(), agentPort);
    processes.add(agent);

    // All three nodes hold every series the agent scraped from node 0.
    awaitTrue(
        "the agent's up series on every node",
        Duration.ofSeconds(60),
        () -> nodes.stream().allMatch(n -> series(n, "up", "job").containsKey("sluice")));
    Set<String> names0 = names(nodes.get(0));
    awaitTrue("same series everywhere", Duration.ofSeconds(30), () -> sameNames(nodes));
    assertThat(names0).hasSizeGreaterThan(50);

    // One node killed: writes keep succeeding (2 of 3 is a quorum).
    procs.get(2).kill();
    double sentBefore = agentMetric(agentPort, "prometheus_remote_storage_samples_total");
    awaitTrue(
        "the agent to send on with one node down",
        Duration.ofSeconds(30),
        () -> agentMetric(agentPort, "prometheus_remote_storage_samples_total") > sentBefore + 200);
    assertThat(agentMetric(agentPort, "prometheus_remote_storage_samples_failed_total")).isZero();
    assertThat(agentMetric(agentPort, "prometheus_remote_storage_samples_retried_total")).isZero();

    // A second one killed: no quorum, 503, the agent retries.
    procs.get(1).kill();
    awaitTrue(
        "the agent to retry",
        Duration.ofSeconds(30),
        () -> agentMetric(agentPort, "prometheus_remote_storage_samples_retried_total") > 0);
    assertThat(agentMetric(agentPort, "prometheus_remote_storage_samples_failed_total")).isZero();

    // Both back on their data directories: the agent catches up.
    start(nodes.get(1), concat(flags, "--receive.local-endpoint=" + nodes.get(1).endpoint()));
    start(nodes.get(2), concat(flags, "--receive.local-endpoint=" + nodes.get(2).endpoint()));
    double sentNow = agentMetric(agentPort, "prometheus_remote_storage_samples_total");
    awaitTrue(
        "the agent to catch up",
        Duration.ofSeconds(60),
        () ->
            agentMetric(agentPort, "prometheus_remote_storage_samples_total") > sentNow + 400
                && agentMetric(agentPort, "prometheus_remote_storage_samples_pending") == 0);
    agent.close();
    // No "non-recoverable error" check: a batch the agent retries after a 503 whose first attempt
    // reached two nodes (the local one and a peer back already) meets its own older samples there
    // and gets 409 out of order, as from Thanos and Prometheus (they reject any sample older than a
    // series' newest); the agent drops it, but its samples are on those two nodes, which the
    // check below covers.

    // Every sample of the agent's up series that any node holds is on at least two nodes.
    Map<Long, Integer> copies = new HashMap<>();
    for (RingNode n : nodes) {
      for (long[] s : series(n, "up", "job").get("sluice")) {
        copies.merge(s[0], 1, Integer::sum);
      }
    }
    assertThat(copies).hasSizeGreaterThan(5);
    assertThat(copies.values()).allMatch(c -> c >= 2);
  }

  @Test
  void aRouterOnlyNodeSpreadsSeriesOverIngestorsAsTheAzAwareKetamaRingPlacesThem()
      throws Exception {
    List<RingNode> ingestors = List.of(node(0), node(1), node(2));
    for (RingNode n : ingestors) {
      start(n); // no hashring: ingestor only
    }
    RingNode router = node(9);
    String json =
        "[{\"hashring\": \"ingestors\", \"algorithm\": \"ketama\", \"endpoints\": "
            + RingNode.endpoints(ingestors, "a", "b", "c")
            + "}]";
    start(router, "--receive.hashrings=" + json, "--receive.replication-factor=2");

    RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
    for (int s = 0; s < 60; s++) {
      req.addTimeseries(
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(label("__name__", "routed"))
              .addLabels(label("s", "s" + s))
              .addSamples(
                  RemoteWrite.Sample.newBuilder()
                      .setTimestamp(System.currentTimeMillis())
                      .setValue(s)));
    }
    assertThat(ItFixtures.remoteWrite(router.rw(), "default-tenant", req.build())).isEqualTo(200);

    Hashring ring =
        KetamaHashring.create(
            List.of(
                Endpoint.of(ingestors.get(0).endpoint(), "a"),
                Endpoint.of(ingestors.get(1).endpoint(), "b"),
                Endpoint.of(ingestors.get(2).endpoint(), "c")),
            2);
    Map<String, Set<String>> expected = new HashMap<>();
    for (int s = 0; s < 60; s++) {
      long h = SeriesHasher.hashOf("default-tenant", "__name__", "routed", "s", "s" + s);
      for (int r = 0; r < 2; r++) {
        expected
            .computeIfAbsent(ring.getN("default-tenant", h, r).address(), a -> new TreeSet<>())
            .add("s" + s);
      }
    }
    for (RingNode n : ingestors) {
      assertThat(series(n, "routed", "s").keySet())
          .as(n.endpoint())
          .isEqualTo(expected.getOrDefault(n.endpoint(), Set.of()));
    }
    // The router stores nothing.
    assertThat(series(router, "routed", "s")).isEmpty();
    assertThat(router.data().resolve("default-tenant")).doesNotExist();
  }

  @Test
  void aHashmodRingChangedOnDiskTakesEffectWithoutRestartReadinessChangeOrFailedWrite()
      throws Exception {
    List<RingNode> nodes = List.of(node(0), node(1), node(2));
    Path ring = dir.resolve("hashrings.json");
    Files.writeString(ring, RingNode.defaultRing(nodes.subList(0, 2)));
    for (RingNode n : nodes) {
      start(
          n,
          "--receive.hashrings-file=" + ring,
          "--receive.hashrings-file-refresh-interval=1s",
          "--receive.local-endpoint=" + n.endpoint());
    }
    // Readiness of every node, polled all along.
    AtomicInteger notReady = new AtomicInteger();
    AtomicReference<Boolean> polling = new AtomicReference<>(true);
    Thread poller =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (polling.get()) {
                    for (RingNode n : nodes) {
                      try {
                        if (ItFixtures.get(n.web(), "/-/ready").statusCode() != 200) {
                          notReady.incrementAndGet();
                        }
                      } catch (Exception e) {
                        notReady.incrementAndGet();
                      }
                    }
                  }
                });
    try {
      writeRound(nodes.get(0), "before", 40);
      // Replaced whole, as a ConfigMap update does.
      Path next = dir.resolve("hashrings.json.new");
      Files.writeString(next, RingNode.defaultRing(nodes));
      Files.move(next, ring, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      // Write all along while the change is picked up: every write succeeds.
      // The first load counts as a change; the edit is the second on every node.
      awaitTrue(
          "the change on every node",
          Duration.ofSeconds(30),
          () -> {
            writeRound(nodes.get(0), "during", 10);
            for (RingNode n : nodes) {
              if (metric(n, "thanos_receive_hashrings_file_changes_total") < 2) {
                return false;
              }
            }
            return true;
          });
      writeRound(nodes.get(0), "after", 40);
    } finally {
      polling.set(false);
      poller.join();
    }
    assertThat(notReady.get()).as("probe answers other than 200").isZero();

    Hashring two =
        HashmodHashring.create(
            List.of(Endpoint.of(nodes.get(0).endpoint()), Endpoint.of(nodes.get(1).endpoint())));
    Hashring three =
        HashmodHashring.create(nodes.stream().map(n -> Endpoint.of(n.endpoint())).toList());
    for (RingNode n : nodes) {
      Map<String, List<long[]>> held = series(n, "moved", "s");
      for (String s : List.of("before", "after")) {
        Hashring r = s.equals("before") ? two : three;
        for (int i = 0; i < 40; i++) {
          String id = s + i;
          long h = SeriesHasher.hashOf("default-tenant", "__name__", "moved", "s", id);
          boolean placedHere = r.getN("default-tenant", h, 0).address().equals(n.endpoint());
          assertThat(held.containsKey(id)).as(id + " on " + n.endpoint()).isEqualTo(placedHere);
        }
      }
    }
    // The new node got its share of the later series.
    assertThat(series(nodes.get(2), "moved", "s").keySet()).anyMatch(k -> k.startsWith("after"));

    // A peer (built from Thanos' own protos) sending a replica above the replication factor (1).
    io.grpc.ManagedChannel ch =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                "127.0.0.1", nodes.get(0).grpc())
            .usePlaintext()
            .build();
    try {
      var stub =
          io.sluice.upstream.thanos.storepb.WriteableStoreGrpc.newBlockingStub(ch)
              .withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS);
      var bad =
          io.sluice.upstream.thanos.storepb.Rpc.WriteRequest.newBuilder()
              .setTenant("default-tenant")
              .setReplica(2)
              .addTimeseries(
                  io.sluice.upstream.thanos.prompb.Types.TimeSeries.newBuilder()
                      .addLabels(
                          io.sluice.upstream.thanos.labelpb.Types.Label.newBuilder()
                              .setName("__name__")
                              .setValue("bad_replica"))
                      .addSamples(
                          io.sluice.upstream.thanos.prompb.Types.Sample.newBuilder()
                              .setTimestamp(System.currentTimeMillis())
                              .setValue(1)))
              .build();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.remoteWrite(bad))
          .isInstanceOfSatisfying(
              io.grpc.StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .contains("request replica exceeds receiver replication factor");
              });
    } finally {
      ch.shutdownNow();
    }
    for (RingNode n : nodes) {
      assertThat(series(n, "bad_replica", "s")).isEmpty();
    }
  }

  private static double metric(RingNode n, String name) throws Exception {
    for (String line : ItFixtures.get(n.web(), "/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    return 0;
  }

  private static final AtomicInteger ROUND = new AtomicInteger();

  private static void writeRound(RingNode n, String prefix, int count) throws Exception {
    RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
    long t = System.currentTimeMillis() + ROUND.incrementAndGet();
    for (int i = 0; i < count; i++) {
      req.addTimeseries(
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(label("__name__", "moved"))
              .addLabels(
                  label("s", prefix.equals("during") ? prefix + ROUND.get() + "-" + i : prefix + i))
              .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(i)));
    }
    assertThat(ItFixtures.remoteWrite(n.rw(), "default-tenant", req.build())).isEqualTo(200);
  }

  private static Set<String> names(RingNode n) {
    Set<String> out = new TreeSet<>();
    try (StoreClient c = new StoreClient(new InetSocketAddress("127.0.0.1", n.grpc()))) {
      StoreTypes.LabelMatcher any =
          StoreTypes.LabelMatcher.newBuilder()
              .setType(StoreTypes.LabelMatcher.Type.RE)
              .setName("__name__")
              .setValue(".+")
              .build();
      for (StoreTypes.Series s : StoreClient.frames(c.series(StoreClient.request(any)))) {
        StringBuilder b = new StringBuilder();
        for (var l : s.getLabelsList()) {
          if (!l.getName().equals("replica")) {
            b.append(l.getName()).append('=').append(l.getValue()).append(',');
          }
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  private static boolean sameNames(List<RingNode> nodes) {
    Set<String> first = names(nodes.get(0));
    return nodes.stream().allMatch(n -> names(n).containsAll(first));
  }

  private static String[] concat(String[] a, String b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b;
    return out;
  }

  private static RemoteWrite.Label label(String name, String value) {
    return RemoteWrite.Label.newBuilder().setName(name).setValue(value).build();
  }
}
