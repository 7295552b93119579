// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.WriteStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-series quorum of one replicated request, as Thanos' handler decides it (reference {@code
 * thanos-receive.md} §4.2–4.3): every series must reach the success threshold ({@code ⌊RF/2⌋+1}, 1
 * for RF=2 and for a request that is already a replica); a series fails once its failures reach the
 * failure threshold ({@code targeted − success + 1}). A series' error class is its most frequent
 * class if that reaches the success threshold (ties: conflict, then not ready, then unavailable),
 * else unavailable if all its errors together do, else none (generic); the request's class is
 * unavailable if any failed series is, else not ready, else conflict, else generic.
 *
 * <p>Counts live in primitive arrays, one slot per series. Thread-safe: replica results arrive from
 * several threads; {@link #awaitDecision} blocks until every series is decided or every replica has
 * answered.
 */
public final class Quorum {
  private static final int MAX_MESSAGES = 8;

  private int seriesCount;
  private int successThreshold;
  private int failureThreshold;
  private int[] successes = new int[0];
  private int[] conflicts = new int[0];
  private int[] notReady = new int[0];
  private int[] unavailable = new int[0];
  private int[] generic = new int[0];
  private final Set<String> messages = new LinkedHashSet<>();
  private String lastGeneric = "";
  private int pendingReplicaWrites;
  private int undecided;

  /**
   * @param seriesCount the series of the request
   * @param replicationFactor the ring's replication factor
   * @param replicated whether the request is already a replica (replica &gt; 0)
   * @param replicaWrites the number of replica writes that will report (batches)
   */
  public Quorum(int seriesCount, int replicationFactor, boolean replicated, int replicaWrites) {
    reset(seriesCount, replicationFactor, replicated, replicaWrites);
  }

  /** A quorum to {@link #reset} before use. */
  Quorum() {}

  /**
   * Starts over for another request, as {@link #Quorum(int, int, boolean, int)}; its arrays are
   * reused, so a pooled quorum allocates nothing per series once they have grown. Call it only when
   * no replica of the previous request will report any more.
   */
  synchronized void reset(
      int seriesCount, int replicationFactor, boolean replicated, int replicaWrites) {
    this.seriesCount = seriesCount;
    this.successThreshold = successThreshold(replicationFactor, replicated);
    int targeted = replicated ? 1 : replicationFactor;
    this.failureThreshold = failureThreshold(targeted, successThreshold);
    if (successes.length < seriesCount) {
      int size = Math.max(seriesCount, successes.length * 2);
      successes = new int[size];
      conflicts = new int[size];
      notReady = new int[size];
      unavailable = new int[size];
      generic = new int[size];
    } else {
      Arrays.fill(successes, 0, seriesCount, 0);
      Arrays.fill(conflicts, 0, seriesCount, 0);
      Arrays.fill(notReady, 0, seriesCount, 0);
      Arrays.fill(unavailable, 0, seriesCount, 0);
      Arrays.fill(generic, 0, seriesCount, 0);
    }
    messages.clear();
    lastGeneric = "";
    this.pendingReplicaWrites = replicaWrites;
    this.undecided = seriesCount;
  }

  /** Thanos' success threshold: 1 for a replica or RF=2, else ⌊RF/2⌋+1. */
  public static int successThreshold(int replicationFactor, boolean replicated) {
    if (replicated || replicationFactor == 2) {
      return 1;
    }
    return replicationFactor / 2 + 1;
  }

  /** Thanos' failure threshold: replicas targeted − success threshold + 1. */
  public static int failureThreshold(int targeted, int successThreshold) {
    return targeted - successThreshold + 1;
  }

  /** {@return the success threshold of this request} */
  public int successThreshold() {
    return successThreshold;
  }

  /** {@return the failure threshold of this request} */
  public int failureThreshold() {
    return failureThreshold;
  }

  /**
   * The class of a request decided by a single answer (replication factor 1, or a request that is
   * already a replica): what {@link #result()} gives for one answer of class {@code kind} at a
   * threshold of 1 — a conflict, not-ready or unavailable answer as it is, any other error
   * unavailable; null for success.
   */
  public static ErrorKind ofSingleAnswer(ErrorKind kind) {
    return kind == ErrorKind.GENERIC ? ErrorKind.UNAVAILABLE : kind;
  }

  /** Records that a replica of each of the series {@code positions[0, n)} was written. */
  public synchronized void successes(int[] positions, int n) {
    for (int i = 0; i < n; i++) {
      success(positions[i]);
    }
  }

  /** Records that a replica of each of the series {@code positions[0, n)} failed. */
  public synchronized void failures(int[] positions, int n, ErrorKind kind, String message) {
    for (int i = 0; i < n; i++) {
      failure(positions[i], kind, message);
    }
  }

  /** Records that a replica of series {@code s} was written. */
  public synchronized void success(int s) {
    boolean was = decided(s);
    successes[s]++;
    settle(s, was);
  }

  /** Records that a replica of series {@code s} failed with {@code kind}. */
  public synchronized void failure(int s, ErrorKind kind, String message) {
    boolean was = decided(s);
    switch (kind) {
      case CONFLICT -> conflicts[s]++;
      case NOT_READY -> notReady[s]++;
      case UNAVAILABLE -> unavailable[s]++;
      default -> {
        generic[s]++;
        lastGeneric = message;
      }
    }
    if (messages.size() < MAX_MESSAGES) {
      messages.add(message);
    }
    settle(s, was);
  }

  /** Records that one replica write has reported all of its series. */
  public synchronized void replicaWriteDone() {
    pendingReplicaWrites--;
    if (pendingReplicaWrites <= 0 || undecided == 0) {
      notifyAll();
    }
  }

  private void settle(int s, boolean was) {
    if (!was && decided(s)) {
      undecided--;
      if (undecided == 0) {
        notifyAll();
      }
    }
  }

  // Thanos' early return: enough successes, or enough conflicts (other failures wait for all
  // answers, so that a permanent 409 can be told from a retryable 503).
  private boolean decided(int s) {
    return successes[s] >= successThreshold || conflicts[s] >= failureThreshold;
  }

  /**
   * Waits until every series is decided or every replica write has reported, or the deadline.
   *
   * @param deadlineNanos a {@link System#nanoTime()} deadline
   * @return false if the deadline passed first
   */
  public synchronized boolean awaitDecision(long deadlineNanos) throws InterruptedException {
    while (undecided > 0 && pendingReplicaWrites > 0) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(left / 1_000_000, (int) (left % 1_000_000));
    }
    return true;
  }

  /** {@return whether some series has failed (its failures reached the failure threshold)} */
  public synchronized boolean anyFailed() {
    for (int s = 0; s < seriesCount; s++) {
      if (failed(s)) {
        return true;
      }
    }
    return false;
  }

  private boolean failed(int s) {
    if (successes[s] >= successThreshold) {
      return false;
    }
    int failures = conflicts[s] + notReady[s] + unavailable[s] + generic[s];
    return failures >= failureThreshold;
  }

  /**
   * The request's error class once answers are in: null when no series failed.
   *
   * @see #message()
   */
  public synchronized ErrorKind result() {
    ErrorKind worst = null;
    for (int s = 0; s < seriesCount; s++) {
      if (!failed(s)) {
        continue;
      }
      ErrorKind k = seriesCause(s);
      if (k == null) {
        k = ErrorKind.GENERIC;
      }
      if (ErrorKind.precedence(k) > ErrorKind.precedence(worst)) {
        worst = k;
      }
    }
    return worst;
  }

  // Thanos' replicationErrors.Cause with threshold = success threshold.
  private ErrorKind seriesCause(int s) {
    ErrorKind best = ErrorKind.CONFLICT;
    int bestCount = conflicts[s];
    if (notReady[s] > bestCount) {
      best = ErrorKind.NOT_READY;
      bestCount = notReady[s];
    }
    if (unavailable[s] > bestCount) {
      best = ErrorKind.UNAVAILABLE;
      bestCount = unavailable[s];
    }
    if (bestCount >= successThreshold) {
      return best;
    }
    int total = conflicts[s] + notReady[s] + unavailable[s] + generic[s];
    return total >= successThreshold ? ErrorKind.UNAVAILABLE : null;
  }

  /** The request's error text: the distinct replica errors seen, Go-style; empty on success. */
  public synchronized String message() {
    if (result() == null) {
      return "";
    }
    List<String> m = new ArrayList<>(messages);
    if (m.isEmpty()) {
      m.add(lastGeneric);
    }
    return WriteStatus.join(m);
  }
}
