// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import io.sluice.hashring.Endpoint;
import io.sluice.hashring.Hashring;
import io.sluice.hashring.HashringException;
import io.sluice.hashring.SeriesHasher;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The replication engine of Thanos' handler (reference {@code thanos-receive.md} §4.1–4.3), as a
 * {@link Writer}: each series is hashed once (over its labels in request order), placed on the ring
 * for every replica index to write, and grouped into one batch per (endpoint, replica index), as
 * Thanos sends them (a Thanos peer places a forwarded batch again by its replica number); the local
 * endpoint's series of all replica indexes are one batch, written in process in one transaction,
 * the others are forwarded through {@link Peers} on a worker pool per peer, with the request's
 * deadline detached from the client. The request succeeds when every series reaches quorum ({@link
 * Quorum}); it returns as soon as that is decided and lets the remaining replicas finish on their
 * own (optimistic completion).
 *
 * <p>Replica numbers: in {@link ReceiveMode#ROUTER_INGESTOR} a request with replica k ≥ 1 is
 * already replicated: the sender placed it here, so it is written locally only, with a quorum of 1
 * (DESIGN §5; Thanos places replica index k − 1 again and forwards it if its own ring disagrees,
 * which while a hashring change propagates can bounce a request between nodes). In the other modes
 * the incoming replica is reset to 0. A replica above the replication factor is {@link
 * ErrorKind#BAD_REPLICA}. A ring that cannot place a series (no matching hashring, too few nodes)
 * fails the whole request as {@link ErrorKind#GENERIC} (500).
 *
 * <p>Forwarded batches read a private copy of the request's decoded batch, so the caller may reuse
 * its batch as soon as {@link #write} returns while forwards are still in flight. A request's
 * batches, that copy and its quorum are pooled and reused once its last forward has finished, so
 * the split-and-forward path allocates nothing per series in the steady state.
 *
 * <p>Thread-safe. The ring is read per request, so a hashring change applies to the next request.
 */
public final class Replicator implements Writer, AutoCloseable {
  // Each pooled round keeps a copy of the largest request body it has held (about 2.5 MB for 5,000
  // samples), so the pool is kept near the number of requests in flight at once.
  private static final int POOLED_ROUNDS = 16;
  private static final byte LOCAL = 1;
  private static final byte REMOTE = 2;

  private final ReceiveMode mode;
  private final Supplier<Hashring> ring;
  private final int replicationFactor;
  private final String localEndpoint;
  private final Writer local;
  private final Peers peers;
  private final PeerBackoff backoff;
  private final long forwardTimeoutNanos;
  private final int workersPerPeer;
  private final ReplicationListener listener;
  private final ConcurrentHashMap<String, ExecutorService> pools = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Round> rounds = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<SeriesHasher> hashers = ThreadLocal.withInitial(SeriesHasher::new);

  /**
   * @param mode the receive mode
   * @param ring the current hashring (swapped by the hashring watcher)
   * @param replicationFactor {@code --receive.replication-factor}
   * @param localEndpoint {@code --receive.local-endpoint}; null or empty in router-only mode
   * @param local the in-process writer; null in router-only mode
   * @param peers forwards to the other endpoints
   * @param backoff the peers' back-off state
   * @param forwardTimeoutNanos {@code --receive-forward-timeout}
   * @param workersPerPeer {@code --receive.forward.async-workers}
   * @param listener metrics
   */
  public Replicator(
      ReceiveMode mode,
      Supplier<Hashring> ring,
      int replicationFactor,
      String localEndpoint,
      Writer local,
      Peers peers,
      PeerBackoff backoff,
      long forwardTimeoutNanos,
      int workersPerPeer,
      ReplicationListener listener) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication factor must be at least 1");
    }
    if (mode.ingests() && local == null) {
      throw new IllegalArgumentException(mode + " needs a local writer");
    }
    this.mode = Objects.requireNonNull(mode, "mode");
    this.ring = Objects.requireNonNull(ring, "ring");
    this.replicationFactor = replicationFactor;
    this.localEndpoint = localEndpoint == null ? "" : localEndpoint;
    this.local = local;
    this.peers = Objects.requireNonNull(peers, "peers");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.forwardTimeoutNanos = forwardTimeoutNanos;
    this.workersPerPeer = Math.max(1, workersPerPeer);
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** {@return the replication factor} */
  public int replicationFactor() {
    return replicationFactor;
  }

  /**
   * One request's replication state: its batches, the copy of its decoded batch that forwards read,
   * its quorum and the local write's outcome. Pooled: a round is reused once the request and every
   * forward of it are done, so that steady-state requests allocate nothing per series.
   */
  private final class Round {
    final Quorum quorum = new Quorum();
    final WriteOutcome localOutcome = new WriteOutcome();
    final WriteBatch copy = new WriteBatch();
    final Batch local = new Batch(this);
    final List<Batch> remote = new ArrayList<>();
    final List<Batch> spare = new ArrayList<>();
    final AtomicInteger users = new AtomicInteger();
    // Remote batches not yet taken by a worker of their peer; the answer waits until this is 0.
    int unstarted;

    // Remote batches by replica index and address (so that an address listed twice in a ring is
    // one batch), and by (replica index, position in the ring's nodes) for the per-series lookup.
    @SuppressWarnings("unchecked")
    Map<String, Batch>[] byReplica = new Map[0];

    Batch[] slots = new Batch[0];
    int nodeCount;
    // Per node position: 0 not seen yet in this request, LOCAL or REMOTE.
    byte[] nodeKind = new byte[0];
    int[] placed = new int[0];

    boolean hasLocal;
    boolean copied;
    long deadline;

    void begin(int replicas) {
      if (byReplica.length < replicas) {
        @SuppressWarnings("unchecked")
        Map<String, Batch>[] maps = Arrays.copyOf(byReplica, replicas);
        for (int k = byReplica.length; k < replicas; k++) {
          maps[k] = new HashMap<>();
        }
        byReplica = maps;
      }
      if (placed.length < replicas) {
        placed = new int[replicas];
      }
    }

    void beginRing(int nodes, int replicas) {
      nodeCount = nodes;
      if (slots.length < nodes * replicas) {
        slots = new Batch[nodes * replicas];
      } else {
        Arrays.fill(slots, 0, nodes * replicas, null);
      }
      if (nodeKind.length < nodes) {
        nodeKind = new byte[nodes];
      } else {
        Arrays.fill(nodeKind, 0, nodes, (byte) 0);
      }
    }

    boolean isLocal(int node, List<Endpoint> nodes) {
      byte kind = nodeKind[node];
      if (kind == 0) {
        kind = local != null && nodes.get(node).hasAddress(localEndpoint) ? LOCAL : REMOTE;
        nodeKind[node] = kind;
      }
      return kind == LOCAL;
    }

    // The batch of replica index k (wire replica k + first + 1) for the endpoint at node.
    Batch remoteBatch(
        int k, int node, List<Endpoint> nodes, String tenant, long wireReplica, WriteBatch batch) {
      int slot = k * nodeCount + node;
      Batch b = slots[slot];
      if (b == null) {
        String address = nodes.get(node).address();
        b = byReplica[k].get(address);
        if (b == null) {
          b = remoteBatch(address, tenant, wireReplica, batch);
          byReplica[k].put(address, b);
        }
        slots[slot] = b;
      }
      return b;
    }

    // The shared copy of the caller's batch, made by the first remote batch.
    WriteBatch forwarded(WriteBatch batch) {
      if (!copied) {
        copy.copyFrom(batch);
        copied = true;
      }
      return copy;
    }

    Batch remoteBatch(String address, String tenant, long wireReplica, WriteBatch batch) {
      Batch b = spare.isEmpty() ? new Batch(this) : spare.remove(spare.size() - 1);
      b.reset(address, tenant, wireReplica, forwarded(batch));
      remote.add(b);
      return b;
    }

    void release() {
      if (users.decrementAndGet() == 0) {
        recycle(this);
      }
    }

    synchronized void started() {
      if (--unstarted == 0) {
        notifyAll();
      }
    }

    // Waits until every remote batch is with a worker, or the deadline.
    synchronized void awaitStarted(long deadline) throws InterruptedException {
      long left;
      while (unstarted > 0 && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    void clear() {
      spare.addAll(remote);
      remote.clear();
      for (Map<String, Batch> m : byReplica) {
        m.clear();
      }
      hasLocal = false;
      copied = false;
    }
  }

  /** One (endpoint, replica index) batch of a request, or its local share; forwards itself. */
  private final class Batch implements Runnable {
    final Round round;
    final WriteRequest request = new WriteRequest();
    String address;
    int[] positions = new int[16];

    Batch(Round round) {
      this.round = round;
    }

    void reset(String address, String tenant, long wireReplica, WriteBatch batch) {
      this.address = address;
      request.reset(tenant, wireReplica, batch);
    }

    void add(int position, int series, long hash, int skip) {
      int n = request.seriesCount();
      if (n == positions.length) {
        positions = Arrays.copyOf(positions, n * 2);
      }
      positions[n] = position;
      request.add(series, hash, skip);
    }

    @Override
    public void run() {
      round.started();
      try {
        forward(this, round.quorum, round.deadline);
      } finally {
        round.release();
      }
    }
  }

  @Override
  public void write(WriteRequest request, WriteOutcome outcome) {
    long replica = mode == ReceiveMode.ROUTER_INGESTOR ? request.replica() : 0;
    if (replica < 0 || replica > replicationFactor) {
      outcome.error(ErrorKind.BAD_REPLICA, "request replica exceeds receiver replication factor");
      return;
    }
    if ((mode == ReceiveMode.INGESTOR_ONLY && replicationFactor == 1)
        || (replica > 0 && local != null)) {
      writeSingleNode(request, outcome);
      return;
    }
    String tenant = request.tenant();
    WriteBatch batch = request.batch();
    int n = request.seriesCount();
    int first = replica == 0 ? 0 : (int) replica - 1;
    int replicas = replica == 0 ? replicationFactor : 1;
    Round round = rounds.poll();
    if (round == null) {
      round = new Round();
    }
    round.begin(replicas);
    try {
      place(round, request, tenant, first, replicas);
    } catch (HashringException e) {
      round.clear();
      rounds.offer(round);
      outcome.error(ErrorKind.GENERIC, e.getMessage());
      listener.replicated(false);
      return;
    }

    Quorum quorum = round.quorum;
    quorum.reset(n, replicationFactor, replica > 0, round.remote.size() + (round.hasLocal ? 1 : 0));
    round.deadline = System.nanoTime() + forwardTimeoutNanos;
    round.users.set(round.remote.size() + 1);
    synchronized (round) {
      round.unstarted = round.remote.size();
    }
    for (Batch b : round.remote) {
      try {
        pool(b.address).execute(b);
      } catch (RejectedExecutionException closed) {
        round.started();
        failAll(b, quorum, ErrorKind.UNAVAILABLE, "receiver is shutting down");
        round.release();
      }
    }
    // The local share of every replica index in one write: one head transaction, one WAL write.
    if (round.hasLocal) {
      writeLocally(round.local, quorum, round.localOutcome);
    }
    try {
      boolean decided;
      try {
        decided = quorum.awaitDecision(round.deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        decided = false;
      }
      if (!decided) {
        outcome.error(ErrorKind.GENERIC, "context deadline exceeded");
        listener.replicated(false);
        return;
      }
      // As Thanos' peer workers (a saturated peer's batch is handed over with a blocking send): the
      // answer waits until each forward is with a worker of its peer, though not for its result.
      // A peer slower than the ingress so slows the ingress down instead of forwards queueing
      // without bound, each holding a copy of its request until the forward timeout.
      try {
        round.awaitStarted(round.deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ErrorKind kind = quorum.result();
      listener.replicated(kind == null);
      if (kind != null) {
        outcome.error(kind, quorum.message());
      }
    } finally {
      round.release();
    }
  }

  // Hashes each series once, places all its replica indexes at once and groups it by (endpoint,
  // replica index); the local endpoint's series of every replica index go to the round's one local
  // batch.
  private void place(Round round, WriteRequest request, String tenant, int first, int replicas)
      throws HashringException {
    Hashring r = ring.get().forTenant(tenant);
    List<Endpoint> nodes = r.nodes();
    round.beginRing(nodes.size(), replicas);
    byte[] tenantBytes = SeriesHasher.tenantBytes(tenant);
    SeriesHasher hasher = hashers.get();
    WriteBatch batch = request.batch();
    int[] placed = round.placed;
    for (int i = 0, n = request.seriesCount(); i < n; i++) {
      int s = request.series(i);
      int skip = request.skippedLabel(i);
      long h = hasher.hash(tenantBytes, batch, s, skip);
      r.placeReplicas(tenant, h, first, replicas, placed);
      for (int k = 0; k < replicas; k++) {
        int node = placed[k];
        if (round.isLocal(node, nodes)) {
          // A series is on distinct nodes for its replica indexes, so it is here at most once.
          if (!round.hasLocal) {
            round.local.reset(localEndpoint, tenant, 0, batch);
            round.hasLocal = true;
          }
          round.local.add(i, s, h, skip);
          continue;
        }
        round.remoteBatch(k, node, nodes, tenant, first + k + 1, batch).add(i, s, h, skip);
      }
    }
  }

  // Ingestor only at replication factor 1 (the ring is this node alone), or an already replicated
  // request: every series is local and the quorum is one answer; placement would hash every series
  // for nothing.
  private void writeSingleNode(WriteRequest request, WriteOutcome outcome) {
    try {
      local.write(request, outcome);
    } catch (RuntimeException e) {
      outcome.failed(e);
    }
    ErrorKind kind = outcome.errorKind();
    ErrorKind decided = Quorum.ofSingleAnswer(kind);
    if (decided != kind) {
      outcome.error(decided, outcome.errorMessage());
    }
    listener.replicated(kind == null);
  }

  private void writeLocally(Batch b, Quorum quorum, WriteOutcome out) {
    int m = b.request.seriesCount();
    out.reset(m);
    try {
      local.write(b.request, out);
    } catch (RuntimeException e) {
      out.failed(e);
    }
    if (out.errorKind() == null) {
      quorum.successes(b.positions, m);
    } else if (out.failure() != null) {
      quorum.failures(b.positions, m, ErrorKind.GENERIC, out.errorMessage());
    } else {
      String message = out.errorMessage();
      for (int j = 0; j < m; j++) {
        ErrorKind k = out.seriesError(j);
        if (k == null) {
          quorum.success(b.positions[j]);
        } else {
          quorum.failure(b.positions[j], k, message);
        }
      }
    }
    quorum.replicaWriteDone();
  }

  private void forward(Batch b, Quorum quorum, long deadline) {
    PeerFailure f;
    if (backoff.backingOff(b.address)) {
      f =
          new PeerFailure(
              ErrorKind.UNAVAILABLE, "backing off forward request for endpoint " + b.address);
    } else {
      try {
        f = peers.forward(b.address, b.request, deadline);
      } catch (RuntimeException e) {
        f =
            new PeerFailure(
                ErrorKind.GENERIC,
                "forwarding request to endpoint " + b.address + ": " + e.getMessage());
      }
      if (f == null) {
        backoff.succeeded(b.address);
      } else if (f.kind() == ErrorKind.UNAVAILABLE) {
        backoff.failed(b.address);
      }
      listener.forwarded(f == null);
    }
    if (f == null) {
      quorum.successes(b.positions, b.request.seriesCount());
      quorum.replicaWriteDone();
    } else {
      failAll(b, quorum, f.kind(), f.message());
    }
  }

  private static void failAll(Batch b, Quorum quorum, ErrorKind kind, String message) {
    quorum.failures(b.positions, b.request.seriesCount(), kind, message);
    quorum.replicaWriteDone();
  }

  private void recycle(Round round) {
    round.clear();
    if (rounds.size() < POOLED_ROUNDS) {
      rounds.offer(round);
    }
  }

  private ExecutorService pool(String address) {
    return pools.computeIfAbsent(
        address,
        a ->
            Executors.newFixedThreadPool(
                workersPerPeer,
                Thread.ofPlatform().name("forward-" + a + "-", 0).daemon().factory()));
  }

  /** After a hashring change: forgets back-off states and closes pools of removed endpoints. */
  public void ringChanged(List<String> addresses) {
    backoff.reset();
    for (String a : List.copyOf(pools.keySet())) {
      if (!addresses.contains(a)) {
        ExecutorService p = pools.remove(a);
        if (p != null) {
          p.shutdown();
        }
      }
    }
    peers.retainOnly(addresses);
  }

  /** Stops the forward pools (forwards in flight finish) and closes the peers. */
  @Override
  public void close() {
    for (ExecutorService p : pools.values()) {
      p.shutdown();
    }
    for (ExecutorService p : pools.values()) {
      try {
        p.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    peers.close();
  }
}
