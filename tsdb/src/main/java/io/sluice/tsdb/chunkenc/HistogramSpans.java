// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.record.HistogramSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bucket layout arithmetic of Prometheus 2.42's histogram chunks ({@code histogram_meta.go}): how
 * the buckets of a new sample relate to the layout of a chunk, and how bucket lists are widened to
 * a larger layout. An insert list is a flat array of pairs (position in the old bucket list, number
 * of zero buckets to insert before it); a position equal to the old list's length appends.
 */
final class HistogramSpans {
  static final int[] NO_INSERTS = new int[0];

  private HistogramSpans() {}

  /** Walks the absolute bucket indexes of a span list (Prometheus' {@code bucketIterator}). */
  private static final class Buckets {
    private final List<HistogramSpan> spans;
    private int span;
    private long bucket = -1;
    private int idx = -1;
    int value;

    Buckets(List<HistogramSpan> spans) {
      this.spans = spans;
      if (!spans.isEmpty()) {
        idx += spans.get(0).offset();
      }
    }

    boolean next() {
      if (span >= spans.size()) {
        return false;
      }
      if (bucket < spans.get(span).length() - 1) {
        bucket++;
        idx++;
        value = idx;
        return true;
      }
      while (span < spans.size() - 1) {
        span++;
        idx += spans.get(span).offset() + 1;
        bucket = 0;
        if (spans.get(span).length() == 0) {
          idx--;
          continue;
        }
        value = idx;
        return true;
      }
      return false;
    }
  }

  /**
   * The inserts that widen layout {@code a} to layout {@code b}, or null if {@code b} lacks a
   * bucket of {@code a} (Prometheus' {@code expandSpansForward}).
   */
  static int[] expandForward(List<HistogramSpan> a, List<HistogramSpan> b) {
    Buckets ai = new Buckets(a);
    Buckets bi = new Buckets(b);
    IntList inserts = new IntList();
    int pos = 0;
    int num = 0;
    boolean aOk = ai.next();
    boolean bOk = bi.next();
    while (true) {
      if (aOk && bOk) {
        if (ai.value == bi.value) {
          if (num > 0) {
            inserts.add(pos, num);
          }
          num = 0;
          aOk = ai.next();
          bOk = bi.next();
          pos++;
        } else if (ai.value < bi.value) {
          return null;
        } else {
          num++;
          bOk = bi.next();
        }
      } else if (aOk) {
        return null;
      } else if (bOk) {
        num++;
        bOk = bi.next();
      } else {
        if (num > 0) {
          inserts.add(pos, num);
        }
        return inserts.toArray();
      }
    }
  }

  /** Result of {@link #expandBothWays}. */
  record Merge(int[] forward, int[] backward, List<HistogramSpan> spans) {}

  /**
   * The inserts that widen {@code a} and {@code b} to the union of their buckets, and that union
   * (Prometheus' {@code expandSpansBothWays}, used for gauge histograms).
   */
  static Merge expandBothWays(List<HistogramSpan> a, List<HistogramSpan> b) {
    Buckets ai = new Buckets(a);
    Buckets bi = new Buckets(b);
    IntList fwd = new IntList();
    IntList bwd = new IntList();
    SpanBuilder merged = new SpanBuilder();
    int fPos = 0;
    int fNum = 0;
    int bPos = 0;
    int bNum = 0;
    boolean aOk = ai.next();
    boolean bOk = bi.next();
    while (true) {
      if (aOk && bOk) {
        if (ai.value == bi.value) {
          if (fNum > 0) {
            fwd.add(fPos, fNum);
            fNum = 0;
          }
          if (bNum > 0) {
            bwd.add(bPos, bNum);
            bNum = 0;
          }
          merged.add(ai.value);
          aOk = ai.next();
          bOk = bi.next();
          fPos++;
          bPos++;
        } else if (ai.value < bi.value) {
          bNum++;
          if (fNum > 0) {
            fwd.add(fPos, fNum);
            fNum = 0;
          }
          merged.add(ai.value);
          fPos++;
          aOk = ai.next();
        } else {
          fNum++;
          if (bNum > 0) {
            bwd.add(bPos, bNum);
            bNum = 0;
          }
          merged.add(bi.value);
          bPos++;
          bOk = bi.next();
        }
      } else if (aOk) {
        bNum++;
        merged.add(ai.value);
        aOk = ai.next();
      } else if (bOk) {
        fNum++;
        merged.add(bi.value);
        bOk = bi.next();
      } else {
        if (fNum > 0) {
          fwd.add(fPos, fNum);
        }
        if (bNum > 0) {
          bwd.add(bPos, bNum);
        }
        return new Merge(fwd.toArray(), bwd.toArray(), merged.spans);
      }
    }
  }

