// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.thanos.StoreTypes;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Native histograms through a ring of three real receivers with replication factor 3: a remote
 * write 1.0 and a remote write 2.0 request with integer and float histograms go to one node, and
 * every node's StoreAPI then returns each series with histogram chunks (so the two peers stored
 * what was forwarded to them over gRPC).
 */
class HistogramReplicationIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private final List<ExternalProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (ExternalProcess p : processes) {
      p.close();
    }
  }

  private static RemoteWrite.Histogram.Builder rw1Histogram(long t, long bucket) {
    return RemoteWrite.Histogram.newBuilder()
        .setCountInt(2 * bucket)
        .setSum(1.5 * bucket)
        .setSchema(1)
        .setZeroThreshold(0x1p-128)
        .addPositiveSpans(RemoteWrite.BucketSpan.newBuilder().setOffset(0).setLength(2))
        .addAllPositiveDeltas(List.of(bucket, 0L))
        .setTimestamp(t);
  }

  private static RemoteWriteV2.Histogram rw2FloatHistogram(long t) {
    return RemoteWriteV2.Histogram.newBuilder()
        .setCountFloat(3.5)
        .setSum(7)
        .setSchema(0)
        .setZeroThreshold(0x1p-128)
        .addPositiveSpans(RemoteWriteV2.BucketSpan.newBuilder().setOffset(1).setLength(1))
        .addPositiveCounts(3.5)
        .setTimestamp(t)
        .build();
  }

  private static int postV2(int port, RemoteWriteV2.Request request) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/receive"))
                .header("Content-Encoding", "snappy")
                .header(
                    "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request")
                .header("X-Prometheus-Remote-Write-Version", "2.0.0")
                .timeout(Duration.ofSeconds(60))
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request.toByteArray())))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  // The raw chunk types of the series named `name` on the node, one entry per chunk.
  private static List<String> chunkTypes(RingNode n, String name) {
    List<String> types = new ArrayList<>();
    try (StoreClient c = new StoreClient(new InetSocketAddress("127.0.0.1", n.grpc()))) {
      for (StoreTypes.Series s :
          StoreClient.frames(c.series(StoreClient.request(StoreClient.eq("__name__", name))))) {
        s.getChunksList().forEach(ch -> types.add(ch.getRaw().getType().name()));
      }
    }
    return types;
  }

  @Test
  void histogramsWrittenToOneNodeOfAnRf3RingAreStoredOnAllThree() throws Exception {
    List<RingNode> nodes = RingNode.ring(3, dir);
    Path ring = dir.resolve("hashrings.json");
    Files.writeString(ring, RingNode.defaultRing(nodes));
    for (RingNode n : nodes) {
      ExternalProcess p =
          ExternalProcess.start(
              ItFixtures.sluiceCommand(
                  n.receiveArgs(
                      "--receive.hashrings-file=" + ring,
                      "--receive.hashrings-algorithm=ketama",
                      "--receive.replication-factor=3",
                      "--receive.local-endpoint=" + n.endpoint())),
              dir.resolve("node" + n.index() + ".log"));
      processes.add(p);
      ItFixtures.awaitReady(p, n.web());
    }
    long now = System.currentTimeMillis();
    RemoteWrite.WriteRequest.Builder v1 = RemoteWrite.WriteRequest.newBuilder();
    for (int i = 0; i < 20; i++) {
      v1.addTimeseries(
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("rw1_h"))
              .addLabels(RemoteWrite.Label.newBuilder().setName("i").setValue("s" + i))
              .addHistograms(rw1Histogram(now, 1))
              .addHistograms(rw1Histogram(now + 1000, 2)));
    }
    assertThat(ItFixtures.remoteWrite(nodes.get(0).rw(), "default-tenant", v1.build()))
        .isEqualTo(200);

    RemoteWriteV2.Request.Builder v2 =
        RemoteWriteV2.Request.newBuilder().addSymbols("").addSymbols("__name__").addSymbols("i");
    v2.addSymbols("rw2_h");
    for (int i = 0; i < 20; i++) {
      v2.addSymbols("s" + i);
      v2.addTimeseries(
          RemoteWriteV2.TimeSeries.newBuilder()
              .addAllLabelsRefs(List.of(1, 3, 2, 4 + i))
              .addHistograms(rw2FloatHistogram(now)));
    }
    assertThat(postV2(nodes.get(0).rw(), v2.build())).isEqualTo(200);

    for (RingNode n : nodes) {
      List<String> rw1 = chunkTypes(n, "rw1_h");
      assertThat(rw1).as("node %d, remote write 1.0", n.index()).hasSize(20);
      assertThat(rw1).containsOnly("HISTOGRAM");
      List<String> rw2 = chunkTypes(n, "rw2_h");
      assertThat(rw2).as("node %d, remote write 2.0", n.index()).hasSize(20);
      assertThat(rw2).containsOnly("FLOAT_HISTOGRAM");
    }
  }
}
