// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PostingsTest {
  @Test
  void listsAreAscendingWhateverTheOrderRefsArriveIn() {
    Postings p = new Postings();
    // Blocks of refs in shuffled block order, each block ascending: concurrent requests' series
    // records as they reach the WAL; plus a few stragglers far behind.
    List<long[]> blocks = new ArrayList<>();
    for (int b = 0; b < 40; b++) {
      blocks.add(LongStream.rangeClosed(b * 100L + 1, b * 100L + 100).toArray());
    }
    Collections.shuffle(blocks, new Random(5));
    int added = 0;
    for (long[] block : blocks) {
      for (long ref : block) {
        p.add(ref, Labels.of("all", "x", "parity", ref % 2 == 0 ? "even" : "odd"));
        if (++added % 1000 == 0) {
          // Reads in between sort what is marked; later adds mark again.
          assertThat(p.get("all", "x")).isSorted().hasSize(added);
        }
      }
    }
    long[] all = LongStream.rangeClosed(1, 4000).toArray();
    assertThat(p.all()).containsExactly(all);
    assertThat(p.get("all", "x")).containsExactly(all);
    assertThat(p.get("parity", "even"))
        .containsExactly(LongStream.rangeClosed(1, 2000).map(i -> 2 * i).toArray());
    assertThat(p.union("parity", v -> true)).containsExactly(all);
    assertThat(p.matching(Matcher.eq("parity", "odd"))).hasSize(2000).isSorted();
  }

  @Test
  void removalWorksOnListsStillMarkedUnsorted() {
    Postings p = new Postings();
    for (long ref = 100; ref >= 1; ref--) {
      p.add(ref, Labels.of("a", "b"));
    }
    p.removeAll(new long[] {1, 50, 100});
    assertThat(p.get("a", "b")).hasSize(97).isSorted().doesNotContain(1L, 50L, 100L);
    p.add(1, Labels.of("a", "b"));
    assertThat(p.all()).hasSize(98).isSorted().startsWith(1L, 2L);
  }
}
