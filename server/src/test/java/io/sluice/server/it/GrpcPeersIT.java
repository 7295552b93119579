// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sluice.hashring.replication.GrpcPeers;
import io.sluice.hashring.replication.PeerFailure;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.server.Receiver;
import io.sluice.upstream.thanos.prompb.Types.TimeSeries;
import io.sluice.upstream.thanos.storepb.Rpc;
import io.sluice.upstream.thanos.storepb.WriteableStoreGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * {@link GrpcPeers} against real servers on loopback: an in-process receiver, a server generated
 * from Thanos' own .proto files that records what arrives (or answers {@code AlreadyExists}), and a
 * closed port.
 */
class GrpcPeersIT {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  private static RemoteWrite.TimeSeries series(String job, long t, double v) {
    return RemoteWrite.TimeSeries.newBuilder()
        .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("fwd"))
        .addLabels(RemoteWrite.Label.newBuilder().setName("job").setValue(job))
        .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(v))
        .build();
  }

  private static final List<RemoteWrite.TimeSeries> SERIES =
      List.of(
          series("a", T0, 1),
          series("b", T0, 2),
          RemoteWrite.TimeSeries.newBuilder(series("c", T0 + 1, 3))
              .addExemplars(
                  RemoteWrite.Exemplar.newBuilder()
                      .addLabels(RemoteWrite.Label.newBuilder().setName("trace_id").setValue("t1"))
                      .setValue(3)
                      .setTimestamp(T0 + 1))
              .build());

  /** A decoded V1 request of {@link #SERIES} naming series 0 and 2 only. */
  private static WriteRequest request(String tenant, long replica) throws Exception {
    byte[] body =
        Snappy.compress(
            RemoteWrite.WriteRequest.newBuilder().addAllTimeseries(SERIES).build().toByteArray());
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 20).decode(body, 0, body.length, RemoteWriteVersion.V1);
    WriteRequest req = new WriteRequest().reset(tenant, replica, batch);
    req.add(0, 0);
    req.add(2, 0);
    return req;
  }

  private static long deadline() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
  }

  private static String address(InetSocketAddress a) {
    return "127.0.0.1:" + a.getPort();
  }

  @Test
  void aForwardedV1BatchIsWrittenByAReceiverWithAndWithoutSnappy() throws Exception {
    try (Receiver r =
        Receiver.start(
            ItFixtures.config(dir.resolve("data")),
            InstantSource.fixed(Instant.ofEpochMilli(T0)))) {
      for (String compression : List.of("snappy", "none")) {
        try (GrpcPeers peers = new GrpcPeers(compression)) {
          assertThat(peers.forward(address(r.grpcAddress()), request(compression, 2), deadline()))
              .isNull();
        }
        assertThat(WriteableServiceIT.samples(r, compression))
            .containsExactly(
                "{__name__=\"fwd\", job=\"a\"} " + T0 + " 1.0",
                "{__name__=\"fwd\", job=\"c\"} " + (T0 + 1) + " 3.0");
      }
    }
  }

  @Test
  void aThanosGeneratedServerReceivesTheSeriesTenantAndReplicaIntact() throws Exception {
    List<Rpc.WriteRequest> received = new CopyOnWriteArrayList<>();
    Server server =
        fakePeer(
            (req, resp) -> {
              received.add(req);
              resp.onNext(Rpc.WriteResponse.getDefaultInstance());
              resp.onCompleted();
            });
    try (GrpcPeers snappy = new GrpcPeers("snappy");
        GrpcPeers none = new GrpcPeers("none")) {
      String a = address((InetSocketAddress) server.getListenSockets().get(0));
      assertThat(snappy.forward(a, request("team-x", 3), deadline())).isNull();
      assertThat(none.forward(a, request("team-y", 0), deadline())).isNull();
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(received).hasSize(2);
    for (Rpc.WriteRequest got : received) {
      assertThat(got.getTimeseriesTenantDataCount()).isZero();
      assertThat(got.getTimeseriesList())
          .containsExactly(
              TimeSeries.parseFrom(SERIES.get(0).toByteArray()),
              TimeSeries.parseFrom(SERIES.get(2).toByteArray()));
      assertThat(got.getTimeseries(1).getExemplars(0).getLabels(0).getValue()).isEqualTo("t1");
    }
    assertThat(received.get(0).getTenant()).isEqualTo("team-x");
    assertThat(received.get(0).getReplica()).isEqualTo(3);
    assertThat(received.get(1).getTenant()).isEqualTo("team-y");
    assertThat(received.get(1).getReplica()).isZero();
  }

  @Test
  void alreadyExistsIsAConflict() throws Exception {
    Server server =
        fakePeer(
            (req, resp) ->
                resp.onError(
                    Status.ALREADY_EXISTS
                        .withDescription("add 1 samples: out of order sample")
                        .asRuntimeException()));
    String a = address((InetSocketAddress) server.getListenSockets().get(0));
    try (GrpcPeers peers = new GrpcPeers("snappy")) {
      PeerFailure f = peers.forward(a, request("t", 1), deadline());
      assertThat(f)
          .isEqualTo(
              new PeerFailure(
                  ErrorKind.CONFLICT,
                  "forwarding request to endpoint "
                      + a
                      + ": rpc error: code = AlreadyExists desc = add 1 samples: out of order"
                      + " sample"));
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClosedPortIsUnavailable() throws Exception {
    String a = "127.0.0.1:" + ItFixtures.freePort();
    try (GrpcPeers peers = new GrpcPeers("snappy")) {
      PeerFailure f = peers.forward(a, request("t", 0), deadline());
      assertThat(f.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
      assertThat(f.message())
          .startsWith("forwarding request to endpoint " + a + ": rpc error: code = Unavailable");
      // retainOnly closes the channel; the next forward dials again and fails the same way.
      peers.retainOnly(List.of());
      assertThat(peers.forward(a, request("t", 0), deadline()).kind())
          .isEqualTo(ErrorKind.UNAVAILABLE);
    }
  }

  private interface Handler {
    void remoteWrite(Rpc.WriteRequest req, StreamObserver<Rpc.WriteResponse> resp);
  }

  private static Server fakePeer(Handler h) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .decompressorRegistry(FramedSnappy.decompressors())
        .compressorRegistry(FramedSnappy.compressors())
        .addService(
            new WriteableStoreGrpc.WriteableStoreImplBase() {
              @Override
              public void remoteWrite(
                  Rpc.WriteRequest request, StreamObserver<Rpc.WriteResponse> responseObserver) {
                h.remoteWrite(request, responseObserver);
              }
            })
        .build()
        .start();
  }
}
