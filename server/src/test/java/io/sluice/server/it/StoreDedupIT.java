// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static io.sluice.server.it.StoreClient.frames;
import static io.sluice.server.it.StoreClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.receiver.proto.thanos.StoreTypes.LabelMatcher;
import io.sluice.receiver.proto.thanos.StoreTypes.Series;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dedup readiness: two packaged {@code sluice} processes that differ only in {@code
 * --label=receive_replica=…} receive the same writes; their StoreAPIs return series that differ
 * only in that label, and identical ones with {@code without_replica_labels=[receive_replica]}, as
 * Thanos Query's replica dedup needs.
 */
class StoreDedupIT {
  @TempDir Path dir;

  private record Node(ExternalProcess process, int remoteWrite, int grpc) {}

  private Node start(String replica) throws Exception {
    int rw = ItFixtures.freePort();
    int web = ItFixtures.freePort();
    int grpc = ItFixtures.freePort();
    ExternalProcess p =
        ExternalProcess.start(
            ItFixtures.sluiceCommand(
                "receive",
                "--remote-write.address=127.0.0.1:" + rw,
                "--http-address=127.0.0.1:" + web,
                "--grpc-address=127.0.0.1:" + grpc,
                "--tsdb.path=" + dir.resolve("data-" + replica),
                "--label=receive_replica=\"" + replica + "\""),
            dir.resolve("sluice-" + replica + ".log"));
    try {
      ItFixtures.awaitReady(p, web);
    } catch (AssertionError | InterruptedException e) {
      p.close();
      throw e;
    }
    return new Node(p, rw, grpc);
  }

  private static RemoteWrite.WriteRequest writes(long base) {
    RemoteWrite.WriteRequest.Builder r = RemoteWrite.WriteRequest.newBuilder();
    for (int s = 0; s < 3; s++) {
      RemoteWrite.TimeSeries.Builder ts =
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("dedup"))
              .addLabels(RemoteWrite.Label.newBuilder().setName("pod").setValue("p" + s));
      for (int i = 0; i < 300; i++) {
        ts.addSamples(
            RemoteWrite.Sample.newBuilder().setTimestamp(base + i * 1000L).setValue(s * 1000 + i));
      }
      r.addTimeseries(ts);
    }
    return r.build();
  }

  private static List<Series> series(Node n, boolean withoutReplica) throws Exception {
    try (StoreClient c = new StoreClient(new InetSocketAddress("127.0.0.1", n.grpc))) {
      var req =
          request(
              LabelMatcher.newBuilder()
                  .setType(LabelMatcher.Type.RE)
                  .setName("__name__")
                  .setValue("dedup|nothing")
                  .build());
      if (withoutReplica) {
        req.addWithoutReplicaLabels("receive_replica");
      }
      return frames(c.series(req));
    }
  }

  private static Series withoutLabel(Series s, String name) {
    List<Label> kept = new ArrayList<>();
    for (Label l : s.getLabelsList()) {
      if (!l.getName().equals(name)) {
        kept.add(l);
      }
    }
    return s.toBuilder().clearLabels().addAllLabels(kept).build();
  }

  @Test
  void twoReplicasDifferOnlyInTheReplicaLabelAndMatchWithoutIt() throws Exception {
    Node n0 = start("0");
    try (ExternalProcess p0 = n0.process) {
      Node n1 = start("1");
      try (ExternalProcess p1 = n1.process) {
        RemoteWrite.WriteRequest w = writes(System.currentTimeMillis() - 600_000);
        assertThat(ItFixtures.remoteWrite(n0.remoteWrite, "default-tenant", w)).isEqualTo(200);
        assertThat(ItFixtures.remoteWrite(n1.remoteWrite, "default-tenant", w)).isEqualTo(200);

        List<Series> s0 = series(n0, false);
        List<Series> s1 = series(n1, false);
        assertThat(s0).hasSize(3).hasSameSizeAs(s1);
        for (int i = 0; i < s0.size(); i++) {
          assertThat(StoreClient.text(s0.get(i))).contains("receive_replica=\"0\"");
          assertThat(StoreClient.text(s1.get(i))).contains("receive_replica=\"1\"");
          assertThat(withoutLabel(s0.get(i), "receive_replica"))
              .isEqualTo(withoutLabel(s1.get(i), "receive_replica"));
        }
        List<Series> d0 = series(n0, true);
        List<Series> d1 = series(n1, true);
        assertThat(d0).isEqualTo(d1).hasSize(3);
        assertThat(StoreClient.text(d0.get(0)))
            .isEqualTo("{__name__=\"dedup\", pod=\"p0\", tenant_id=\"default-tenant\"}");
        List<long[]> samples = StoreClient.samples(d0.get(2).getChunksList());
        assertThat(samples).hasSize(300);
        assertThat(Double.longBitsToDouble(samples.get(299)[1])).isEqualTo(2299.0);
        assertThat(p0.alive()).as(p0.output()).isTrue();
        assertThat(p1.alive()).as(p1.output()).isTrue();
      }
    }
  }
}
