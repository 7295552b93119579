// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import java.util.Arrays;
import java.util.List;

/** Set operations on ascending, duplicate-free {@code long[]} ref lists. Stateless. */
public final class RefLists {
  private RefLists() {}

  /** The refs in both lists. */
  public static long[] intersect(long[] a, long[] b) {
    long[] out = new long[Math.min(a.length, b.length)];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        out[n++] = a[i];
        i++;
        j++;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** The refs of {@code a} that are not in {@code b}. */
  public static long[] subtract(long[] a, long[] b) {
    if (b.length == 0) {
      return a;
    }
    long[] out = new long[a.length];
    int j = 0;
    int n = 0;
    for (long x : a) {
      while (j < b.length && b[j] < x) {
        j++;
      }
      if (j >= b.length || b[j] != x) {
        out[n++] = x;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** The refs in any of the lists. */
  public static long[] union(List<long[]> lists) {
    if (lists.isEmpty()) {
      return new long[0];
    }
    if (lists.size() == 1) {
      return lists.get(0);
    }
    int total = 0;
    for (long[] l : lists) {
      total += l.length;
    }
    long[] out = new long[total];
    int n = 0;
    for (long[] l : lists) {
      System.arraycopy(l, 0, out, n, l.length);
      n += l.length;
    }
    Arrays.sort(out);
    int w = 0;
    for (int r = 0; r < out.length; r++) {
      if (w == 0 || out[w - 1] != out[r]) {
        out[w++] = out[r];
      }
    }
    return w == out.length ? out : Arrays.copyOf(out, w);
  }
}