  /**
   * Widens delta-encoded buckets (integer histograms): each inserted bucket is 0, and the delta of
   * the bucket after an insert is rebased (Prometheus' {@code insert} with deltas).
   */
  static long[] insertDeltas(long[] in, int[] inserts, int outLength) {
    long[] out = new long[outLength];
    int oi = 0;
    long v = 0;
    int ii = 0;
    for (int i = 0; i < in.length; i++) {
      long d = in[i];
      if (ii < inserts.length && i == inserts[ii]) {
        out[oi++] = -v;
        for (int x = 1; x < inserts[ii + 1]; x++) {
          out[oi++] = 0;
        }
        ii += 2;
        out[oi++] = d + v;
        v = d + v;
        continue;
      }
      out[oi++] = d;
      v += d;
    }
    if (ii < inserts.length) {
      out[oi++] = -v;
      for (int x = 1; x < inserts[ii + 1]; x++) {
        out[oi++] = 0;
      }
      ii += 2;
    }
    if (ii != inserts.length) {
      throw new IllegalStateException("unprocessed inserts left: " + Arrays.toString(inserts));
    }
    return out;
  }

  /** Widens absolute buckets (float histograms) with zero buckets. */
  static double[] insertAbsolute(double[] in, int[] inserts, int outLength) {
    double[] out = new double[outLength];
    int oi = 0;
    int ii = 0;
    for (int i = 0; i < in.length; i++) {
      if (ii < inserts.length && i == inserts[ii]) {
        oi += inserts[ii + 1];
        ii += 2;
      }
      out[oi++] = in[i];
    }
    if (ii < inserts.length) {
      oi += inserts[ii + 1];
      ii += 2;
    }
    if (ii != inserts.length) {
      throw new IllegalStateException("unprocessed inserts left: " + Arrays.toString(inserts));
    }
    return out;
  }

  /**
   * Whether any bucket present in both layouts has a smaller count in the new one; {@code newSpans}
   * must hold every bucket of {@code oldSpans}. Counts are read through {@code old} and {@code
   * neu}, which give the absolute count of the i-th bucket of each list.
   */
  static boolean counterResetInAnyBucket(
      List<HistogramSpan> oldSpans, Counts old, List<HistogramSpan> newSpans, Counts neu) {
    if (oldSpans.isEmpty() || old.size() == 0) {
      return false;
    }
    Buckets oi = new Buckets(oldSpans);
    Buckets ni = new Buckets(newSpans);
    int o = 0;
    int n = 0;
    oi.next();
    ni.next();
    boolean oOk = true;
    while (oOk) {
      if (oi.value == ni.value) {
        if (neu.less(n, old, o)) {
          return true;
        }
      }
      if (oi.value <= ni.value) {
        oOk = oi.next();
        o++;
        continue;
      }
      if (!ni.next()) {
        throw new IllegalStateException("new spans end before old spans in counter reset check");
      }
      n++;
    }
    return false;
  }

  /** Absolute bucket counts of one bucket list. */
  interface Counts {
    int size();

    /** Whether this list's bucket {@code i} is below bucket {@code j} of {@code other}. */
    boolean less(int i, Counts other, int j);
  }

  /** Integer buckets stored as deltas. */
  static final class DeltaCounts implements Counts {
    private final long[] abs;

    DeltaCounts(long[] deltas) {
      abs = new long[deltas.length];
      long v = 0;
      for (int i = 0; i < deltas.length; i++) {
        v += deltas[i];
        abs[i] = v;
      }
    }

    @Override
    public int size() {
      return abs.length;
    }

    @Override
    public boolean less(int i, Counts other, int j) {
      return abs[i] < ((DeltaCounts) other).abs[j];
    }
  }

  /** Float buckets stored as absolute counts. */
  static final class FloatCounts implements Counts {
    private final double[] abs;

    FloatCounts(double[] abs) {
      this.abs = abs;
    }

    @Override
    public int size() {
      return abs.length;
    }

    @Override
    public boolean less(int i, Counts other, int j) {
      return abs[i] < ((FloatCounts) other).abs[j];
    }
  }

  private static final class IntList {
    private int[] a = new int[8];
    private int n;

    void add(int pos, int num) {
      if (n + 2 > a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = pos;
      a[n++] = num;
    }

    int[] toArray() {
      return n == 0 ? NO_INSERTS : Arrays.copyOf(a, n);
    }
  }

  // Prometheus' addBucket closure of expandSpansBothWays.
  private static final class SpanBuilder {
    final List<HistogramSpan> spans = new ArrayList<>();
    private int lastBucket;
    private int lastOffset;
    private long lastLength;

    void add(int bucket) {
      int offset = bucket - lastBucket - 1;
      if (offset == 0 && !spans.isEmpty()) {
        lastLength++;
        spans.set(spans.size() - 1, new HistogramSpan(lastOffset, lastLength));
      } else {
        if (spans.isEmpty()) {
          offset++;
        }
        lastOffset = offset;
        lastLength = 1;
        spans.add(new HistogramSpan(offset, 1));
      }
      lastBucket = bucket;
    }
  }
}
