// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import com.google.protobuf.UnsafeByteOperations;
import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesResponse;
import io.sluice.receiver.proto.thanos.StoreTypes.AggrChunk;
import io.sluice.receiver.proto.thanos.StoreTypes.Chunk;
import io.sluice.receiver.proto.thanos.StoreTypes.Series;
import io.sluice.receiver.proto.thanos.StoreTypes.SeriesBatch;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.XxHash64;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SeriesSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The responses of one {@code thanos.Store/Series} call, produced one at a time as the caller pulls
 * them, so a transport can send only as fast as the client reads.
 *
 * <p>Each tenant's matching series are selected, given their output labels (see {@link
 * OutputLabels}), filtered by shard, and sorted by output label set; that sort buffer (label sets
 * and references to the stored chunks) is what a call holds in memory. The tenants are merged by
 * label set in unsigned UTF-8 byte order (tenants never share a series: their external labels
 * differ). Protobuf frames are built only when pulled: a series' chunks are split over consecutive
 * frames of about 1 MiB, and with {@code response_batch_size > 1} frames are packed into {@link
 * SeriesBatch} responses. Per-tenant warnings come first.
 *
 * <p>Single-threaded: one thread pulls at a time. The caller {@link #close}s it. {@link #next}
 * throws {@link CancellationException} once the cancellation signal given at creation is set; the
 * signal is polled throughout, also while the tenants' queriers match label values, so a cancelled
 * call stops its work within a few dozen values or series.
 */
public final class SeriesStream implements AutoCloseable {
  /** Thanos' {@code RemoteReadFrameLimit}: the target size of one series frame in bytes. */
  public static final int FRAME_BYTES = 1_048_576;

  private static final Comparator<Cursor> ORDER =
      Comparator.<Cursor, Labels>comparing(c -> c.current().labels())
          .thenComparingInt(c -> c.tenantIndex);

  private final List<TenantStore> tenants;
  private final long mint;
  private final long maxt;
  private final List<Matcher> matchers;
  private final boolean abortOnTenantError;
  private final boolean skipChunks;
  private final Set<String> without;
  private final long limit;
  private final int batchSize;
  private final ShardMatcher shard;
  private final BooleanSupplier cancelled;
  private final int frameBytes;

  private final List<Querier> queriers = new ArrayList<>();
  private final ArrayDeque<String> warnings = new ArrayDeque<>();
  private final PriorityQueue<Cursor> merge = new PriorityQueue<>(ORDER);
  private boolean started;
  private long seriesSent;

  // The series being framed: its labels, chunks, and the next chunk to send.
  private List<Label> curLabels;
  private int curLabelBytes;
  private List<ChunkMeta> curChunks;
  private int curChunk;

  // The series is kept, not its chunks: a block series reads its chunk bytes when it is sent.
  private record Entry(Labels labels, io.sluice.tsdb.query.Series series) {}

  private static final class Cursor {
    final int tenantIndex;
    final List<Entry> entries;
    int pos;

    Cursor(int tenantIndex, List<Entry> entries) {
      this.tenantIndex = tenantIndex;
      this.entries = entries;
    }

    Entry current() {
      return entries.get(pos);
    }
  }

  SeriesStream(
      List<TenantStore> tenants,
      long mint,
      long maxt,
      List<Matcher> matchers,
      boolean abortOnTenantError,
      boolean skipChunks,
      Set<String> without,
      long limit,
      int batchSize,
      ShardMatcher shard,
      BooleanSupplier cancelled,
      int frameBytes) {
    this.tenants = tenants;
    this.mint = mint;
    this.maxt = maxt;
    this.matchers = matchers;
    this.abortOnTenantError = abortOnTenantError;
    this.skipChunks = skipChunks;
    this.without = without;
    this.limit = limit;
    this.batchSize = batchSize;
    this.shard = shard;
    this.cancelled = cancelled;
    this.frameBytes = frameBytes;
  }

  /**
   * The next response, or null when the stream is complete.
   *
   * @throws InvalidStoreRequestException when a tenant cannot answer (no matcher left besides its
   *     external labels) and the request's partial-response strategy is ABORT
   * @throws CancellationException when the call was cancelled
   */
  public SeriesResponse next() throws InvalidStoreRequestException {
    if (!started) {
      started = true;
      start();
    }
    if (!warnings.isEmpty()) {
      return SeriesResponse.newBuilder().setWarning(warnings.poll()).build();
    }
    if (batchSize <= 1) {
      Series f = nextFrame();
      return f == null ? null : SeriesResponse.newBuilder().setSeries(f).build();
    }
    SeriesBatch.Builder batch = SeriesBatch.newBuilder();
    while (batch.getSeriesCount() < batchSize) {
      Series f = nextFrame();
      if (f == null) {
        break;
      }
      batch.addSeries(f);
    }
    return batch.getSeriesCount() == 0 ? null : SeriesResponse.newBuilder().setBatch(batch).build();
  }

  private void checkCancelled() {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("Series call cancelled");
    }
  }

  private void start() throws InvalidStoreRequestException {
    for (int t = 0; t < tenants.size(); t++) {
      TenantStore tenant = tenants.get(t);
      List<Matcher> rest = StoreMatchers.withoutExternal(matchers, tenant.externalLabels());
      if (rest == null) {
        continue;
      }
      if (rest.isEmpty()) {
        String msg = "no matchers specified (excluding external labels)";
        if (abortOnTenantError) {
          throw new InvalidStoreRequestException("tenant " + tenant.tenant() + ": " + msg);
        }
        warnings.add("receive series from tenant " + tenant.tenant() + ": " + msg);
        continue;
      }
      // The querier polls the signal too, while it matches label values and collects series.
      Querier q = tenant.tsdb().querier(cancelled);
      queriers.add(q);
      Labels ext = OutputLabels.external(tenant.externalLabels(), without);
      List<Entry> entries = new ArrayList<>();
      SeriesSet set = q.select(mint, maxt, rest);
      long selected = 0;
      while (set.hasNext() && (limit <= 0 || selected < limit)) {
        if ((selected & 1023) == 0) {
          checkCancelled();
        }
        io.sluice.tsdb.query.Series s = set.next();
        selected++;
        Labels out = OutputLabels.of(s.labels(), ext, without);
        if (!shard.matches(out)) {
          continue;
        }
        // The querier returns only series with a sample in the range: they have chunks.
        entries.add(new Entry(out, s));
      }
      entries.sort(Comparator.comparing(Entry::labels));
      if (!entries.isEmpty()) {
        merge.add(new Cursor(t, entries));
      }
    }
  }

  private Series nextFrame() {
    checkCancelled();
    if (curLabels == null) {
      if (merge.isEmpty() || (limit > 0 && seriesSent >= limit)) {
        return null;
      }
      Cursor c = merge.poll();
      Entry e = c.current();
      c.entries.set(c.pos, null); // sent: let it go
      c.pos++;
      if (c.pos < c.entries.size()) {
        merge.add(c);
      }
      seriesSent++;
      curLabels = OutputLabels.toProto(e.labels());
      curLabelBytes = 0;
      for (Label l : curLabels) {
        curLabelBytes += l.getSerializedSize();
      }
      curChunks = skipChunks ? List.of() : e.series().chunks();
      curChunk = 0;
    }
    Series.Builder frame = Series.newBuilder().addAllLabels(curLabels);
    if (!skipChunks) {
      long left = (long) frameBytes - curLabelBytes;
      while (curChunk < curChunks.size()) {
        AggrChunk c = toProto(curChunks.get(curChunk++));
        frame.addChunks(c);
        left -= c.getSerializedSize();
        if (left <= 0) {
          break;
        }
      }
    }
    if (skipChunks || curChunk >= curChunks.size()) {
      curLabels = null;
      curChunks = null;
    }
    return frame.build();
  }

  private static AggrChunk toProto(ChunkMeta c) {
    Chunk.Encoding enc =
        switch (c.encoding()) {
          case 1 -> Chunk.Encoding.XOR;
          case 2 -> Chunk.Encoding.HISTOGRAM;
          case 3 -> Chunk.Encoding.FLOAT_HISTOGRAM;
          default -> throw new IllegalStateException("chunk with unknown encoding " + c.encoding());
        };
    byte[] data = c.data();
    return AggrChunk.newBuilder()
        .setMinTime(c.minTime())
        .setMaxTime(c.maxTime())
        .setRaw(
            Chunk.newBuilder()
                .setType(enc)
                .setData(UnsafeByteOperations.unsafeWrap(data)) // immutable, see ChunkMeta
                .setHash(XxHash64.hash(data, 0, data.length)))
        .build();
  }

  /** Releases the tenants' queriers; idempotent, never throws. */
  @Override
  public void close() {
    for (Querier q : queriers) {
      q.close();
    }
    queriers.clear();
    merge.clear();
    curLabels = null;
    curChunks = null;
  }
}
