// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.samples;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.testing.MutableClock;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A request's transaction fixes its bounds when it starts and publishes its max time at commit, as
 * Prometheus' {@code headAppender} ({@code appendableMinValidTime}, {@code headMaxt}, {@code
 * Commit}).
 */
class HeadAppenderTest {
  private static final long HOUR = 3_600_000L;
  private static final long STEP = 15_000L;

  private final MutableClock clock = new MutableClock(100 * HOUR);

  private Head head() {
    return new Head(HeadOptions.defaults(clock));
  }

  /** 40 series × 720 samples at 15 s, oldest first per series: an agent catching up on 3 hours. */
  @Test
  void aRequestSpanningThreeHoursIsTakenWholeOnAFreshHead() throws IOException {
    Head head = head();
    long start = 10 * HOUR;
    int ok = 0;
    HeadAppender app = head.appender();
    try {
      for (int s = 0; s < 40; s++) {
        MemSeries series = series(head, "__name__", "catch_up", "s", Integer.toString(s));
        for (int i = 0; i < 720; i++) {
          if (app.append(series, start + i * STEP, bits(i)) == AppendResult.OK) {
            ok++;
          }
        }
      }
    } finally {
      app.commit();
    }
    assertThat(ok).isEqualTo(40 * 720);
    assertThat(head.maxTime()).isEqualTo(start + 719 * STEP);
  }

  @Test
  void aRequestSpanningThreeHoursIsTakenWholeBehindAHeadThatHasData() throws IOException {
    Head head = head();
    long start = 10 * HOUR;
    MemSeries other = series(head, "__name__", "other");
    assertThat(head.append(other, start + 30 * 60_000L, bits(1))).isEqualTo(AppendResult.OK);
    HeadAppender app = head.appender();
    int ok = 0;
    try {
      for (int s = 0; s < 40; s++) {
        MemSeries series = series(head, "__name__", "catch_up", "s", Integer.toString(s));
        for (int i = 0; i < 720; i++) {
          if (app.append(series, start + i * STEP, bits(i)) == AppendResult.OK) {
            ok++;
          }
        }
      }
    } finally {
      app.commit();
    }
    // Bound fixed at start: 10h30m − 1h. Everything from 10h on is in.
    assertThat(app.minValidTime()).isEqualTo(start + 30 * 60_000L - HOUR);
    assertThat(ok).isEqualTo(40 * 720);
  }

  @Test
  void theHeadsMaxTimeMovesOnlyAtCommit() throws IOException {
    Head head = head();
    MemSeries s = series(head, "__name__", "a");
    assertThat(head.append(s, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    HeadAppender app = head.appender();
    assertThat(app.append(s, 13 * HOUR, bits(2))).isEqualTo(AppendResult.OK);
    assertThat(head.maxTime()).isEqualTo(10 * HOUR);
    app.commit();
    assertThat(head.maxTime()).isEqualTo(13 * HOUR);
  }

  @Test
  void concurrentTransactionsSeeOnlyCommittedMaxTimes() throws IOException {
    Head head = head();
    MemSeries a = series(head, "__name__", "a");
    MemSeries b = series(head, "__name__", "b");
    MemSeries c = series(head, "__name__", "c");
    assertThat(head.append(a, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);

    HeadAppender slow = head.appender(); // bound 9h
    HeadAppender fast = head.appender(); // bound 9h
    assertThat(fast.append(b, 14 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    fast.commit(); // head max 14h
    // The slow request started before the fast one committed: its bound stays at 9h.
    assertThat(slow.append(c, 9 * HOUR + 1, bits(1))).isEqualTo(AppendResult.OK);
    slow.commit();
    // A request started now sees 14h: older than 13h is out of bounds.
    HeadAppender late = head.appender();
    try {
      assertThat(late.append(c, 12 * HOUR, bits(2))).isEqualTo(AppendResult.OUT_OF_BOUNDS);
      assertThat(late.append(c, 13 * HOUR, bits(3))).isEqualTo(AppendResult.OK);
    } finally {
      late.commit();
    }
    assertThat(samples(head, c)).extracting(p -> p[0]).containsExactly(9 * HOUR + 1, 13 * HOUR);
  }

  @Test
  void aCutBlockStillBoundsATransaction() throws IOException {
    Head head = head();
    MemSeries s = series(head, "__name__", "a");
    assertThat(head.append(s, 3 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    head.setMinValidTime(2 * HOUR + 30 * 60_000L);
    HeadAppender app = head.appender();
    try {
      MemSeries t = series(head, "__name__", "b");
      assertThat(app.append(t, 2 * HOUR + 10 * 60_000L, bits(1)))
          .isEqualTo(AppendResult.OUT_OF_BOUNDS);
      assertThat(app.append(t, 2 * HOUR + 40 * 60_000L, bits(1))).isEqualTo(AppendResult.OK);
    } finally {
      app.commit();
    }
  }

  @Test
  void theOutOfOrderWindowIsMeasuredFromTheMaxTimeAtStart() throws IOException {
    Head head = new Head(HeadOptions.defaults(clock).withOutOfOrder(HOUR, 32));
    MemSeries a = series(head, "__name__", "a");
    MemSeries b = series(head, "__name__", "b");
    assertThat(head.append(b, 10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
    HeadAppender app = head.appender();
    try {
      assertThat(app.append(a, 12 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
      // Older than b's newest but within 1 h of the 10h the transaction started with.
      assertThat(app.append(b, 9 * HOUR + 1, bits(2))).isEqualTo(AppendResult.OK);
      assertThat(app.append(b, 9 * HOUR - 1, bits(3))).isEqualTo(AppendResult.TOO_OLD);
    } finally {
      app.commit();
    }
  }

  @Test
  void appendingAfterCommitFails() throws IOException {
    Head head = head();
    MemSeries s = series(head, "__name__", "a");
    HeadAppender app = head.appender();
    app.commit();
    app.commit(); // idempotent
    assertThatThrownBy(() -> app.append(s, 1, bits(1))).isInstanceOf(IllegalStateException.class);
  }
}
