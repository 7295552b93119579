// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.receiver.validate.LabelValidator;
import io.sluice.receiver.validate.LabelValidator.LabelError;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.MemSeries;
import io.sluice.tsdb.labels.XxHash64;

/**
 * Writes a decoded request into the tenant's head, as Thanos' local writer does: series with
 * invalid labels are skipped, every other sample is appended, and what could not be written is
 * counted in the {@link WriteOutcome}. Valid samples are kept even when others conflict.
 *
 * <p>Each series is hashed once, in Thanos' layout ({@code tenant 0xFF name 0xFF value 0xFF …});
 * that hash finds the series in the head, and a known series costs no allocation.
 *
 * <p>Thread-safe: scratch space is per thread.
 */
public final class LocalWriter {
  private static final ThreadLocal<byte[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[][] {new byte[1024]});

  private final MultiTsdb tsdbs;

  /** Creates a writer into {@code tsdbs}. */
  public LocalWriter(MultiTsdb tsdbs) {
    this.tsdbs = tsdbs;
  }

  /**
   * Writes {@code batch} for {@code tenant}, adding to {@code outcome}.
   *
   * @throws InvalidTenantException when the tenant name is not valid
   */
  public void write(String tenant, WriteBatch batch, WriteOutcome outcome)
      throws InvalidTenantException {
    MultiTsdb.Tenant t = tsdbs.getOrCreate(tenant);
    try {
      writeSeries(t, batch, outcome);
    } catch (RuntimeException e) {
      outcome.failed(e);
    }
  }

  private static void writeSeries(MultiTsdb.Tenant t, WriteBatch batch, WriteOutcome outcome) {
    Head head = t.head();
    byte[] prefix = t.hashPrefix();
    byte[][] holder = SCRATCH.get();
    byte[] buf = batch.buffer();
    for (int s = 0, n = batch.seriesCount(); s < n; s++) {
      if (batch.histogramCount(s) > 0) {
        outcome.histogramsRejected(batch.histogramCount(s));
      }
      int samples = batch.sampleCount(s);
      if (samples == 0) {
        continue;
      }
      LabelError err = LabelValidator.validate(batch, s);
      if (err != LabelError.NONE) {
        outcome.invalidSeries(err, samples);
        continue;
      }
      int labels = batch.labelCount(s);
      int need = prefix.length;
      for (int i = 0; i < labels; i++) {
        need += batch.labelNameLength(s, i) + batch.labelValueLength(s, i) + 2;
      }
      byte[] key = holder[0];
      if (key.length < need) {
        key = holder[0] = new byte[Math.max(need, key.length * 2)];
      }
      System.arraycopy(prefix, 0, key, 0, prefix.length);
      int p = prefix.length;
      for (int i = 0; i < labels; i++) {
        int len = batch.labelNameLength(s, i);
        System.arraycopy(buf, batch.labelNameOffset(s, i), key, p, len);
        p += len;
        key[p++] = (byte) 0xFF;
        len = batch.labelValueLength(s, i);
        System.arraycopy(buf, batch.labelValueOffset(s, i), key, p, len);
        p += len;
        key[p++] = (byte) 0xFF;
      }
      long hash = XxHash64.hash(key, 0, p);
      MemSeries series = head.getOrCreate(hash, key, prefix.length, p - prefix.length);
      for (int i = 0; i < samples; i++) {
        outcome.sample(
            head.append(series, batch.sampleTimestamp(s, i), batch.sampleValueBits(s, i)));
      }
    }
  }
}
