// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * The live heap as the JVM's collectors measure it: for every heap memory pool, the smaller of its
 * usage after the last collection of that pool ({@link MemoryPoolMXBean#getCollectionUsage()}) and
 * its usage now. For G1 this is the old generation after the last mixed, remark, cleanup or full
 * collection (young collections leave that figure alone, so the garbage promoted between two old
 * collections does not count), plus the survivors; for the serial and parallel collectors the old
 * generation after the last full collection; for ZGC and Shenandoah the heap after the last cycle.
 * "Usage now" can only be lower when whole regions were freed since (humongous objects), which
 * lowers the estimate at once.
 *
 * <p>The figure is no per-series estimate but what the heap holds: series, chunks, postings,
 * request buffers, forward queues and everything else, so no constant per object can drift from
 * reality (labels of 100 B or of kilobytes cost what they cost).
 *
 * <p>{@link #start} registers a listener on every collector that runs a callback after each
 * collection, which is when the figure can change. Thread-safe.
 */
public final class GcLiveHeap implements LiveHeap, AutoCloseable {
  private static final String GC_NOTIFICATION = "com.sun.management.gc.notification";

  private final List<MemoryPoolMXBean> pools = new ArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private NotificationListener listener;

  /** Reads the heap pools of this JVM. */
  public GcLiveHeap() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.isValid()) {
        pools.add(p);
      }
    }
  }

  /**
   * Runs {@code afterCollection} on the JVM's notification thread after every garbage collection;
   * it must be quick. Call once.
   */
  public synchronized void start(Runnable afterCollection) {
    if (listener != null) {
      throw new IllegalStateException("already started");
    }
    listener =
        (notification, handback) -> {
          if (GC_NOTIFICATION.equals(notification.getType())) {
            afterCollection.run();
          }
        };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter e) {
        e.addNotificationListener(listener, null, null);
        emitters.add(e);
      }
    }
  }

  @Override
  public long liveBytes() {
    long live = 0;
    for (MemoryPoolMXBean p : pools) {
      MemoryUsage now = p.getUsage();
      MemoryUsage collected = p.getCollectionUsage();
      long used = now == null ? 0 : now.getUsed();
      if (collected != null) {
        used = Math.min(used, collected.getUsed());
      }
      live += used;
    }
    return live;
  }

  @Override
  public long maxBytes() {
    return Runtime.getRuntime().maxMemory();
  }

  @Override
  public void collect() {
    System.gc();
  }

  /** Removes the listeners {@link #start} added. */
  @Override
  public synchronized void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException gone) {
        // nothing to remove
      }
    }
    emitters.clear();
  }
}
