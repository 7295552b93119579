// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.List;

/** Helpers for head tests. */
final class HeadFixtures {
  private HeadFixtures() {}

  static MemSeries series(Head head, String... nameValues) {
    byte[] key = Labels.of(nameValues).toKey();
    return head.getOrCreate(head.hash(key, 0, key.length), key, 0, key.length);
  }

  static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  /** All (t, valueBits) samples of the series, decoded from its chunks. */
  static List<long[]> samples(Head head, MemSeries s) {
    List<long[]> out = new ArrayList<>();
    for (ChunkMeta c : s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, head.oooCapMax())) {
      XorIterator it = XorChunk.iterator(c.data(), 0, c.data().length);
      while (it.next()) {
        out.add(new long[] {it.timestamp(), it.valueBits()});
      }
    }
    return out;
  }

  static List<Series> select(Head head, long mint, long maxt, Matcher... matchers) {
    List<Series> out = new ArrayList<>();
    SeriesSet set = head.querier().select(mint, maxt, List.of(matchers));
    while (set.hasNext()) {
      out.add(set.next());
    }
    return out;
  }

  static List<long[]> samples(Series s) {
    List<long[]> out = new ArrayList<>();
    SampleIterator it = s.samples();
    while (it.next()) {
      out.add(new long[] {it.timestamp(), it.valueBits()});
    }
    return out;
  }
}
