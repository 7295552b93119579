// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group-commit fsync of the WAL: a writer calls {@link #awaitSync} after its write completed and
 * returns only after an fsync that started after that. Concurrent writers share one fsync: while
 * one is running, the others wait; the next one to find no fsync running starts one that covers
 * every write completed before it began.
 *
 * <p>Write numbers are taken after the write completed, so an fsync that starts after reading
 * {@code completedWrites = n} covers writes 1..n. A failed fsync covers nothing: its writers get
 * its exception and later writers try again.
 *
 * <p>Thread-safe.
 */
final class GroupCommit {
  /** The fsync that makes every completed write durable. */
  @FunctionalInterface
  interface Sync {
    void sync() throws IOException;
  }

  private final Sync sync;
  private final Runnable beforeSync;
  private final AtomicLong completedWrites = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private final Object monitor = new Object();
  // Guarded by monitor.
  private long syncedWrites;
  private boolean syncing;

  /**
   * @param sync the fsync
   * @param beforeSync a test hook that runs in the syncing thread before it picks the writes it
   *     covers
   */
  GroupCommit(Sync sync, Runnable beforeSync) {
    this.sync = sync;
    this.beforeSync = beforeSync;
  }

  /**
   * Counts a completed write and waits until an fsync that started after it has completed.
   *
   * @throws InterruptedIOException if interrupted while waiting (the write is maybe not durable)
   * @throws IOException if the fsync this write waited for failed
   */
  void awaitSync() throws IOException {
    long mine = completedWrites.incrementAndGet();
    synchronized (monitor) {
      while (syncedWrites < mine) {
        if (!syncing) {
          syncing = true;
          break;
        }
        try {
          monitor.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for the WAL fsync");
        }
      }
      if (syncedWrites >= mine) {
        return;
      }
    }
    IOException failure = null;
    long covered = 0;
    try {
      beforeSync.run();
      covered = completedWrites.get();
      sync.sync();
      syncs.incrementAndGet();
    } catch (IOException e) {
      failure = e;
    } finally {
      synchronized (monitor) {
        syncing = false;
        if (failure == null && covered > syncedWrites) {
          syncedWrites = covered;
        }
        monitor.notifyAll();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Number of fsyncs done. */
  long syncCount() {
    return syncs.get();
  }

  /** Writes whose fsync wait has begun. */
  long completedWrites() {
    return completedWrites.get();
  }
}
