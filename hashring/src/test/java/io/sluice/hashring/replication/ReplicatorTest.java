// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.KetamaHashring;
import io.sluice.hashring.SeriesHasher;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.WriteStatus;
import io.sluice.receiver.write.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The replication engine with a hand-written peer fake and local writer fake. */
class ReplicatorTest {
  private static final String A = "a:10901";
  private static final String B = "b:10901";
  private static final String C = "c:10901";
  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);

  private final List<Replicator> open = new ArrayList<>();

  @AfterEach
  void close() {
    open.forEach(Replicator::close);
  }

  /** What a writer saw: "tenant replica labels" per series. */
  static final class Recorder implements Writer {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile ErrorKind fail;

    @Override
    public void write(WriteRequest r, WriteOutcome out) {
      calls.incrementAndGet();
      record(r, seen);
      if (fail != null) {
        for (int i = 0; i < r.seriesCount(); i++) {
          out.seriesFailed(i, fail);
        }
        if (fail == ErrorKind.GENERIC) {
          out.failed(new java.io.IOException("local failure"));
        } else {
          out.error(fail, "local " + fail);
        }
      }
    }
  }

  static void record(WriteRequest r, List<String> into) {
    WriteBatch b = r.batch();
    for (int i = 0; i < r.seriesCount(); i++) {
      int s = r.series(i);
      StringBuilder sb = new StringBuilder(r.tenant() + " " + r.replica());
      for (int l = 0; l < b.labelCount(s); l++) {
        sb.append(' ')
            .append(
                new String(
                    b.buffer(),
                    b.labelValueOffset(s, l),
                    b.labelValueLength(s, l),
                    StandardCharsets.UTF_8));
      }
      into.add(sb.toString());
    }
  }

  /** A peer fake: answers per address with a function of the request. */
  static final class FakePeers implements Peers {
    final Map<String, List<String>> seen = new ConcurrentHashMap<>();
    final Map<String, Function<WriteRequest, PeerFailure>> answers = new ConcurrentHashMap<>();
    final Map<String, Integer> calls = new ConcurrentHashMap<>();

    @Override
    public PeerFailure forward(String address, WriteRequest request, long deadlineNanos) {
      calls.merge(address, 1, Integer::sum);
      Function<WriteRequest, PeerFailure> f = answers.get(address);
      PeerFailure failure = f == null ? null : f.apply(request);
      if (failure == null) {
        record(request, seen.computeIfAbsent(address, a -> new CopyOnWriteArrayList<>()));
      }
      return failure;
    }

    @Override
    public void retainOnly(Collection<String> addresses) {}

    @Override
    public void close() {}
  }

  private final Recorder local = new Recorder();
  private final FakePeers peers = new FakePeers();

  private Replicator replicator(ReceiveMode mode, int rf, Hashring ring) {
    return replicator(mode, rf, ring, 5, TIMEOUT);
  }

  private Replicator replicator(
      ReceiveMode mode, int rf, Hashring ring, int workersPerPeer, long timeoutNanos) {
    Replicator r =
        new Replicator(
            mode,
            () -> ring,
            rf,
            mode == ReceiveMode.ROUTER_ONLY ? null : A,
            mode == ReceiveMode.ROUTER_ONLY ? null : local,
            peers,
            new PeerBackoff(TimeUnit.SECONDS.toNanos(5), System::nanoTime, new Random(1)),
            timeoutNanos,
            workersPerPeer,
            ReplicationListener.NONE);
    open.add(r);
    return r;
  }

  private static Hashring ring3() throws Exception {
    return KetamaHashring.create(List.of(Endpoint.of(A), Endpoint.of(B), Endpoint.of(C)), 3);
  }

  private static WriteBatch batch(int series) throws Exception {
    RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
    for (int s = 0; s < series; s++) {
      req.addTimeseries(
          RemoteWrite.TimeSeries.newBuilder()
              .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("m"))
              .addLabels(RemoteWrite.Label.newBuilder().setName("s").setValue("s" + s))
              .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(1000).setValue(s)));
    }
    byte[] body = Snappy.compress(req.build().toByteArray());
    return new RemoteWriteDecoder(1 << 20).decode(body, 0, body.length, RemoteWriteVersion.V1);
  }

  private static WriteStatus write(Replicator r, WriteBatch b, long replica) {
    WriteRequest req = new WriteRequest().resetAll("t", replica, b);
    WriteOutcome out = new WriteOutcome();
    out.reset(req.seriesCount());
    r.write(req, out);
    return WriteStatus.of(out);
  }

  private static List<String> placed(Hashring ring, WriteBatch b, String address, int rf)
      throws Exception {
    List<String> out = new ArrayList<>();
    for (int s = 0; s < b.seriesCount(); s++) {
      long h = new SeriesHasher().hash(SeriesHasher.tenantBytes("t"), b, s);
      for (int n = 0; n < rf; n++) {
        if (ring.getN("t", h, n).address().equals(address)) {
          out.add("t " + (n + 1) + " m s" + s);
        }
      }
    }
    return out;
  }

  @Test
  void everySeriesGoesToItsThreeEndpointsWithTheWireReplicaNumber() throws Exception {
    Hashring ring = ring3();
    WriteBatch b = batch(50);
    assertThat(write(replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring), b, 0).httpStatus())
        .isEqualTo(200);
    // RF 3 on 3 nodes: every node has every series, each under the replica index the ring gives;
    // the local node's share of all replica indexes is one write (replica 0: not a forward).
    assertThat(local.seen)
        .containsExactlyInAnyOrderElementsOf(
            placed(ring, b, A, 3).stream().map(l -> l.replaceFirst("^t \\d ", "t 0 ")).toList());
    assertThat(local.calls).hasValue(1);
    awaitSeen(B, 50);
    awaitSeen(C, 50);
    assertThat(peers.seen.get(B)).containsExactlyInAnyOrderElementsOf(placed(ring, b, B, 3));
    assertThat(peers.seen.get(C)).containsExactlyInAnyOrderElementsOf(placed(ring, b, C, 3));
    assertThat(local.seen).hasSize(50);
  }

  @Test
  void requestsOneAfterAnotherAndAtOnceCarryNothingOverFromEachOther() throws Exception {
    // Requests reuse pooled batches, copies and quorums: a failed large request followed by
    // smaller ones, and many at once, must each be decided on their own series only.
    Hashring ring = ring3();
    Replicator r = replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring);
    peers.answers.put(B, req -> new PeerFailure(ErrorKind.CONFLICT, "out of order sample"));
    local.fail = ErrorKind.CONFLICT;
    assertThat(write(r, batch(200), 0).httpStatus()).isEqualTo(409);
    peers.answers.clear();
    local.fail = null;
    for (int size : new int[] {5, 120, 1, 40}) {
      assertThat(write(r, batch(size), 0).httpStatus()).as("%d series", size).isEqualTo(200);
    }
    int before = local.seen.size();
    List<Thread> writers = new ArrayList<>();
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    for (int t = 0; t < 8; t++) {
      WriteBatch b = batch(10 + t);
      writers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 20; i++) {
                      statuses.add(write(r, b, 0).httpStatus());
                    }
                  }));
    }
    for (Thread w : writers) {
      w.join();
    }
    assertThat(statuses).hasSize(160).containsOnly(200);
    // Every series of every request written locally exactly once (RF 3 on 3 nodes).
    assertThat(local.seen.size() - before).isEqualTo(20 * (10 + 11 + 12 + 13 + 14 + 15 + 16 + 17));
    awaitSeen(C, 200 + 166 + 20 * 108);
    assertThat(peers.seen.get(C)).hasSize(200 + 166 + 20 * 108);
  }

  @Test
  void oneNodeDownStillSucceedsTwoDownIsUnavailable() throws Exception {
    Replicator r = replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring3());
    peers.answers.put(B, req -> new PeerFailure(ErrorKind.UNAVAILABLE, "b down"));
    assertThat(write(r, batch(20), 0).httpStatus()).isEqualTo(200);
    peers.answers.put(C, req -> new PeerFailure(ErrorKind.UNAVAILABLE, "c down"));
    WriteStatus s = write(r, batch(20), 0);
    assertThat(s.httpStatus()).isEqualTo(503);
    assertThat(s.grpcCode()).isEqualTo("Unavailable");
  }

  @Test
  void conflictsOnTwoReplicasAre409() throws Exception {
    Replicator r = replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring3());
    peers.answers.put(B, req -> new PeerFailure(ErrorKind.CONFLICT, "out of order sample"));
    local.fail = ErrorKind.CONFLICT;
    WriteStatus s = write(r, batch(5), 0);
    assertThat(s.httpStatus()).isEqualTo(409);
  }

  @Test
  void aFailedPeerIsBackedOffAndNotCalledAgainAtOnce() throws Exception {
    Replicator r = replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring3());
    peers.answers.put(B, req -> new PeerFailure(ErrorKind.UNAVAILABLE, "b down"));
    // One series: one batch per node (with more, B's batches of one request may run at once).
    assertThat(write(r, batch(1), 0).httpStatus()).isEqualTo(200);
    awaitCalls(B, 1);
    assertThat(write(r, batch(1), 0).httpStatus()).isEqualTo(200);
    awaitCalls(C, 2);
    assertThat(peers.calls.get(B)).isEqualTo(1);
  }

  @Test
  void anAlreadyReplicatedRequestIsWrittenLocallyOnlyWithAQuorumOfOne() throws Exception {
    Replicator r = replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring3());
    WriteBatch b = batch(30);
    assertThat(write(r, b, 2).httpStatus()).isEqualTo(200);
    assertThat(local.seen).hasSize(30).allMatch(l -> l.startsWith("t 2 "));
    assertThat(peers.calls).isEmpty();
    local.fail = ErrorKind.CONFLICT;
    assertThat(write(r, batch(1), 3).httpStatus()).isEqualTo(409);
  }

  @Test
  void aReplicaAboveTheReplicationFactorIsABadReplica() throws Exception {
    WriteStatus s = write(replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring3()), batch(1), 4);
    assertThat(s.httpStatus()).isEqualTo(400);
    assertThat(s.grpcCode()).isEqualTo("InvalidArgument");
    assertThat(s.message()).isEqualTo("request replica exceeds receiver replication factor");
    assertThat(local.seen).isEmpty();
  }

  @Test
  void aRouterOnlyNodeForwardsEverythingAndResetsTheReplica() throws Exception {
    Hashring ring = ring3();
    Replicator r = replicator(ReceiveMode.ROUTER_ONLY, 3, ring);
    WriteBatch b = batch(10);
    assertThat(write(r, b, 2).httpStatus()).isEqualTo(200);
    for (String a : List.of(A, B, C)) {
      awaitCalls(a, 1);
      awaitSeen(a, 10);
      assertThat(peers.seen.get(a)).containsExactlyInAnyOrderElementsOf(placed(ring, b, a, 3));
    }
  }

  @Test
  void anIngestorAtReplicationFactor1WritesLocallyWithThanosStatuses() throws Exception {
    Hashring single = io.sluice.hashring.HashmodHashring.create(List.of(Endpoint.of(A)));
    Replicator r = replicator(ReceiveMode.INGESTOR_ONLY, 1, single);
    assertThat(write(r, batch(3), 2).httpStatus()).isEqualTo(200); // replica reset to 0
    assertThat(local.seen).hasSize(3);
    local.fail = ErrorKind.GENERIC;
    assertThat(write(r, batch(1), 0).httpStatus()).isEqualTo(503); // 1 generic error = quorum
    local.fail = ErrorKind.CONFLICT;
    assertThat(write(r, batch(1), 0).httpStatus()).isEqualTo(409);
    assertThat(peers.calls).isEmpty();
  }

  @Test
  void tooFewNodesForTheReplicationFactorIs500() throws Exception {
    Hashring single = io.sluice.hashring.HashmodHashring.create(List.of(Endpoint.of(A)));
    WriteStatus s = write(replicator(ReceiveMode.INGESTOR_ONLY, 2, single), batch(1), 0);
    assertThat(s.httpStatus()).isEqualTo(500);
    assertThat(s.message()).isEqualTo("insufficient nodes; have 1, want 2");
  }

  @Test
  void aHungPeerDoesNotHoldTheAnswerAndItsForwardReadsACopyOfTheBatch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    peers.answers.put(
        C,
        req -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        });
    Hashring ring = ring3();
    Replicator r = replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring);
    WriteBatch b = batch(10);
    List<String> expected = placed(ring, b, C, 3);
    assertThat(write(r, b, 0).httpStatus()).isEqualTo(200); // a and b make the quorum
    // The caller reuses its batch for the next request before the hung forward goes on.
    byte[] buf = b.buffer();
    java.util.Arrays.fill(buf, 0, b.bufferLength(), (byte) 'x');
    release.countDown();
    awaitSeen(C, 10);
    assertThat(peers.seen.get(C)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aRequestWaitsForAWorkerOfASaturatedPeerInsteadOfQueueingItsForward() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    peers.answers.put(C, req -> hang(release));
    // One series: one batch per peer per request.
    Replicator r = replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring3(), 1, TIMEOUT);
    assertThat(write(r, batch(1), 0).httpStatus()).isEqualTo(200); // C's only worker now hangs
    awaitCalls(C, 1);

    WriteBatch second = batch(1);
    java.util.concurrent.CompletableFuture<WriteStatus> pending =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> write(r, second, 0));
    awaitCalls(B, 2);
    Thread.sleep(300);
    // A and B made its quorum, but its batch for C is not with a worker yet: the answer waits.
    assertThat(pending).isNotDone();
    assertThat(local.calls.get()).isEqualTo(2);

    release.countDown();
    WriteStatus answered = pending.get(10, TimeUnit.SECONDS);
    assertThat(answered.httpStatus()).as(answered.message()).isEqualTo(200);
    awaitSeen(C, 2);
    assertThat(peers.seen.get(C)).hasSize(2);
  }

  @Test
  void aPeerSaturatedUntilTheForwardDeadlineFailsOnlyItsReplica() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    peers.answers.put(C, req -> hang(release));
    Replicator r =
        replicator(ReceiveMode.ROUTER_INGESTOR, 3, ring3(), 1, TimeUnit.MILLISECONDS.toNanos(300));
    assertThat(write(r, batch(1), 0).httpStatus()).isEqualTo(200);
    awaitCalls(C, 1);
    // C's worker is still held at the second request's deadline: it answers with A's and B's
    // quorum, and its batch for C fails on that deadline once it reaches the worker.
    WriteStatus second = write(r, batch(1), 0);
    assertThat(second.httpStatus()).as(second.message()).isEqualTo(200);
    assertThat(peers.calls.get(C)).isEqualTo(1);
    release.countDown();
  }

  private static PeerFailure hang(CountDownLatch release) {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  private void awaitCalls(String address, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (peers.calls.getOrDefault(address, 0) < n && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(peers.calls.getOrDefault(address, 0)).isGreaterThanOrEqualTo(n);
  }

  private void awaitSeen(String address, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (peers.seen.getOrDefault(address, List.of()).size() < n && System.nanoTime() < end) {
      Thread.sleep(5);
    }
  }
}
