// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.validate.LabelValidator;
import io.sluice.receiver.validate.LabelValidator.LabelError;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.MemSeries;
import io.sluice.tsdb.labels.XxHash64;
import io.sluice.tsdb.record.RecordEncoder;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes a decoded request into the tenant's database, as Thanos' local writer does: series with
 * invalid labels are skipped, every other sample is appended to the head, and what could not be
 * written is counted in the {@link WriteOutcome}. Valid samples are kept even when others conflict.
 *
 * <p>Durability: the request's accepted samples are logged with <em>one</em> WAL write per request
 * (a series record for the series not logged yet, straight from the key bytes, then one samples
 * record) before {@link #write} returns, so a request is acknowledged only once its data is in the
 * WAL (and fsynced, with {@code --tsdb.wal-fsync}). Every sample whose append result is {@link
 * AppendResult#OK} is logged, including a same-timestamp same-value repeat, so that a retry re-logs
 * what a failed WAL write missed. A failed WAL write makes the outcome {@link WriteOutcome#failed}
 * (503, retryable).
 *
 * <p>Each series is hashed once, in Thanos' layout ({@code tenant 0xFF name 0xFF value 0xFF …});
 * that hash finds the series in the head (a router's placement hash is that same hash, so a
 * request's non-zero {@link WriteRequest#hash} is taken as it is), and a known series costs no
 * allocation. Series are taken in groups: the group's keys and hashes are built first and its
 * lookups prefetched ({@link Head#prefetch}), then each series is looked up and appended to.
 *
 * <p>Thread-safe: scratch space and the record encoder are per thread.
 */
public final class LocalWriter implements Writer {
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  // Series looked up together, so that their cache misses overlap (Head#prefetch).
  private static final int GROUP = 64;

  private final MultiTsdb tsdbs;

  /** Creates a writer into {@code tsdbs}. */
  public LocalWriter(MultiTsdb tsdbs) {
    this.tsdbs = tsdbs;
  }

  /**
   * Writes every series of {@code batch} for {@code tenant}: {@code outcome} is {@link
   * WriteOutcome#reset(int) reset} for the batch's series, then {@link #write(WriteRequest,
   * WriteOutcome)}.
   */
  public void write(String tenant, WriteBatch batch, WriteOutcome outcome) {
    WriteRequest req = new WriteRequest().resetAll(tenant, 0, batch);
    outcome.reset(req.seriesCount());
    write(req, outcome);
  }

  /**
   * Writes the request's series into its tenant's database. Returns once the accepted samples are
   * in the tenant's WAL. A series with a rejected sample or invalid labels is marked {@link
   * ErrorKind#CONFLICT}; a storage failure (or an invalid tenant name) sets {@link
   * WriteOutcome#failed} and marks every series {@link ErrorKind#GENERIC}.
   */
  @Override
  public void write(WriteRequest request, WriteOutcome outcome) {
    MultiTsdb.Tenant t;
    try {
      t = tsdbs.getOrCreate(request.tenant());
    } catch (IOException e) { // also an InvalidTenantException
      failAll(request, outcome, e);
      return;
    }
    Scratch sc = SCRATCH.get();
    try {
      appendSeries(t, request, outcome, sc);
      logAppended(t, sc);
    } catch (IOException | RuntimeException e) {
      failAll(request, outcome, e);
    } finally {
      sc.clear();
    }
  }

  private static void failAll(WriteRequest request, WriteOutcome outcome, Exception e) {
    outcome.failed(e);
    for (int i = 0, n = request.seriesCount(); i < n; i++) {
      outcome.seriesFailed(i, ErrorKind.GENERIC);
    }
  }

  // One head transaction per request, as Prometheus' appender: its bounds are fixed when it starts
  // and its max time is published at commit. Lookups and appends run inside it, so head truncation
  // cannot remove a series between them; the WAL write (maybe an fsync) runs after it.
  private static void appendSeries(
      MultiTsdb.Tenant t, WriteRequest request, WriteOutcome outcome, Scratch sc) {
    Head head = t.head();
    HeadAppender app = head.appender();
    try {
      appendSeries(head, app, t.hashPrefix(), request, outcome, sc);
    } finally {
      app.commit();
    }
  }

  private static void appendSeries(
      Head head,
      HeadAppender app,
      byte[] prefix,
      WriteRequest request,
      WriteOutcome outcome,
      Scratch sc) {
    sc.enc.reset();
    for (int from = 0, n = request.seriesCount(); from < n; from += GROUP) {
      int valid = prepareGroup(prefix, request, outcome, sc, from, Math.min(n, from + GROUP));
      sc.sink += head.prefetch(sc.hashes, valid, sc.candidates);
      appendGroup(head, app, prefix.length, request, outcome, sc, valid);
    }
  }

  // Validates the group's series and builds their keys and hashes, side by side in the scratch;
  // returns how many are valid.
  private static int prepareGroup(
      byte[] prefix, WriteRequest request, WriteOutcome outcome, Scratch sc, int from, int to) {
    WriteBatch batch = request.batch();
    int valid = 0;
    int at = 0;
    for (int r = from; r < to; r++) {
      int s = request.series(r);
      if (batch.histogramCount(s) > 0) {
        outcome.histogramsRejected(batch.histogramCount(s));
        outcome.seriesFailed(r, ErrorKind.CONFLICT);
      }
      int samples = batch.sampleCount(s);
      if (samples == 0) {
        continue;
      }
      int skip = request.skippedLabel(r);
      LabelError err = LabelValidator.validate(batch, s, skip);
      if (err != LabelError.NONE) {
        outcome.invalidSeries(err, samples);
        outcome.seriesFailed(r, ErrorKind.CONFLICT);
        continue;
      }
      int need = at + SeriesKey.length(batch, s, prefix.length, skip);
      if (sc.keys.length < need) {
        sc.keys = Arrays.copyOf(sc.keys, Math.max(need, sc.keys.length * 2));
      }
      int len = SeriesKey.write(batch, s, prefix, sc.keys, at, skip);
      sc.rows[valid] = r;
      sc.keyAt[valid] = at;
      sc.keyLength[valid] = len;
      long placed = request.hash(r);
      sc.hashes[valid] = placed != 0 ? placed : XxHash64.hash(sc.keys, at, len);
      at += len;
      valid++;
    }
    return valid;
  }

  private static void appendGroup(
      Head head,
      HeadAppender app,
      int prefixLength,
      WriteRequest request,
      WriteOutcome outcome,
      Scratch sc,
      int valid) {
    RecordEncoder enc = sc.enc;
    WriteBatch batch = request.batch();
    for (int j = 0; j < valid; j++) {
      int r = sc.rows[j];
      int s = request.series(r);
      int keyAt = sc.keyAt[j] + prefixLength;
      int keyLength = sc.keyLength[j] - prefixLength;
      MemSeries series = head.getOrCreate(sc.hashes[j], sc.keys, keyAt, keyLength);
      if (!series.walLogged()) {
        if (sc.freshCount == 0) {
          enc.beginSeries();
        }
        enc.series(series.ref(), sc.keys, keyAt, keyLength);
        sc.addFresh(series);
      }
      for (int i = 0, samples = batch.sampleCount(s); i < samples; i++) {
        long ts = batch.sampleTimestamp(s, i);
        long bits = batch.sampleValueBits(s, i);
        AppendResult res = app.append(series, ts, bits);
        outcome.sample(res);
        if (res == AppendResult.OK) {
          sc.addSample(series.ref(), ts, bits);
        } else {
          outcome.seriesFailed(r, ErrorKind.CONFLICT);
        }
      }
    }
  }

  private static void logAppended(MultiTsdb.Tenant t, Scratch sc) throws IOException {
    RecordEncoder enc = sc.enc;
    if (sc.sampleCount > 0) {
      enc.beginSamples();
      for (int i = 0; i < sc.sampleCount; i++) {
        enc.sample(sc.refs[i], sc.ts[i], sc.vs[i]);
      }
    }
    if (enc.recordCount() == 0) {
      return;
    }
    t.tsdb().log(enc.buffer(), enc.bounds(), enc.recordCount());
    for (int i = 0; i < sc.freshCount; i++) {
      sc.fresh[i].markWalLogged();
    }
  }

  /** Per-thread buffers, reused across requests. */
  private static final class Scratch {
    final RecordEncoder enc = new RecordEncoder(64 * 1024);
    // The current group's hash inputs (prefix and key), side by side.
    byte[] keys = new byte[GROUP * 256];
    final int[] rows = new int[GROUP];
    final int[] keyAt = new int[GROUP];
    final int[] keyLength = new int[GROUP];
    final long[] hashes = new long[GROUP];
    final MemSeries[] candidates = new MemSeries[GROUP];
    int sink;
    long[] refs = new long[1024];
    long[] ts = new long[1024];
    long[] vs = new long[1024];
    int sampleCount;
    MemSeries[] fresh = new MemSeries[64];
    int freshCount;

    void addSample(long ref, long t, long v) {
      if (sampleCount == refs.length) {
        refs = Arrays.copyOf(refs, sampleCount * 2);
        ts = Arrays.copyOf(ts, sampleCount * 2);
        vs = Arrays.copyOf(vs, sampleCount * 2);
      }
      refs[sampleCount] = ref;
      ts[sampleCount] = t;
      vs[sampleCount] = v;
      sampleCount++;
    }

    void addFresh(MemSeries s) {
      if (freshCount == fresh.length) {
        fresh = Arrays.copyOf(fresh, freshCount * 2);
      }
      fresh[freshCount++] = s;
    }

    void clear() {
      sampleCount = 0;
      Arrays.fill(fresh, 0, freshCount, null);
      freshCount = 0;
    }
  }
}
