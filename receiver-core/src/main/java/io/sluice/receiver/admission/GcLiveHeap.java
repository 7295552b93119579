// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The live heap as the JVM's collectors leave it: the heap each collection leaves occupied, eden
 * left out — for G1, the old generation (humongous objects included) and the survivors right after
 * the last young, mixed, remark, cleanup or full collection; for the serial and parallel
 * collectors, tenured and survivors after the last collection; for ZGC and Shenandoah the heap
 * after the last cycle. Eden is left out because a collection that is not a young one (G1's remark)
 * finds it part full of objects that are mostly garbage.
 *
 * <p>An upper bound on what is live: objects promoted since the last collection of the old
 * generation count until that generation is collected. This is on purpose. The old generation's
 * figure after its own last collection (its "collection usage") is lower, but arrives late: under a
 * flood of new series on two cores, G1's concurrent marking took 8 s, during which the heap went
 * from 78% to 95% and into full collections; the figure after every young collection saw it within
 * a second. In a steady state Sluice promotes little garbage (request buffers are pooled, chunk
 * buffers reused), so the two figures stay within a few percent of each other (measured: 500k
 * series at 200k samples/s in a 512 MiB heap, both 0.70–0.73).
 *
 * <p>It is no per-series estimate but what the heap holds: series, chunks, postings, request
 * buffers, forward queues and everything else, so no constant per object can drift from reality
 * (labels of 100 B or of kilobytes cost what they cost).
 *
 * <p>{@link #start} registers a listener on every collector; after each collection it records the
 * pools' occupancy from the collection's own report and runs a callback. Thread-safe.
 */
public final class GcLiveHeap implements LiveHeap, AutoCloseable {
  private final Map<String, Long> afterCollection = new ConcurrentHashMap<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private NotificationListener listener;

  /** Starts from the heap's current occupancy, eden left out. */
  public GcLiveHeap() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (counts(p.getName(), p.getType()) && p.isValid()) {
        MemoryUsage u = p.getUsage();
        afterCollection.put(p.getName(), u == null ? 0 : u.getUsed());
      }
    }
  }

  // Heap pools whose occupancy after a collection is kept: all but the young allocation spaces.
  private static boolean counts(String pool, MemoryType type) {
    return type == MemoryType.HEAP && !pool.contains("Eden");
  }

  /**
   * Runs {@code afterCollection} on the JVM's notification thread after every garbage collection,
   * once the figure includes it; it must be quick. Call once.
   */
  public synchronized void start(Runnable afterCollection) {
    if (listener != null) {
      throw new IllegalStateException("already started");
    }
    listener =
        (notification, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
              notification.getType())) {
            record(
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                    .getGcInfo()
                    .getMemoryUsageAfterGc());
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

  /** Records the occupancy a collection left in the pools it reports (package-private: tests). */
  void record(Map<String, MemoryUsage> afterGc) {
    for (Map.Entry<String, MemoryUsage> e : afterGc.entrySet()) {
      if (afterCollection.containsKey(e.getKey())) {
        afterCollection.put(e.getKey(), e.getValue().getUsed());
      }
    }
  }

  @Override
  public long liveBytes() {
    long live = 0;
    for (long used : afterCollection.values()) {
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
