// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.wal.WalOptions;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Helpers for database tests: the write path of a receiver, reduced to one series per call. */
final class TsdbFixtures {
  private TsdbFixtures() {}

  static TsdbOptions options(boolean compress, boolean fsync) {
    return new TsdbOptions(
        HeadOptions.defaults(InstantSource.fixed(java.time.Instant.EPOCH)),
        new WalOptions(4 * 32 * 1024, compress),
        fsync,
        3);
  }

  /**
   * Appends samples (t, bits pairs) of one series and logs them as a receiver does, through one
   * {@link Tsdb#appender()} transaction.
   *
   * @return the series' ref
   */
  static long write(Tsdb db, Labels labels, long... tAndBits) throws IOException {
    Head head = db.head();
    byte[] key = labels.toKey();
    long hash = head.hash(key, 0, key.length);
    try (HeadAppender app = db.appender()) {
      app.series(hash, key, 0, key.length);
      for (int i = 0; i < tAndBits.length; i += 2) {
        app.append(tAndBits[i], tAndBits[i + 1]);
      }
      app.commit();
    }
    return head.ref(hash, key, 0, key.length);
  }

  static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  /** Every series of the head as "ref labels" → "t:bits" samples, in order. */
  static Map<String, List<String>> dump(Head head) {
    Map<String, List<String>> out = new TreeMap<>();
    try (Querier q = head.querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        byte[] key = s.labels().toKey();
        long ref = head.ref(head.hash(key, 0, key.length), key, 0, key.length);
        List<String> samples = new java.util.ArrayList<>();
        SampleIterator it = s.samples();
        while (it.next()) {
          samples.add(it.timestamp() + ":" + Long.toHexString(it.valueBits()));
        }
        out.put(ref + " " + s.labels(), samples);
      }
    }
    return out;
  }
}
