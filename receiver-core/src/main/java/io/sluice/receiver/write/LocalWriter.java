// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.validate.LabelValidator;
import io.sluice.receiver.validate.LabelValidator.LabelError;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.labels.XxHash64;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes a decoded request into the tenant's database, as Thanos' local writer does: series with
 * invalid labels are skipped, every other sample is appended to the head, and what could not be
 * written is counted in the {@link WriteOutcome}. Valid samples are kept even when others conflict.
 *
 * <p>Each request is one transaction of the tenant's database ({@link
 * io.sluice.tsdb.Tsdb#appender()}), which keeps the head's bounds fixed while the request is
 * appended and logs the request's accepted samples with <em>one</em> WAL write at its commit,
 * before {@link #write} returns: a request is acknowledged only once its data is in the WAL (and
 * fsynced, with {@code --tsdb.wal-fsync}). A failed WAL write makes the outcome {@link
 * WriteOutcome#failed} (503, retryable).
 *
 * <p>Each series is hashed once, in Thanos' layout ({@code tenant 0xFF name 0xFF value 0xFF …});
 * that hash finds the series in the head (a router's placement hash is that same hash, so a
 * request's non-zero {@link WriteRequest#hash} is taken as it is), and a known series costs no
 * allocation. Series are taken in groups: the group's keys and hashes are built first and its
 * lookups prefetched ({@link HeadAppender#prefetch}), then each series is looked up and appended
 * to.
 *
 * <p>Exemplars are appended as Thanos' writer appends them ({@link ExemplarAppends}): after the
 * series' samples, only if the series exists then (a series sent with exemplars and no samples is
 * looked up, not created) and its last sample was accepted; they reach the WAL in the same write.
 * With the tenant's exemplar storage disabled ({@code --tsdb.max-exemplars=0}) they are dropped
 * silently. A request without exemplars takes none of these steps.
 *
 * <p>Thread-safe: scratch space is per thread.
 */
public final class LocalWriter implements Writer {
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  // Series looked up together, so that their cache misses overlap (HeadAppender#prefetch).
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
    HeadAppender app = t.tsdb().appender();
    try {
      sc.exemplars = request.batch().totalExemplars() > 0 && t.head().exemplars().enabled();
      appendSeries(app, t.hashPrefix(), request, outcome, sc);
      app.commit();
    } catch (IOException | RuntimeException e) {
      failAll(request, outcome, e);
    } finally {
      app.close();
    }
  }

  private static void failAll(WriteRequest request, WriteOutcome outcome, Exception e) {
    outcome.failed(e);
    for (int i = 0, n = request.seriesCount(); i < n; i++) {
      outcome.seriesFailed(i, ErrorKind.GENERIC);
    }
  }

  private static void appendSeries(
      HeadAppender app, byte[] prefix, WriteRequest request, WriteOutcome outcome, Scratch sc) {
    for (int from = 0, n = request.seriesCount(); from < n; from += GROUP) {
      int valid = prepareGroup(prefix, request, outcome, sc, from, Math.min(n, from + GROUP));
      app.prefetch(sc.hashes, valid);
      appendGroup(app, prefix.length, request, outcome, sc, valid);
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
      int samples = batch.sampleCount(s);
      // A series of exemplars only is validated and looked up (Thanos' GetRef), never created.
      if (samples == 0 && batch.histogramCount(s) == 0 && batch.exemplarCount(s) == 0) {
        continue;
      }
      int skip = request.skippedLabel(r);
      LabelError err = LabelValidator.validate(batch, s, skip);
      if (err != LabelError.NONE) {
        outcome.invalidSeries(err, samples + batch.histogramCount(s));
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
      HeadAppender app,
      int prefixLength,
      WriteRequest request,
      WriteOutcome outcome,
      Scratch sc,
      int valid) {
    WriteBatch batch = request.batch();
    for (int j = 0; j < valid; j++) {
      int r = sc.rows[j];
      int s = request.series(r);
      int samples = batch.sampleCount(s);
      int keyAt = sc.keyAt[j] + prefixLength;
      int keyLength = sc.keyLength[j] - prefixLength;
      if (samples == 0 && batch.histogramCount(s) == 0) {
        if (sc.exemplars && app.existingSeries(sc.hashes[j], sc.keys, keyAt, keyLength)) {
          ExemplarAppends.append(app, request, r, outcome);
        }
        continue;
      }
      app.series(sc.hashes[j], sc.keys, keyAt, keyLength);
      AppendResult res = AppendResult.OK;
      for (int i = 0; i < samples; i++) {
        res = app.append(batch.sampleTimestamp(s, i), batch.sampleValueBits(s, i));
        outcome.sample(res);
        if (res != AppendResult.OK) {
          outcome.seriesFailed(r, ErrorKind.CONFLICT);
        }
      }
      boolean appended = res == AppendResult.OK;
      if (batch.histogramCount(s) > 0) {
        appended = HistogramAppends.append(app, batch, s, r, outcome);
      }
      // Thanos appends a series' exemplars to the ref its last sample or histogram append
      // returned: none after a rejected one.
      if (sc.exemplars && appended && batch.exemplarCount(s) > 0) {
        ExemplarAppends.append(app, request, r, outcome);
      }
    }
  }

  /** Per-thread buffers, reused across requests. */
  private static final class Scratch {
    // The current group's hash inputs (prefix and key), side by side.
    byte[] keys = new byte[GROUP * 256];
    final int[] rows = new int[GROUP];
    final int[] keyAt = new int[GROUP];
    final int[] keyLength = new int[GROUP];
    final long[] hashes = new long[GROUP];
    // Whether the request has exemplars and the tenant's storage keeps them.
    boolean exemplars;
  }
}
