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
 * that hash finds the series in the head, and a known series costs no allocation.
 *
 * <p>Thread-safe: scratch space and the record encoder are per thread.
 */
public final class LocalWriter implements Writer {
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
    RecordEncoder enc = sc.enc;
    enc.reset();
    WriteBatch batch = request.batch();
    for (int r = 0, n = request.seriesCount(); r < n; r++) {
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
      int need = SeriesKey.length(batch, s, prefix.length, skip);
      byte[] key = sc.key;
      if (key.length < need) {
        key = sc.key = new byte[Math.max(need, key.length * 2)];
      }
      int p = SeriesKey.write(batch, s, prefix, key, skip);
      long hash = XxHash64.hash(key, 0, p);
      MemSeries series = head.getOrCreate(hash, key, prefix.length, p - prefix.length);
      if (!series.walLogged()) {
        if (sc.freshCount == 0) {
          enc.beginSeries();
        }
        enc.series(series.ref(), key, prefix.length, p - prefix.length);
        sc.addFresh(series);
      }
      for (int i = 0; i < samples; i++) {
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
    byte[] key = new byte[1024];
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
