// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RefSample;
import io.sluice.tsdb.record.RefSeries;
import io.sluice.tsdb.record.WalRecord;
import io.sluice.tsdb.testing.MutableClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a transaction hands to its log at commit: one write, series records for the series not
 * logged yet, then the OK samples; and the bookkeeping of which series are logged.
 */
class HeadAppenderLogTest {
  private static final long HOUR = 3_600_000L;

  private final Head head = new Head(HeadOptions.defaults(new MutableClock(100 * HOUR)));
  private final RecordingLog log = new RecordingLog();

  /** Records each write, decoded; fails the writes while {@code failing}. */
  private static final class RecordingLog implements HeadAppender.RecordLog {
    final List<List<WalRecord>> writes = new ArrayList<>();
    boolean failing;

    @Override
    public void log(byte[] buf, int[] bounds, int count) throws IOException {
      if (failing) {
        throw new IOException("disk full");
      }
      List<WalRecord> records = new ArrayList<>();
      RecordDecoder dec = new RecordDecoder();
      for (int i = 0; i < count; i++) {
        byte[] rec = Arrays.copyOfRange(buf, bounds[i], bounds[i + 1]);
        records.add(dec.decode(rec, 0, rec.length));
      }
      writes.add(records);
    }
  }

  private void series(HeadAppender app, String name) {
    byte[] key = key(name);
    app.series(head.hash(key, 0, key.length), key, 0, key.length);
  }

  @Test
  void aCommitLogsNewSeriesThenTheAcceptedSamplesInOneWrite() throws IOException {
    HeadAppender app = head.appender(log);
    try {
      series(app, "a");
      assertThat(app.append(10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
      assertThat(app.append(10 * HOUR, bits(2))).isEqualTo(AppendResult.DUPLICATE_SAMPLE);
      assertThat(app.append(10 * HOUR, bits(1))).isEqualTo(AppendResult.OK); // idempotent repeat
      series(app, "b");
      assertThat(app.append(10 * HOUR + 1, bits(3))).isEqualTo(AppendResult.OK);
      app.commit();
    } finally {
      app.close();
    }
    assertThat(log.writes).hasSize(1);
    assertThat(log.writes.get(0))
        .containsExactly(
            new WalRecord.Series(
                List.of(
                    new RefSeries(1, Labels.of("__name__", "a")),
                    new RefSeries(2, Labels.of("__name__", "b")))),
            new WalRecord.Samples(
                List.of(
                    new RefSample(1, 10 * HOUR, bits(1)),
                    new RefSample(1, 10 * HOUR, bits(1)),
                    new RefSample(2, 10 * HOUR + 1, bits(3)))));
  }

  @Test
  void aSeriesIsLoggedOnceItsCommitReturned() throws IOException {
    try (HeadAppender app = head.appender(log)) {
      series(app, "a");
      app.append(10 * HOUR, bits(1));
      app.commit();
    }
    try (HeadAppender app = head.appender(log)) {
      series(app, "a");
      app.append(10 * HOUR + 1, bits(2));
      app.commit();
    }
    assertThat(log.writes.get(1))
        .containsExactly(new WalRecord.Samples(List.of(new RefSample(1, 10 * HOUR + 1, bits(2)))));
  }

  @Test
  void aFailedWriteLeavesTheSeriesUnloggedSoTheRetryLogsItAgain() throws IOException {
    log.failing = true;
    HeadAppender failed = head.appender(log);
    try {
      series(failed, "a");
      failed.append(10 * HOUR, bits(1));
      assertThatThrownBy(failed::commit).isInstanceOf(IOException.class);
    } finally {
      failed.close();
    }
    log.failing = false;
    try (HeadAppender app = head.appender(log)) {
      series(app, "a");
      assertThat(app.append(10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
      app.commit();
    }
    assertThat(log.writes)
        .containsExactly(
            List.of(
                new WalRecord.Series(List.of(new RefSeries(1, Labels.of("__name__", "a")))),
                new WalRecord.Samples(List.of(new RefSample(1, 10 * HOUR, bits(1))))));
  }

  @Test
  void closingWithoutCommitLogsNothingButPublishesTheMaxTime() {
    try (HeadAppender app = head.appender(log)) {
      series(app, "a");
      app.append(10 * HOUR, bits(1));
    }
    assertThat(log.writes).isEmpty();
    assertThat(head.maxTime()).isEqualTo(10 * HOUR);
    byte[] key = key("a");
    assertThat(head.get(head.hash(key, 0, key.length), key, 0, key.length)).isNotNull();
  }

  @Test
  void aTransactionWithNothingToLogDoesNotWrite() throws IOException {
    try (HeadAppender app = head.appender(log)) {
      app.commit();
    }
    assertThat(log.writes).isEmpty();
  }

  @Test
  void aThreadGetsItsAppenderBackOnceItIsClosedAndAFreshOneWhileItIsOpen() throws IOException {
    HeadAppender first = head.appender(log);
    HeadAppender nested = head.appender();
    assertThat(nested).isNotSameAs(first);
    nested.close();
    first.close();
    HeadAppender again = head.appender(log);
    try {
      assertThat(again).isSameAs(first);
      series(again, "a");
      assertThat(again.append(10 * HOUR, bits(1))).isEqualTo(AppendResult.OK);
      again.commit();
    } finally {
      again.close();
    }
    assertThat(log.writes).hasSize(1);
  }

  @Test
  void appendingBeforeSelectingASeriesFails() {
    try (HeadAppender app = head.appender(log)) {
      assertThatThrownBy(() -> app.append(1, bits(1))).isInstanceOf(IllegalStateException.class);
    }
  }

  private static byte[] key(String name) {
    return Labels.of("__name__", name).toKey();
  }
}
