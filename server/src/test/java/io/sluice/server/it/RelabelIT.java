// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.HashmodHashring;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.SeriesHasher;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.thanos.StoreTypes;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packaged receivers started with {@code --receive.relabel-config-file}: what they store is the
 * relabelled series, read back over the StoreAPI; in a hashring the relabelled series lands where
 * the ring places its relabelled labels, relabelled once; a malformed file stops the start.
 */
class RelabelIT {
  // Drops drop_*, moves s into shard_key (appending "+", so relabelling twice would show) and
  // copies meta_* labels without the prefix.
  private static final String RULES =
      """
      - source_labels: [__name__]
        regex: "drop_.*"
        action: drop
      - source_labels: [s]
        target_label: shard_key
        replacement: "k-${1}+"
      - regex: s
        action: labeldrop
      - regex: "meta_(.+)"
        action: labelmap
      """;

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

  private ExternalProcess start(RingNode n, boolean awaitReady, String... extra) throws Exception {
    ExternalProcess p =
        ExternalProcess.start(
            ItFixtures.sluiceCommand(n.receiveArgs(extra)),
            dir.resolve("node" + n.index() + ".log"));
    processes.add(p);
    if (awaitReady) {
      ItFixtures.awaitReady(p, n.web());
    }
    return p;
  }

  private Path rules() throws Exception {
    return Files.writeString(dir.resolve("relabel.yml"), RULES);
  }

  private static RemoteWrite.TimeSeries series(long t, String... labels) {
    RemoteWrite.TimeSeries.Builder b = RemoteWrite.TimeSeries.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      b.addLabels(RemoteWrite.Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
    }
    return b.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(1)).build();
  }

  /** {@code {a="b", ...}} → samples, of every series on a node matching {@code name=~re}. */
  private static Map<String, Integer> stored(RingNode n, String nameRegex) {
    Map<String, Integer> out = new TreeMap<>();
    try (StoreClient c = new StoreClient(new InetSocketAddress("127.0.0.1", n.grpc()))) {
      StoreTypes.LabelMatcher m =
          StoreTypes.LabelMatcher.newBuilder()
              .setType(StoreTypes.LabelMatcher.Type.RE)
              .setName("__name__")
              .setValue(nameRegex)
              .build();
      for (StoreTypes.Series s : StoreClient.frames(c.series(StoreClient.request(m)))) {
        StoreTypes.Series.Builder b = s.toBuilder().clearLabels();
        for (var l : s.getLabelsList()) {
          if (!l.getName().equals("replica") && !l.getName().equals("tenant_id")) {
            b.addLabels(l);
          }
        }
        out.put(StoreClient.text(b.build()), StoreClient.samples(s.getChunksList()).size());
      }
    }
    return out;
  }

  @Test
  void aReceiverStoresTheRelabelledSeriesAndNotTheDroppedOnes() throws Exception {
    RingNode n = node(0);
    start(n, true, "--receive.relabel-config-file=" + rules());
    long t = System.currentTimeMillis();
    RemoteWrite.WriteRequest req =
        RemoteWrite.WriteRequest.newBuilder()
            .addTimeseries(series(t, "__name__", "up", "meta_team", "a", "s", "1"))
            .addTimeseries(series(t, "__name__", "drop_me", "s", "2"))
            .addTimeseries(series(t, "__name__", "plain"))
            .build();
    assertThat(ItFixtures.remoteWrite(n.rw(), "default-tenant", req)).isEqualTo(200);
    // Every series dropped: 200, nothing stored.
    assertThat(
            ItFixtures.remoteWrite(
                n.rw(),
                "default-tenant",
                RemoteWrite.WriteRequest.newBuilder()
                    .addTimeseries(series(t, "__name__", "drop_all"))
                    .build()))
        .isEqualTo(200);

    assertThat(stored(n, ".+"))
        .containsOnlyKeys(
            "{__name__=\"up\", meta_team=\"a\", shard_key=\"k-1+\", team=\"a\"}",
            "{__name__=\"plain\", shard_key=\"k-+\"}");
  }

  @Test
  void inARingTheRelabelledSeriesLandsWhereTheRingPlacesItsRelabelledLabels() throws Exception {
    List<RingNode> nodes = List.of(node(0), node(1), node(2));
    Path ring = Files.writeString(dir.resolve("hashrings.json"), RingNode.defaultRing(nodes));
    Path rules = rules();
    for (RingNode n : nodes) {
      start(
          n,
          true,
          "--receive.hashrings-file=" + ring,
          "--receive.local-endpoint=" + n.endpoint(),
          "--receive.relabel-config-file=" + rules);
    }
    long t = System.currentTimeMillis();
    RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
    int count = 60;
    for (int i = 0; i < count; i++) {
      req.addTimeseries(series(t, "__name__", "relabelled", "s", "s" + i));
      req.addTimeseries(series(t, "__name__", "drop_" + i, "s", "s" + i));
    }
    assertThat(ItFixtures.remoteWrite(nodes.get(0).rw(), "default-tenant", req.build()))
        .isEqualTo(200);

    Hashring r =
        HashmodHashring.create(nodes.stream().map(n -> Endpoint.of(n.endpoint())).toList());
    Map<String, Set<String>> expected = new HashMap<>();
    int movedByRelabelling = 0;
    for (int i = 0; i < count; i++) {
      String key = "k-s" + i + "+";
      long relabelled =
          SeriesHasher.hashOf("default-tenant", "__name__", "relabelled", "shard_key", key);
      long original = SeriesHasher.hashOf("default-tenant", "__name__", "relabelled", "s", "s" + i);
      String at = r.getN("default-tenant", relabelled, 0).address();
      if (!at.equals(r.getN("default-tenant", original, 0).address())) {
        movedByRelabelling++;
      }
      expected
          .computeIfAbsent(at, a -> new TreeSet<>())
          .add("{__name__=\"relabelled\", shard_key=\"" + key + "\"}");
    }
    // The test tells the two hashes apart only for series they place differently.
    assertThat(movedByRelabelling).isGreaterThan(10);
    for (RingNode n : nodes) {
      assertThat(stored(n, ".+").keySet())
          .as(n.endpoint())
          .isEqualTo(expected.getOrDefault(n.endpoint(), Set.of()));
    }
  }

  @Test
  void aMalformedRelabelFileStopsTheStartWithExitCode2() throws Exception {
    RingNode n = node(0);
    Path bad =
        Files.writeString(
            dir.resolve("bad.yml"), "- source_labels: [a]\n  target_label: h\n  action: hashmod\n");
    ExternalProcess p = start(n, false, "--receive.relabel-config-file=" + bad);
    assertThat(p.exitCode(60)).as(p.output()).isEqualTo(2);
    assertThat(p.output())
        .contains("invalid --receive.relabel-config-file")
        .contains("relabel configuration for hashmod requires non-zero modulus (rule 1, line 1)");
    ExternalProcess regex =
        start(n, false, "--receive.relabel-config=- {regex: '(', action: drop}");
    assertThat(regex.exitCode(60)).as(regex.output()).isEqualTo(2);
    assertThat(regex.output()).contains("invalid regex \"(\"");
  }
}
