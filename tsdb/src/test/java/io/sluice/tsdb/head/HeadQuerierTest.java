// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.select;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.QuerierContract;
import io.sluice.tsdb.query.Series;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link QuerierContract} on a head, and what only a head querier does. */
class HeadQuerierTest extends QuerierContract {
  private Head head;

  @Override
  protected Querier open(List<FixtureSeries> series) {
    head = head(series, t -> true);
    return head.querier();
  }

  @Test
  void returnsTheOpenChunkAsACopyThatLaterAppendsDoNotChange() {
    MemSeries s = series(head, "instance", "a", "job", "node", "__name__", "up");
    Series before = select(head, 0, 10_000, Matcher.eq("instance", "a")).get(0);
    byte[] snapshot = before.chunks().get(0).data().clone();
    head.append(s, 2500, bits(7));
    assertThat(before.chunks().get(0).data()).isEqualTo(snapshot);
    assertThat(HeadFixtures.samples(before)).hasSize(3);
    assertThat(HeadFixtures.samples(select(head, 0, 10_000, Matcher.eq("instance", "a")).get(0)))
        .hasSize(4);
  }
}
