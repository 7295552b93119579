// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static io.sluice.tsdb.wal.WalFiles.flipByte;
import static io.sluice.tsdb.wal.WalFiles.fragments;
import static io.sluice.tsdb.wal.WalFiles.segment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RecordEncoder;
import io.sluice.tsdb.record.RecordFormat;
import io.sluice.tsdb.record.RefExemplar;
import io.sluice.tsdb.record.RefFloatHistogramSample;
import io.sluice.tsdb.record.RefHistogramSample;
import io.sluice.tsdb.record.RefMetadata;
import io.sluice.tsdb.record.RefSample;
import io.sluice.tsdb.record.RefSeries;
import io.sluice.tsdb.record.Tombstone;
import io.sluice.tsdb.record.WalRecord;
import io.sluice.tsdb.wal.WalFiles.Fragment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  private static final WalOptions PLAIN = new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, false);
  private static final Labels A = Labels.of("__name__", "a");
  private static final Labels B = Labels.of("__name__", "b");
  private static final Labels C = Labels.of("__name__", "c", "job", "x");
  private static final Labels D = Labels.of("__name__", "d");
  private static final Labels TRACE = Labels.of("trace_id", "t");
  private static final Histogram H =
      new Histogram(
          (byte) 0,
          0,
          0.001,
          1,
          3,
          2.5,
          List.of(new HistogramSpan(0, 1)),
          List.of(),
          new long[] {2},
          new long[0]);
  private static final FloatHistogram FH =
      new FloatHistogram(
          (byte) 3,
          1,
          0,
          0,
          1,
          1,
          List.of(new HistogramSpan(0, 1)),
          List.of(),
          new double[] {1},
          new double[0]);

  @TempDir Path dir;

  private Wal wal;

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  /** Segments 0 and 1 with every record kind, segment 2 with samples, segment 3 being written. */
  @BeforeEach
  void writeSegments() throws IOException {
    wal = Wal.open(dir, PLAIN);
    RecordEncoder enc = new RecordEncoder();
    enc.beginSeries();
    enc.series(1, A);
    enc.series(2, B);
    enc.series(3, C);
    enc.beginSamples();
    for (int ref = 1; ref <= 3; ref++) {
      enc.sample(ref, 100, bits(ref));
    }
    enc.beginTombstones();
    enc.tombstone(1, 0, 50);
    enc.tombstone(2, 0, 500);
    enc.beginExemplars();
    enc.exemplar(1, 100, bits(0.1), TRACE);
    enc.exemplar(2, 300, bits(0.2), TRACE);
    enc.beginMetadata();
    enc.metadata(1, RecordFormat.METRIC_TYPE_COUNTER, "s", "old");
    enc.metadata(3, RecordFormat.METRIC_TYPE_GAUGE, "", "c help");
    enc.metadata(2, RecordFormat.METRIC_TYPE_GAUGE, "", "b help");
    enc.beginMmapMarkers();
    enc.mmapMarker(1, 8);
    wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
    wal.log(new byte[] {42, 1, 2, 3}); // a record type of a later Prometheus
    wal.nextSegment();

    enc.reset();
    enc.beginSamples();
    enc.sample(1, 200, bits(1.2));
    enc.sample(2, 300, bits(2.3));
    enc.sample(3, 400, RecordFormat.STALE_NAN_BITS);
    enc.beginMetadata();
    enc.metadata(1, RecordFormat.METRIC_TYPE_COUNTER, "s", "new");
    enc.beginSeries();
    enc.series(4, D);
    enc.beginHistogramSamples();
    enc.histogramSample(4, 150, H);
    enc.histogramSample(4, 250, H);
    enc.beginFloatHistogramSamples();
    enc.floatHistogramSample(4, 260, FH);
    wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
    wal.nextSegment();

    enc.reset();
    enc.beginSamples();
    enc.sample(1, 500, bits(1.5));
    enc.sample(4, 500, bits(4.5));
    wal.log(enc.buffer(), enc.bounds(), enc.recordCount());
    wal.nextSegment();
    assertThat(wal.lastSegment()).isEqualTo(3);
  }

  @AfterEach
  void closeWal() throws IOException {
    wal.close();
  }

  private static List<WalRecord> replay(List<SegmentRange> ranges) throws IOException {
    RecordDecoder dec = new RecordDecoder();
    List<WalRecord> out = new ArrayList<>();
    try (WalReader r = WalReader.open(ranges)) {
      while (r.next()) {
        out.add(dec.decode(r.recordBuffer(), 0, r.recordLength()));
      }
    }
    return out;
  }

  private static final List<WalRecord> CHECKPOINT_1 =
      List.of(
          new WalRecord.Series(List.of(new RefSeries(1, A), new RefSeries(3, C))),
          new WalRecord.Tombstones(List.of(new Tombstone(2, 0, 500))),
          new WalRecord.Exemplars(List.of(new RefExemplar(2, 300, bits(0.2), TRACE))),
          new WalRecord.Samples(
              List.of(
                  new RefSample(2, 300, bits(2.3)),
                  new RefSample(3, 400, RecordFormat.STALE_NAN_BITS))),
          new WalRecord.Series(List.of(new RefSeries(4, D))),
          new WalRecord.HistogramSamples(List.of(new RefHistogramSample(4, 250, H))),
          new WalRecord.FloatHistogramSamples(List.of(new RefFloatHistogramSample(4, 260, FH))),
          new WalRecord.Metadata(
              List.of(
                  new RefMetadata(1, RecordFormat.METRIC_TYPE_COUNTER, "s", "new"),
                  new RefMetadata(3, RecordFormat.METRIC_TYPE_GAUGE, "", "c help"))));

  private static final WalRecord SEGMENT_2 =
      new WalRecord.Samples(
          List.of(new RefSample(1, 500, bits(1.5)), new RefSample(4, 500, bits(4.5))));

  @Test
  void keepsLiveSeriesAndRecentDataAndTheLatestMetadata() throws IOException {
    CheckpointStats stats = Checkpoint.create(dir, 0, 1, ref -> ref != 2, 250);

    Path cp = dir.resolve("checkpoint.00000001");
    assertThat(stats.checkpoint()).isEqualTo(new CheckpointRef(cp, 1));
    assertThat(stats)
        .isEqualTo(new CheckpointStats(stats.checkpoint(), 4, 1, 9, 5, 2, 1, 2, 1, 4, 2));
    assertThat(Files.isDirectory(cp)).isTrue();
    assertThat(Files.exists(dir.resolve("checkpoint.00000001.tmp"))).isFalse();
    assertThat(replay(List.of(SegmentRange.all(cp)))).containsExactlyElementsOf(CHECKPOINT_1);
  }

  @Test
  void replaysTheLastCheckpointThenTheSegmentsAfterIt() throws IOException {
    assertThat(Checkpoint.replayRanges(dir)).containsExactly(SegmentRange.all(dir));
    Checkpoint.create(dir, 0, 1, ref -> ref != 2, 250);
    wal.truncateBefore(2);
    Checkpoint.deleteCheckpointsBefore(dir, 1);

    Path cp = dir.resolve("checkpoint.00000001");
    assertThat(Checkpoint.lastCheckpoint(dir)).contains(new CheckpointRef(cp, 1));
    List<SegmentRange> ranges = Checkpoint.replayRanges(dir);
    assertThat(ranges).containsExactly(SegmentRange.all(cp), new SegmentRange(dir, 2, -1));
    List<WalRecord> expected = new ArrayList<>(CHECKPOINT_1);
    expected.add(SEGMENT_2);
    assertThat(replay(ranges)).containsExactlyElementsOf(expected);
  }

  @Test
  void foldsThePreviousCheckpointIntoTheNextAndDeletesTheOldOne() throws IOException {
    Checkpoint.create(dir, 0, 1, ref -> ref != 2, 250);
    wal.truncateBefore(2);
    // fromSegment below the last checkpoint is raised to its index + 1, as in Prometheus.
    CheckpointStats stats = Checkpoint.create(dir, 0, 2, ref -> true, 0);
    assertThat(stats.totalSeries()).isEqualTo(3);
    assertThat(stats.droppedSeries()).isZero();
    wal.truncateBefore(3);
    Checkpoint.deleteCheckpointsBefore(dir, 2);

    Path cp = dir.resolve("checkpoint.00000002");
    assertThat(Files.exists(dir.resolve("checkpoint.00000001"))).isFalse();
    assertThat(Checkpoint.replayRanges(dir))
        .containsExactly(SegmentRange.all(cp), new SegmentRange(dir, 3, -1));
    List<WalRecord> expected = new ArrayList<>(CHECKPOINT_1.subList(0, 7));
    expected.add(SEGMENT_2);
    expected.add(CHECKPOINT_1.get(7));
    assertThat(replay(Checkpoint.replayRanges(dir))).containsExactlyElementsOf(expected);
  }

  @Test
  void refusesAGapAfterTheLastCheckpoint() throws IOException {
    Checkpoint.create(dir, 0, 1, ref -> true, 0);
    assertThatThrownBy(() -> Checkpoint.create(dir, 3, 3, ref -> true, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start at 2, not 3");
    assertThatThrownBy(() -> Checkpoint.create(dir, 0, 0, ref -> true, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("older");
  }

  @Test
  void leavesNothingBehindWhenASegmentIsCorrupt() throws IOException {
    flipByte(segment(dir, 1), 20);
    assertThatThrownBy(() -> Checkpoint.create(dir, 0, 1, ref -> true, 0))
        .isInstanceOf(CorruptSegmentException.class)
        .satisfies(e -> assertThat(((CorruptSegmentException) e).segment()).isEqualTo(1));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("check")))
          .isEmpty();
    }
  }

  @Test
  void reportsARecordThatDoesNotDecodeWithItsPosition() throws IOException {
    wal.log(new byte[] {2, 0, 0, 0}); // a samples record cut short
    wal.nextSegment();
    CorruptSegmentException e =
        catchThrowableOfType(
            CorruptSegmentException.class, () -> Checkpoint.create(dir, 0, 3, ref -> true, 0));
    assertThat(e.segment()).isEqualTo(3);
    assertThat(e.offset()).isZero();
    assertThat(e.reason()).startsWith("samples record: truncated");
  }

  @Test
  void replacesALeftoverTemporaryDirectoryAndDeletesOldOnes() throws IOException {
    Path stale = dir.resolve("checkpoint.00000001.tmp");
    Files.createDirectories(stale);
    Files.writeString(stale.resolve("junk"), "x");
    Files.createDirectories(dir.resolve("checkpoint.00000000.tmp"));
    Checkpoint.create(dir, 0, 1, ref -> ref != 2, 250);
    assertThat(Files.exists(stale)).isFalse();
    assertThat(replay(List.of(SegmentRange.all(dir.resolve("checkpoint.00000001")))))
        .containsExactlyElementsOf(CHECKPOINT_1);
    Checkpoint.deleteCheckpointsBefore(dir, 1);
    assertThat(Files.exists(dir.resolve("checkpoint.00000000.tmp"))).isFalse();
    assertThat(Files.exists(dir.resolve("checkpoint.00000001"))).isTrue();
  }

  @Test
  void writesACompressedCheckpointThatReplaysTheSame() throws IOException {
    Checkpoint.create(dir, 0, 1, ref -> ref != 2, 250, true);
    Path cp = dir.resolve("checkpoint.00000001");
    assertThat(fragments(segment(cp, 0))).extracting(Fragment::type).contains(0x09);
    assertThat(replay(List.of(SegmentRange.all(cp)))).containsExactlyElementsOf(CHECKPOINT_1);
  }

  @Test
  void refusesACheckpointNameThatIsNotADirectory() throws IOException {
    Files.createFile(dir.resolve("checkpoint.00000009"));
    assertThatThrownBy(() -> Checkpoint.lastCheckpoint(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a directory");
  }
}
