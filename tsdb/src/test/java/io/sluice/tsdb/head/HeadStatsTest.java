// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.head.HeadStats.Stat;
import io.sluice.tsdb.testing.MutableClock;
import org.junit.jupiter.api.Test;

class HeadStatsTest {
  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  @Test
  void emptyHeadHasPrometheusSentinelTimesAndEmptyLists() {
    HeadStats s = HeadStats.of(head, 10);
    assertThat(s.numSeries()).isZero();
    assertThat(s.numLabelPairs()).isZero();
    assertThat(s.chunkCount()).isZero();
    assertThat(s.minTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(s.maxTime()).isEqualTo(Long.MIN_VALUE);
    assertThat(s.seriesCountByMetricName()).isEmpty();
    assertThat(s.seriesCountByLabelValuePair()).isEmpty();
  }

  @Test
  void countsSeriesValuesMemoryAndPairsLargestFirst() {
    head.append(series(head, "__name__", "up", "job", "a"), 1000, bits(1));
    head.append(series(head, "__name__", "up", "job", "b"), 2000, bits(1));
    head.append(series(head, "__name__", "up", "job", "cc"), 3000, bits(1));
    head.append(series(head, "__name__", "rpc", "job", "a"), 4000, bits(1));

    HeadStats s = HeadStats.of(head, 10);

    assertThat(s.numSeries()).isEqualTo(4);
    // __name__={up,rpc}, job={a,b,cc}
    assertThat(s.numLabelPairs()).isEqualTo(5);
    assertThat(s.chunkCount()).isEqualTo(4);
    assertThat(s.minTime()).isEqualTo(1000);
    assertThat(s.maxTime()).isEqualTo(4000);
    assertThat(s.seriesCountByMetricName()).containsExactly(new Stat("up", 3), new Stat("rpc", 1));
    assertThat(s.labelValueCountByLabelName())
        .containsExactly(new Stat("job", 3), new Stat("__name__", 2));
    // (len(name) + len(value) + 32) * series, summed over the values.
    long name = (8 + 2 + 32) * 3 + (8 + 3 + 32);
    long job = (3 + 1 + 32) * 2 + (3 + 1 + 32) + (3 + 2 + 32);
    assertThat(s.memoryInBytesByLabelName())
        .containsExactly(new Stat("__name__", name), new Stat("job", job));
    assertThat(s.seriesCountByLabelValuePair())
        .containsExactly(
            new Stat("__name__=up", 3),
            new Stat("job=a", 2),
            new Stat("__name__=rpc", 1),
            new Stat("job=b", 1),
            new Stat("job=cc", 1));
  }

  @Test
  void limitKeepsTheLargestAndBreaksTiesByName() {
    for (String job : new String[] {"d", "c", "b", "a"}) {
      head.append(series(head, "__name__", "m_" + job, "job", job), 1000, bits(1));
    }
    head.append(series(head, "__name__", "m_d", "job", "x"), 1000, bits(1));

    HeadStats s = HeadStats.of(head, 2);

    assertThat(s.seriesCountByMetricName()).containsExactly(new Stat("m_d", 2), new Stat("m_a", 1));
    assertThat(s.seriesCountByLabelValuePair())
        .containsExactly(new Stat("__name__=m_d", 2), new Stat("__name__=m_a", 1));
    assertThat(HeadStats.of(head, 0).seriesCountByLabelValuePair()).isEmpty();
    assertThatThrownBy(() -> HeadStats.of(head, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
