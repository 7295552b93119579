// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link QuerierContract} on a merge of a block with the older samples (before 1600 ms) and a
 * head with the newer ones, and how parts are merged.
 */
class MergeQuerierTest extends QuerierContract {
  @TempDir Path tmp;

  @Override
  protected Querier open(List<FixtureSeries> series) throws IOException {
    Querier older = block(head(series, t -> t < 1600).querier(), tmp);
    return MergeQuerier.of(List.of(older, head(series, t -> t >= 1600).querier()));
  }

  private static Head head() {
    return new Head(HeadOptions.defaults(new MutableClock(0)));
  }

  private static void fill(Head h, long from, long to, String... nameValues) {
    byte[] key = Labels.of(nameValues).toKey();
    try (HeadAppender app = h.appender()) {
      app.series(h.hash(key, 0, key.length), key, 0, key.length);
      for (long t = from; t <= to; t += 1000) {
        assertThat(app.append(t, Double.doubleToRawLongBits(t))).isEqualTo(AppendResult.OK);
      }
    }
  }

  private static List<String> render(SeriesSet set) {
    List<String> out = new ArrayList<>();
    while (set.hasNext()) {
      Series s = set.next();
      StringBuilder b = new StringBuilder(s.labels().toString());
      SampleIterator it = s.samples();
      int n = 0;
      long first = -1;
      long last = -1;
      while (it.next()) {
        if (n++ == 0) {
          first = it.timestamp();
        }
        assertThat(it.timestamp()).isGreaterThan(last);
        last = it.timestamp();
      }
      out.add(b.append(' ').append(n).append(' ').append(first).append('-').append(last) + "");
    }
    return out;
  }

  @Test
  void seriesInSeveralPartsComeOutOnceWithChunksInTimeOrder() {
    Head older = head();
    Head newer = head();
    fill(older, 0, 9000, "__name__", "a");
    fill(newer, 10_000, 19_000, "__name__", "a");
    fill(older, 0, 1000, "__name__", "b", "x", "1");
    fill(newer, 0, 1000, "__name__", "c");
    fill(newer, 0, 1000, "__name__", "zé");
    fill(older, 0, 1000, "__name__", "z\uFFFF");

    try (Querier q = new MergeQuerier(List.of(newer.querier(), older.querier()))) {
      assertThat(render(q.select(0, 100_000, List.of())))
          .containsExactly(
              "{__name__=\"a\"} 20 0-19000",
              "{__name__=\"b\", x=\"1\"} 2 0-1000",
              "{__name__=\"c\"} 2 0-1000",
              "{__name__=\"zé\"} 2 0-1000",
              "{__name__=\"z\uFFFF\"} 2 0-1000");
      assertThat(render(q.select(5000, 12_000, List.of(Matcher.eq("__name__", "a")))))
          .containsExactly("{__name__=\"a\"} 8 5000-12000");
      assertThat(q.labelNames(0, 100_000, List.of())).containsExactly("__name__", "x");
      assertThat(q.labelValues("__name__", 0, 100_000, List.of()))
          .containsExactly("a", "b", "c", "zé", "z\uFFFF");
      assertThat(q.labelValues("__name__", 10_000, 100_000, List.of())).containsExactly("a");
    }
  }

  @Test
  void aSinglePartIsUsedAsItIs() {
    Querier only = head().querier();
    assertThat(MergeQuerier.of(List.of(only))).isSameAs(only);
  }
}
