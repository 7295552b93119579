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
 * its batch as soon as {@link #write} returns while forwards are still in flight.
 *
 * <p>Thread-safe. The ring is read per request, so a hashring change applies to the next request.
 */
public final class Replicator implements Writer, AutoCloseable {
  private static final int POOLED_COPIES = 16;

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
  private final ConcurrentLinkedQueue<WriteBatch> copies = new ConcurrentLinkedQueue<>();
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

  /** One (endpoint, replica index) batch of a request. */
  private static final class Batch {
    final String address;
    final WriteRequest request = new WriteRequest();
    int[] positions = new int[16];

    Batch(String address, String tenant, long wireReplica, WriteBatch batch) {
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
    List<Batch> remote = new ArrayList<>();
    Batch locals = null;
    WriteBatch shared = null;
    try {
      Hashring r = ring.get().forTenant(tenant);
      byte[] tenantBytes = SeriesHasher.tenantBytes(tenant);
      SeriesHasher hasher = hashers.get();
      @SuppressWarnings("unchecked")
      Map<String, Batch>[] byReplica = new Map[replicas];
      for (int k = 0; k < replicas; k++) {
        byReplica[k] = new HashMap<>();
      }
      for (int i = 0; i < n; i++) {
        int s = request.series(i);
        int skip = request.skippedLabel(i);
        long h = hasher.hash(tenantBytes, batch, s, skip);
        for (int k = 0; k < replicas; k++) {
          int idx = first + k;
          Endpoint ep = r.getN(tenant, h, idx);
          if (local != null && ep.hasAddress(localEndpoint)) {
            // A series is on distinct nodes for its replica indexes, so it is here at most once.
            if (locals == null) {
              locals = new Batch(localEndpoint, tenant, 0, batch);
            }
            locals.add(i, s, h, skip);
            continue;
          }
          Batch b = byReplica[k].get(ep.address());
          if (b == null) {
            if (shared == null) {
              shared = copyOf(batch);
            }
            b = new Batch(ep.address(), tenant, idx + 1, shared);
            byReplica[k].put(ep.address(), b);
            remote.add(b);
          }
          b.add(i, s, h, skip);
        }
      }
    } catch (HashringException e) {
      if (shared != null) {
        recycle(shared);
      }
      outcome.error(ErrorKind.GENERIC, e.getMessage());
      listener.replicated(false);
      return;
    }

    int writes = remote.size() + (locals == null ? 0 : 1);
    Quorum quorum = new Quorum(n, replicationFactor, replica > 0, writes);
    long deadline = System.nanoTime() + forwardTimeoutNanos;
    if (!remote.isEmpty()) {
      AtomicInteger users = new AtomicInteger(remote.size());
      WriteBatch copy = shared;
      for (Batch b : remote) {
        try {
          pool(b.address).execute(() -> forward(b, quorum, deadline, users, copy));
        } catch (RejectedExecutionException closed) {
          failAll(b, quorum, ErrorKind.UNAVAILABLE, "receiver is shutting down");
          release(users, copy);
        }
      }
    }
    // The local share of every replica index in one write: one head transaction, one WAL write.
    if (locals != null) {
      writeLocally(locals, quorum);
    }
    boolean decided;
    try {
      decided = quorum.awaitDecision(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      decided = false;
    }
    if (!decided) {
      outcome.error(ErrorKind.GENERIC, "context deadline exceeded");
      listener.replicated(false);
      return;
    }
    ErrorKind kind = quorum.result();
    listener.replicated(kind == null);
    if (kind != null) {
      outcome.error(kind, quorum.message());
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

  private void writeLocally(Batch b, Quorum quorum) {
    WriteOutcome out = new WriteOutcome();
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

  private void forward(
      Batch b, Quorum quorum, long deadline, AtomicInteger users, WriteBatch shared) {
    try {
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
    } finally {
      release(users, shared);
    }
  }

  private static void failAll(Batch b, Quorum quorum, ErrorKind kind, String message) {
    quorum.failures(b.positions, b.request.seriesCount(), kind, message);
    quorum.replicaWriteDone();
  }

  private WriteBatch copyOf(WriteBatch batch) {
    WriteBatch copy = copies.poll();
    return (copy == null ? new WriteBatch() : copy).copyFrom(batch);
  }

  private void release(AtomicInteger users, WriteBatch shared) {
    if (users.decrementAndGet() == 0) {
      recycle(shared);
    }
  }

  private void recycle(WriteBatch copy) {
    if (copies.size() < POOLED_COPIES) {
      copies.offer(copy);
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
        p.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    peers.close();
  }
}
