// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import io.sluice.receiver.decode.WriteBatch;
import java.util.Arrays;
import java.util.Objects;

/**
 * One write as the {@link Writer}s see it: a tenant, the replica it came as, a decoded batch, and
 * the series of that batch to write (all of them, or the subset placed on one endpoint) with their
 * placement hashes, computed once by the router. A placement hash is Thanos' series hash, which is
 * also the hash the head finds the series by; 0 means not computed (the local writer then hashes
 * the series itself).
 *
 * <p>Mutable and reusable: a request context owns one and {@link #reset}s it per request, so
 * steady-state requests allocate nothing here. Not thread-safe; valid while the batch is.
 */
public final class WriteRequest {
  private String tenant = "";
  private long replica;
  private WriteBatch batch;
  private int[] series = new int[64];
  private long[] hashes = new long[64];
  private int[] skips = new int[64];
  private int count;

  /** An empty request; {@link #reset} it before use. */
  public WriteRequest() {}

  /**
   * Starts a request over {@code batch} with no series yet.
   *
   * @param replica 0 for a request not yet replicated; k ≥ 1 for replica index k − 1 (Thanos' wire
   *     numbering)
   * @return this
   */
  public WriteRequest reset(String tenant, long replica, WriteBatch batch) {
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.replica = replica;
    this.batch = Objects.requireNonNull(batch, "batch");
    this.count = 0;
    return this;
  }

  /** Starts a request naming every series of {@code batch}, with placement hashes 0. */
  public WriteRequest resetAll(String tenant, long replica, WriteBatch batch) {
    reset(tenant, replica, batch);
    for (int s = 0, n = batch.seriesCount(); s < n; s++) {
      add(s, 0);
    }
    return this;
  }

  /** Adds series {@code index} of the batch, with its placement hash. */
  public void add(int index, long hash) {
    add(index, hash, -1);
  }

  /**
   * Adds series {@code index} of the batch, with its placement hash and the index of a label that
   * is not part of the series (the {@code --receive.split-tenant-label-name} label), or -1.
   */
  public void add(int index, long hash, int skippedLabel) {
    if (count == series.length) {
      series = Arrays.copyOf(series, count * 2);
      hashes = Arrays.copyOf(hashes, count * 2);
      skips = Arrays.copyOf(skips, count * 2);
    }
    series[count] = index;
    hashes[count] = hash;
    skips[count] = skippedLabel;
    count++;
  }

  /** {@return the label of this request's {@code i}-th series to leave out, or -1} */
  public int skippedLabel(int i) {
    return skips[Objects.checkIndex(i, count)];
  }

  /** {@return the tenant} */
  public String tenant() {
    return tenant;
  }

  /** {@return the replica number, 0 when not replicated} */
  public long replica() {
    return replica;
  }

  /** {@return the decoded batch the series belong to} */
  public WriteBatch batch() {
    return batch;
  }

  /** {@return the number of series in this request} */
  public int seriesCount() {
    return count;
  }

  /** {@return the batch index of this request's {@code i}-th series} */
  public int series(int i) {
    return series[Objects.checkIndex(i, count)];
  }

  /** {@return the placement hash of this request's {@code i}-th series} */
  public long hash(int i) {
    return hashes[Objects.checkIndex(i, count)];
  }

  /** {@return the samples of this request's series} */
  public long sampleCount() {
    long n = 0;
    for (int i = 0; i < count; i++) {
      n += batch.sampleCount(series[i]);
    }
    return n;
  }
}
