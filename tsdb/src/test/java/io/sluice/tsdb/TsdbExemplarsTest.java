// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import static io.sluice.tsdb.TsdbFixtures.bits;
import static io.sluice.tsdb.TsdbFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.exemplar.Exemplar;
import io.sluice.tsdb.exemplar.ExemplarResult;
import io.sluice.tsdb.exemplar.SeriesExemplars;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RecordType;
import io.sluice.tsdb.record.RefExemplar;
import io.sluice.tsdb.wal.CheckpointStats;
import io.sluice.tsdb.wal.WalFormat;
import io.sluice.tsdb.wal.WalOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdbExemplarsTest {
  private static final long HOUR = 3_600_000;
  private static final Labels SERIES = Labels.of("__name__", "requests_total", "job", "x");
  private static final List<List<Matcher>> ALL = List.of(List.of(Matcher.re("__name__", ".+")));

  @TempDir Path tmp;

  private static HeadOptions head(long maxExemplars) {
    return HeadOptions.defaults(InstantSource.fixed(Instant.EPOCH)).withMaxExemplars(maxExemplars);
  }

  private static TsdbOptions options(long maxExemplars) {
    return new TsdbOptions(head(maxExemplars), new WalOptions(4 * 32 * 1024, false), false, 2);
  }

  private static Labels trace(String id) {
    return Labels.of("trace_id", id);
  }

  /** One transaction: a sample and an exemplar of {@code labels} at {@code t}. */
  private static ExemplarResult writeWithExemplar(
      HeadAppender app, Head head, Labels labels, long t, String traceId) throws IOException {
    byte[] key = labels.toKey();
    app.series(head.hash(key, 0, key.length), key, 0, key.length);
    app.append(t, bits(1));
    ExemplarResult r = app.appendExemplar(t, bits(0.5), trace(traceId));
    app.commit();
    return r;
  }

  private static List<String> stored(Head head) {
    List<String> out = new ArrayList<>();
    for (SeriesExemplars s : head.exemplars().select(Long.MIN_VALUE, Long.MAX_VALUE, ALL)) {
      for (Exemplar e : s.exemplars()) {
        out.add(
            s.seriesLabels().get("__name__")
                + " "
                + e.labels()
                + " "
                + e.value()
                + " @"
                + e.timestampMs());
      }
    }
    return out;
  }

  @Test
  void exemplarsAreLoggedAfterTheSamplesInTheSameWalWriteAndStoredAtCommit() throws IOException {
    Head head = new Head(head(10));
    List<List<byte[]>> writes = new ArrayList<>();
    HeadAppender.RecordLog log =
        (buf, bounds, count) -> {
          List<byte[]> records = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            records.add(Arrays.copyOfRange(buf, bounds[i], bounds[i + 1]));
          }
          writes.add(records);
        };
    try (HeadAppender app = head.appender(log)) {
      byte[] key = SERIES.toKey();
      app.series(head.hash(key, 0, key.length), key, 0, key.length);
      app.append(1000, bits(1));
      assertThat(app.appendExemplar(1000, bits(0.5), trace("abc"))).isEqualTo(ExemplarResult.OK);
      // Not stored before the commit.
      assertThat(stored(head)).isEmpty();
      app.commit();
    }
    assertThat(writes).hasSize(1);
    List<byte[]> records = writes.get(0);
    assertThat(records)
        .extracting(r -> RecordDecoder.type(r, 0, r.length))
        .containsExactly(RecordType.SERIES, RecordType.SAMPLES, RecordType.EXEMPLARS);
    byte[] ex = records.get(2);
    long ref =
        head.ref(
            head.hash(SERIES.toKey(), 0, SERIES.toKey().length),
            SERIES.toKey(),
            0,
            SERIES.toKey().length);
    assertThat(new RecordDecoder().exemplars(ex, 0, ex.length))
        .containsExactly(new RefExemplar(ref, 1000, bits(0.5), trace("abc")));
    assertThat(stored(head)).containsExactly("requests_total {trace_id=\"abc\"} 0.5 @1000");
  }

  @Test
  void aFailedWalWriteStoresNoExemplar() {
    Head head = new Head(head(10));
    HeadAppender app =
        head.appender(
            (buf, bounds, count) -> {
              throw new IOException("disk full");
            });
    try (app) {
      assertThatThrownBy(() -> writeWithExemplar(app, head, SERIES, 1000, "abc"))
          .isInstanceOf(IOException.class);
    }
    assertThat(stored(head)).isEmpty();
  }

  @Test
  void anExemplarIsCheckedAgainstWhatIsStoredWhenItIsAppended() throws IOException {
    Head head = new Head(head(10));
    try (HeadAppender app = head.appender()) {
      assertThat(writeWithExemplar(app, head, SERIES, 2000, "a")).isEqualTo(ExemplarResult.OK);
    }
    try (HeadAppender app = head.appender()) {
      byte[] key = SERIES.toKey();
      app.series(head.hash(key, 0, key.length), key, 0, key.length);
      assertThat(app.appendExemplar(2000, bits(0.5), trace("a")))
          .isEqualTo(ExemplarResult.DUPLICATE);
      assertThat(app.appendExemplar(1999, bits(0.5), trace("b")))
          .isEqualTo(ExemplarResult.OUT_OF_ORDER);
      assertThat(app.appendExemplar(3000, bits(0.5), Labels.of("trace_id", "x".repeat(121))))
          .isEqualTo(ExemplarResult.LABEL_LENGTH);
      // Two of one series in one transaction both pass; the commit stores the first only.
      assertThat(app.appendExemplar(3000, bits(1), trace("c"))).isEqualTo(ExemplarResult.OK);
      assertThat(app.appendExemplar(3000, bits(2), trace("d"))).isEqualTo(ExemplarResult.OK);
      app.commit();
    }
    assertThat(stored(head))
        .containsExactly(
            "requests_total {trace_id=\"a\"} 0.5 @2000",
            "requests_total {trace_id=\"c\"} 1.0 @3000");
  }

  @Test
  void existingSeriesSelectsOnlyASeriesTheHeadHas() throws IOException {
    Head head = new Head(head(10));
    byte[] key = SERIES.toKey();
    long hash = head.hash(key, 0, key.length);
    try (HeadAppender app = head.appender()) {
      assertThat(app.existingSeries(hash, key, 0, key.length)).isFalse();
      assertThatThrownBy(() -> app.appendExemplar(1, bits(1), trace("a")))
          .isInstanceOf(IllegalStateException.class);
      app.commit();
    }
    assertThat(head.numSeries()).isZero();
    try (HeadAppender app = head.appender()) {
      app.series(hash, key, 0, key.length);
      app.append(5, bits(1));
      app.commit();
    }
    try (HeadAppender app = head.appender()) {
      assertThat(app.existingSeries(hash, key, 0, key.length)).isTrue();
      assertThat(app.appendExemplar(5, bits(1), trace("a"))).isEqualTo(ExemplarResult.OK);
      app.commit();
    }
    assertThat(stored(head)).containsExactly("requests_total {trace_id=\"a\"} 1.0 @5");
  }

  @Test
  void withoutExemplarStorageNothingIsLoggedOrStored() throws IOException {
    Path dir = tmp.resolve("t");
    try (Tsdb db = Tsdb.open(dir, options(0))) {
      try (HeadAppender app = db.appender()) {
        assertThat(writeWithExemplar(app, db.head(), SERIES, 1000, "abc"))
            .isEqualTo(ExemplarResult.DISABLED);
      }
      assertThat(stored(db.head())).isEmpty();
    }
    assertThat(recordTypes(dir)).containsExactly(RecordType.SERIES, RecordType.SAMPLES);
  }

  @Test
  void exemplarsAreReplayedFromTheWal() throws IOException {
    Path dir = tmp.resolve("t");
    List<String> before;
    try (Tsdb db = Tsdb.open(dir, options(10))) {
      for (int i = 0; i < 3; i++) {
        try (HeadAppender app = db.appender()) {
          writeWithExemplar(app, db.head(), SERIES, 1000 * (i + 1), "t" + i);
        }
      }
      before = stored(db.head());
    }
    assertThat(before).hasSize(3);
    assertThat(recordTypes(dir)).containsSubsequence(RecordType.SAMPLES, RecordType.EXEMPLARS);
    try (Tsdb db = Tsdb.open(dir, options(10))) {
      assertThat(stored(db.head())).containsExactlyElementsOf(before);
    }
    // A smaller storage on restart keeps the newest; none keeps nothing.
    try (Tsdb db = Tsdb.open(dir, options(2))) {
      assertThat(stored(db.head())).containsExactlyElementsOf(before.subList(1, 3));
    }
    try (Tsdb db = Tsdb.open(dir, options(0))) {
      assertThat(stored(db.head())).isEmpty();
    }
  }

  @Test
  void theExemplarOfAWalWrittenByPrometheusIsReplayed() throws IOException {
    Path dir = tmp.resolve("tenant");
    Files.createDirectories(dir.resolve(Tsdb.WAL_DIR));
    try (InputStream in =
        getClass().getResourceAsStream("/golden/prometheus-2.42/wal-compressed/00000000")) {
      assertThat(in).isNotNull();
      Files.copy(in, dir.resolve(Tsdb.WAL_DIR).resolve(WalFormat.segmentName(0)));
    }
    try (Tsdb db = Tsdb.open(dir, options(10))) {
      // golden/prometheus-2.42/README.md, request 3.
      assertThat(stored(db.head()))
          .containsExactly(
              "sluice_golden_requests_total {trace_id=\"abc123\"} 0.5 @"
                  + (1_700_000_000_000L + 10_000));
    }
  }

  @Test
  void aCheckpointKeepsTheExemplarsAtOrAfterItsMinTime() throws IOException {
    Path dir = tmp.resolve("t");
    Labels live = Labels.of("__name__", "live");
    try (Tsdb db = Tsdb.open(dir, options(100))) {
      try (HeadAppender app = db.appender()) {
        writeWithExemplar(app, db.head(), live, 0, "old");
      }
      // Enough samples for several segments, before and after the cut at 2h.
      for (int round = 0; round < 180; round++) {
        long t = round * 60_000L + 1;
        for (int i = 0; i < 100; i++) {
          write(db, Labels.of("__name__", "filler", "i", "" + i), t, bits(round));
        }
        write(db, live, t, bits(round));
      }
      try (HeadAppender app = db.appender()) {
        writeWithExemplar(app, db.head(), live, 3 * HOUR, "new");
      }
      Optional<CheckpointStats> stats = db.truncateHead(2 * HOUR);
      assertThat(stats).isPresent();
      assertThat(stats.get().droppedExemplars()).isEqualTo(1);
    }
    try (Tsdb db = Tsdb.open(dir, options(100))) {
      assertThat(stored(db.head())).containsExactly("live {trace_id=\"new\"} 0.5 @" + 3 * HOUR);
    }
  }

  private static List<RecordType> recordTypes(Path dir) throws IOException {
    List<RecordType> out = new ArrayList<>();
    try (io.sluice.tsdb.wal.WalReader r = io.sluice.tsdb.wal.WalReader.open(dir.resolve("wal"))) {
      while (r.next()) {
        out.add(RecordDecoder.type(r.recordBuffer(), 0, r.recordLength()));
      }
    }
    return out;
  }
}
