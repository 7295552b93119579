// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver;

import io.sluice.tsdb.block.BlockMeta;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every tenant's head compaction and local retention, as Thanos receive's per-tenant loop
 * ({@code thanos-receive.md} §6.3–6.4): cut due blocks ({@link io.sluice.tsdb.Tsdb#compactHead}),
 * then delete blocks beyond the retention that {@code deletable} accepts (with a bucket: those
 * already uploaded). One tenant's failure is logged and does not stop the others; nothing is lost
 * by a failed cut, the next run retries it.
 *
 * <p>Thread-safe; runs are serialized per tenant by the databases themselves.
 */
public final class HeadCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(HeadCompactor.class);

  /** Told about every block cut, with its tenant. */
  public interface Listener {
    /** A block was written from {@code tenant}'s head. */
    void blockCut(String tenant, BlockMeta meta);

    /** A compaction, flush or retention run of {@code tenant} failed. */
    void failed(String tenant, Exception e);
  }

  private final MultiTsdb tsdbs;
  private final Predicate<BlockMeta> deletable;
  private final Listener listener;

  /** Compacts the tenants of {@code tsdbs}. */
  public HeadCompactor(MultiTsdb tsdbs, Predicate<BlockMeta> deletable, Listener listener) {
    this.tsdbs = Objects.requireNonNull(tsdbs, "tsdbs");
    this.deletable = Objects.requireNonNull(deletable, "deletable");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** One pass over every tenant: cut due blocks, then apply retention. Never throws. */
  public void run() {
    for (MultiTsdb.Tenant t : tsdbs.tenants()) {
      try {
        report(t.id(), t.tsdb().compactHead());
        t.tsdb().applyRetention(deletable);
      } catch (IOException | RuntimeException e) {
        LOG.atError()
            .addKeyValue("tenant", t.id())
            .addKeyValue("err", e.toString())
            .log("Head compaction failed; it is retried at the next run");
        listener.failed(t.id(), e);
      }
    }
  }

  /**
   * Writes every tenant's whole head to blocks ({@link io.sluice.tsdb.Tsdb#flush}), as at shutdown.
   * Never throws; a tenant that fails keeps its data in the WAL.
   */
  public void flush() {
    for (MultiTsdb.Tenant t : tsdbs.tenants()) {
      try {
        report(t.id(), t.tsdb().flush());
      } catch (IOException | RuntimeException e) {
        LOG.atError()
            .addKeyValue("tenant", t.id())
            .addKeyValue("err", e.toString())
            .log("Flushing the head failed; its samples stay in the WAL");
        listener.failed(t.id(), e);
      }
    }
  }

  private void report(String tenant, List<BlockMeta> cut) {
    for (BlockMeta m : cut) {
      listener.blockCut(tenant, m);
    }
  }
}
