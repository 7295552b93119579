// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import java.util.Arrays;

/**
 * WAL replay's appender for one shard of the series refs, those with {@code ref % stride == index}:
 * appends replayed samples by ref with {@link Head#appendReplayed(MemSeries[], long[], long[], int,
 * long[])}'s rules (no head-wide bounds; older than a series' newest goes to its out-of-order
 * buffer; older than {@link Head#minValidTime()} is skipped).
 *
 * <p>Replay's time is memory latency: each sample touches a series that is almost never in a CPU
 * cache. So the shard finds series in its own array indexed by ref (refs are dense, and those of
 * one shard are the multiples of the stride plus its index), filled from the head's locked ref map
 * on first use; a series found once stays, as no series is removed during replay.
 *
 * <p>Not thread-safe: one per replay worker. Obtain from {@link Head#replayAppender}.
 */
public final class ReplayAppender {
  // The shard's array is not grown beyond this many entries past its dense need.
  private static final int CACHE_SLACK = 1 << 20;

  private final Head head;
  private final int index;
  private final int stride;
  // series[(ref - index) / stride] for this shard's refs; grown on demand, filled on first use.
  private MemSeries[] series = new MemSeries[1024];
  private MemSeries[] resolved = new MemSeries[0];

  ReplayAppender(Head head, int index, int stride) {
    if (stride <= 0 || index < 0 || index >= stride) {
      throw new IllegalArgumentException("shard " + index + " of " + stride);
    }
    this.head = head;
    this.index = index;
    this.stride = stride;
  }

  /**
   * Appends the samples {@code [0, n)} of the arrays, in order, to the series of their refs (all of
   * this shard). Adds the number of OK samples to {@code counts[0]} and of failed ones (an unknown
   * ref, or any result but OK and out of bounds) to {@code counts[1]}. Allocation-free once the
   * shard's arrays have grown.
   */
  public void append(long[] refs, long[] ts, long[] vs, int n, long[] counts) {
    MemSeries[] s = resolved;
    if (s.length < n) {
      s = resolved = new MemSeries[n];
    }
    for (int i = 0; i < n; i++) {
      s[i] = lookup(refs[i]);
    }
    head.appendReplayed(s, ts, vs, n, counts);
  }

  /**
   * As {@link #append}, for a batch that also holds native histograms: entry {@code i} is the
   * histogram {@code hs[i]} ({@link io.sluice.tsdb.record.Histogram} or {@link
   * io.sluice.tsdb.record.FloatHistogram}) at {@code ts[i]}, or, where {@code hs[i]} is null, the
   * float sample {@code vs[i]}. Applied one by one, in order.
   */
  public void appendWithHistograms(
      long[] refs, long[] ts, long[] vs, Object[] hs, int n, long[] counts) {
    for (int i = 0; i < n; i++) {
      MemSeries s = lookup(refs[i]);
      if (s == null) {
        counts[1]++;
        continue;
      }
      AppendResult r =
          hs[i] == null
              ? head.appendReplayed(s, ts[i], vs[i])
              : head.appendReplayedHistogram(s, ts[i], hs[i]);
      if (r == AppendResult.OK) {
        counts[0]++;
      } else if (r != AppendResult.OUT_OF_BOUNDS) {
        counts[1]++;
      }
    }
  }

  // The series with this ref (one of this shard's), or null.
  private MemSeries lookup(long ref) {
    long slot = (ref - index) / stride;
    MemSeries[] a = series;
    if (slot >= 0 && slot < a.length) {
      MemSeries s = a[(int) slot];
      if (s != null) {
        return s;
      }
    }
    MemSeries s = head.getByRef(ref);
    if (s != null && slot >= 0) {
      if (slot >= a.length && slot < head.numSeries() / stride + CACHE_SLACK) {
        a = series = Arrays.copyOf(a, (int) Math.max(slot + 1, a.length + (a.length >> 1)));
      }
      if (slot < a.length) {
        a[(int) slot] = s;
      }
    }
    return s;
  }
}
