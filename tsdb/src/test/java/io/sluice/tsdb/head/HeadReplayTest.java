// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.samples;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.testing.MutableClock;
import org.junit.jupiter.api.Test;

class HeadReplayTest {
  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  private MemSeries withRef(long ref, String... nameValues) {
    byte[] key = Labels.of(nameValues).toKey();
    return head.getOrCreateWithRef(ref, key, 0, key.length);
  }

  @Test
  void aReplayedSeriesKeepsItsRefAndTheNextNewSeriesGetsTheHighestRefPlusOne() {
    assertThat(withRef(7, "a", "1").ref()).isEqualTo(7);
    assertThat(withRef(3, "a", "2").ref()).isEqualTo(3);
    assertThat(head.lastRef()).isEqualTo(7);
    assertThat(series(head, "a", "3").ref()).isEqualTo(8);
    assertThat(head.getByRef(3).labels()).isEqualTo(Labels.of("a", "2"));
    assertThat(head.numSeries()).isEqualTo(3);
  }

  @Test
  void aRepeatedSeriesRecordReturnsTheExistingSeries() {
    MemSeries first = withRef(5, "a", "1");
    assertThat(withRef(5, "a", "1")).isSameAs(first);
    assertThat(withRef(9, "a", "1")).as("known labels under another ref").isSameAs(first);
    assertThat(head.numSeries()).isOne();
  }

  @Test
  void aRefAlreadyHeldByOtherLabelsIsRejected() {
    withRef(5, "a", "1");
    assertThatThrownBy(() -> withRef(5, "a", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5");
    assertThatThrownBy(() -> withRef(0, "a", "3")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void replayedAppendsSkipTheHeadWideBoundsCheckAndKeepOlderSamplesOutOfOrder() {
    MemSeries a = withRef(1, "a", "1");
    MemSeries b = withRef(2, "a", "2");
    long late = 10 * HeadOptions.DEFAULT_CHUNK_RANGE_MS;
    assertThat(head.append(a, late, bits(1))).isEqualTo(AppendResult.OK);
    assertThat(head.append(b, 0, bits(1))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
    assertThat(head.appendReplayed(b, 0, bits(2))).isEqualTo(AppendResult.OK);
    assertThat(head.appendReplayed(a, late - 1, bits(2))).isEqualTo(AppendResult.OK);
    assertThat(a.numOutOfOrderSamples()).isOne();
    assertThat(samples(head, b)).containsExactly(new long[] {0, bits(2)});
    assertThat(head.minTime()).isZero();
  }

  @Test
  void aBatchOfReplayedSamplesIsAppendedInOrderAndCounted() {
    Head single = new Head(HeadOptions.defaults(new MutableClock(0)));
    int n = 1000;
    MemSeries[] batch = new MemSeries[n];
    MemSeries[] one = new MemSeries[n];
    long[] ts = new long[n];
    long[] vs = new long[n];
    for (int i = 0; i < n; i++) {
      String name = "s" + (i % 300);
      batch[i] = i % 97 == 5 ? null : withRef(1 + i % 300, "n", name);
      byte[] key = Labels.of("n", name).toKey();
      one[i] = batch[i] == null ? null : single.getOrCreateWithRef(1 + i % 300, key, 0, key.length);
      // Mostly rising per series, some older (out of order) and some repeated with another value.
      ts[i] = 1000L * (i / 300) + (i % 7 == 0 ? -500 : 0);
      vs[i] = bits(i % 11 == 0 ? 1 : i);
    }
    long[] counts = {0, 0};
    head.appendReplayed(batch, ts, vs, n, counts);
    long ok = 0;
    long failed = 0;
    for (int i = 0; i < n; i++) {
      if (one[i] == null) {
        failed++;
      } else if (single.appendReplayed(one[i], ts[i], vs[i]) == AppendResult.OK) {
        ok++;
      } else {
        failed++;
      }
    }
    assertThat(counts).containsExactly(ok, failed);
    assertThat(failed).isGreaterThan(10);
    for (int r = 1; r <= 300; r++) {
      assertThat(samples(head, head.getByRef(r)))
          .as("series %d", r)
          .containsExactlyElementsOf(samples(single, single.getByRef(r)));
    }
    assertThat(head.minTime()).isEqualTo(single.minTime());
    assertThat(head.maxTime()).isEqualTo(single.maxTime());
  }

  @Test
  void aSeriesIsNotLoggedUntilMarked() {
    MemSeries s = series(head, "a", "1");
    assertThat(s.walLogged()).isFalse();
    s.markWalLogged();
    assertThat(s.walLogged()).isTrue();
  }
}
