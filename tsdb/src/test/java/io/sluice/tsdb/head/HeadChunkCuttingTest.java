// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.testing.Golden;
import io.sluice.tsdb.testing.MutableClock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeadChunkCuttingTest {
  private static final long RANGE = 7_200_000L;
  // A multiple of 2 h: 1699999200000 = 236111 * 7200000.
  private static final long WINDOW = 1_699_999_200_000L;

  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  private static int count(ChunkMeta c) {
    return XorChunk.iterator(c.data(), 0, c.data().length).numSamples();
  }

  private static List<Integer> counts(List<ChunkMeta> chunks) {
    List<Integer> out = new ArrayList<>();
    for (ChunkMeta c : chunks) {
      out.add(count(c));
    }
    return out;
  }

  @Test
  void cutsAMidWindow15sSeriesExactlyAsPromtool() {
    MemSeries s = series(head, "__name__", "golden_regular");
    for (int i = 0; i < 1200; i++) {
      assertThat(head.append(s, 1_700_002_805_000L + 15_000L * i, bits(i)))
          .isEqualTo(AppendResult.OK);
    }
    List<ChunkMeta> chunks =
        s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, HeadOptions.DEFAULT_OOO_CAP_MAX);
    List<String[]> golden = Golden.rows("promtool-2.42.0/regular-chunks.txt");
    assertThat(chunks).hasSameSizeAs(golden);
    for (int i = 0; i < chunks.size(); i++) {
      byte[] data = chunks.get(i).data();
      assertThat(HexFormat.of().formatHex(data)).as("chunk %d", i).isEqualTo(golden.get(i)[2]);
      assertThat(Golden.chunkCrc(XorChunkFormat.ENCODING, data))
          .isEqualTo(Integer.parseUnsignedInt(golden.get(i)[3], 16));
    }
  }

  @Test
  void reproducesThe143_142_15SplitOfA15sSeriesStartingLateInTheWindow() {
    MemSeries s = series(head, "__name__", "late");
    long start = WINDOW + 2_925_000L;
    for (int i = 0; i < 300; i++) {
      head.append(s, start + 15_000L * i, bits(i));
    }
    assertThat(counts(s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, HeadOptions.DEFAULT_OOO_CAP_MAX)))
        .containsExactly(143, 142, 15);
  }

  @Test
  void neverLetsAChunkCrossAChunkRangeBoundary() {
    MemSeries s = series(head, "__name__", "regular");
    long start = WINDOW + 1_234_567L;
    int n = 6 * 240 * 3;
    for (int i = 0; i < n; i++) {
      head.append(s, start + 15_000L * i, bits(i));
    }
    List<ChunkMeta> chunks =
        s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, HeadOptions.DEFAULT_OOO_CAP_MAX);
    int total = 0;
    long prevMax = Long.MIN_VALUE;
    for (ChunkMeta c : chunks) {
      assertThat(Math.floorDiv(c.minTime(), RANGE)).isEqualTo(Math.floorDiv(c.maxTime(), RANGE));
      assertThat(c.minTime()).isGreaterThan(prevMax);
      assertFirstAndLastSampleMatchMeta(c);
      prevMax = c.maxTime();
      total += count(c);
    }
    assertThat(total).isEqualTo(n);
    // A full 2 h window of 15 s samples is cut into four chunks of 120.
    List<ChunkMeta> secondWindow = new ArrayList<>();
    for (ChunkMeta c : chunks) {
      if (Math.floorDiv(c.minTime(), RANGE) == WINDOW / RANGE + 1) {
        secondWindow.add(c);
      }
    }
    assertThat(counts(secondWindow)).containsExactly(120, 120, 120, 120);
  }

  private static void assertFirstAndLastSampleMatchMeta(ChunkMeta c) {
    XorIterator it = XorChunk.iterator(c.data(), 0, c.data().length);
    assertThat(it.next()).isTrue();
    assertThat(it.timestamp()).isEqualTo(c.minTime());
    long last = it.timestamp();
    while (it.next()) {
      last = it.timestamp();
    }
    assertThat(last).isEqualTo(c.maxTime());
  }

  @Test
  void cutsAtTwiceTheTargetWhenTheRateRisesAfterTheEstimate() {
    MemSeries s = series(head, "__name__", "burst");
    long t = WINDOW;
    for (int i = 0; i < 30; i++) {
      head.append(s, t, bits(i));
      t += 60_000;
    }
    for (int i = 0; i < 500; i++) {
      head.append(s, t, bits(i));
      t += 1_000;
    }
    assertThat(
            counts(s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, HeadOptions.DEFAULT_OOO_CAP_MAX))
                .get(0))
        .isEqualTo(240);
  }

  @Test
  void honoursAConfiguredSamplesPerChunk() {
    Head small = new Head(new HeadOptions(RANGE, 8, 0, new MutableClock(0), new byte[0]));
    MemSeries s = series(small, "__name__", "small");
    for (int i = 0; i < 100; i++) {
      small.append(s, WINDOW + 1_000L * i, bits(i));
    }
    List<Integer> counts =
        counts(s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, HeadOptions.DEFAULT_OOO_CAP_MAX));
    assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    assertThat(counts).allSatisfy(c -> assertThat(c).isBetween(1, 16));
    // At 8/4 = 2 samples, 1 s apart, the estimate is (1000 + 1) * 4 ms per chunk: 5 samples.
    assertThat(counts.get(0)).isEqualTo(5);
  }

  @Test
  void keepsChunksOrderedAndWithinTheirWindowsForIrregularSeries() {
    SplittableRandom rnd = new SplittableRandom(3);
    MemSeries s = series(head, "__name__", "irregular");
    long t = WINDOW - 5 * RANGE + rnd.nextLong(RANGE);
    int appended = 0;
    for (int i = 0; i < 5000; i++) {
      t += 1 + rnd.nextLong(rnd.nextBoolean() ? 2_000 : 600_000);
      if (head.append(s, t, rnd.nextLong()) == AppendResult.OK) {
        appended++;
      }
    }
    long prevMax = Long.MIN_VALUE;
    int total = 0;
    for (ChunkMeta c : s.chunks(Long.MIN_VALUE, Long.MAX_VALUE, HeadOptions.DEFAULT_OOO_CAP_MAX)) {
      assertThat(Math.floorDiv(c.minTime(), RANGE)).isEqualTo(Math.floorDiv(c.maxTime(), RANGE));
      assertThat(c.minTime()).isGreaterThan(prevMax);
      assertThat(count(c)).isBetween(1, 240);
      assertFirstAndLastSampleMatchMeta(c);
      prevMax = c.maxTime();
      total += count(c);
    }
    assertThat(total).isEqualTo(appended).isEqualTo(5000);
  }
}
