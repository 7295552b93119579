// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import static io.sluice.hashring.replication.Batches.sample;
import static io.sluice.hashring.replication.Batches.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What GrpcPeers decides without a peer: bad settings, unforwardable series, deadlines, codes. */
class GrpcPeersTest {
  private static final String NOWHERE = "127.0.0.1:1";

  @Test
  void acceptsOnlyThanosCompressionNames() {
    new GrpcPeers("snappy").close();
    new GrpcPeers("none").close();
    assertThatThrownBy(() -> new GrpcPeers("gzip"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snappy, none");
  }

  @Test
  void aV2SeriesWithHistogramsIsSentLikeAnyOther() {
    RemoteWriteV2.Request v2 =
        RemoteWriteV2.Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("h")
            .addTimeseries(
                RemoteWriteV2.TimeSeries.newBuilder()
                    .addAllLabelsRefs(List.of(1, 2))
                    .addHistograms(RemoteWriteV2.Histogram.newBuilder().setCountInt(1)))
            .build();
    try (GrpcPeers peers = new GrpcPeers("snappy")) {
      PeerFailure f =
          peers.forward(
              NOWHERE,
              new WriteRequest().resetAll("t", 0, Batches.v2(v2)),
              System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
      // The call is made: nothing listens there, so the peer is unavailable.
      assertThat(f.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
      assertThat(f.message())
          .startsWith("forwarding request to endpoint 127.0.0.1:1: rpc error: code = Unavailable")
          .doesNotContain("histograms");
    }
  }

  @Test
  void aPassedDeadlineFailsAsGeneric() {
    WriteRequest req =
        new WriteRequest()
            .resetAll(
                "t",
                0,
                Batches.v1(
                    RemoteWrite.WriteRequest.newBuilder()
                        .addTimeseries(series("a", "b").addSamples(sample(1, 1)))
                        .build()));
    try (GrpcPeers peers = new GrpcPeers("none")) {
      PeerFailure f = peers.forward(NOWHERE, req, System.nanoTime() - 1);
      assertThat(f.kind()).isEqualTo(ErrorKind.GENERIC);
      assertThat(f.message()).endsWith("context deadline exceeded");
    }
  }

  @Test
  void classifiesStatusCodesAsThanos() {
    assertThat(GrpcPeers.failure("x:1", Status.ALREADY_EXISTS.withDescription("add 1 samples")))
        .isEqualTo(
            new PeerFailure(
                ErrorKind.CONFLICT,
                "forwarding request to endpoint x:1: rpc error: code = AlreadyExists desc = add 1"
                    + " samples"));
    assertThat(GrpcPeers.failure("x:1", Status.UNAVAILABLE).kind())
        .isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(GrpcPeers.failure("x:1", Status.INTERNAL).kind()).isEqualTo(ErrorKind.GENERIC);
    assertThat(GrpcPeers.failure("x:1", Status.DEADLINE_EXCEEDED).message())
        .contains("code = DeadlineExceeded");
    assertThat(GrpcPeers.failure("x:1", Status.CANCELLED).message()).contains("code = Canceled");
  }
}
