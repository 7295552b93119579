// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunks;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.testing.PromtoolBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkSegmentGoldenTest {
  @TempDir Path tmp;

  /** One series' chunks as promtool stored them, with their refs. */
  private record SeriesChunks(List<ChunkMeta> chunks, List<Long> refs) {}

  /**
   * Walks the golden file in storage order and assigns its chunks to the series of the OpenMetrics
   * input in label order, checking every decoded sample on the way.
   */
  private static List<SeriesChunks> readGolden(
      ChunkSegmentReader r, long minTime, long maxTime, int expectedChunks) throws IOException {
    List<List<long[]>> expected = PromtoolBlocks.samplesIn(minTime, maxTime);
    List<SeriesChunks> out = new ArrayList<>();
    int[] series = {0};
    int[] sample = {0};
    int[] chunks = {0};
    r.forEach(
        (ref, encoding, data) -> {
          assertThat(encoding).isEqualTo(XorChunkFormat.ENCODING);
          assertThat(series[0]).as("chunk beyond the last series").isLessThan(expected.size());
          List<long[]> want = expected.get(series[0]);
          if (sample[0] == 0) {
            out.add(new SeriesChunks(new ArrayList<>(), new ArrayList<>()));
          }
          XorIterator it = XorChunk.iterator(data, 0, data.length);
          long first = Long.MIN_VALUE;
          long last = Long.MIN_VALUE;
          while (it.next()) {
            assertThat(sample[0]).as("chunk spans two series").isLessThan(want.size());
            assertThat(new long[] {it.timestamp(), it.valueBits()})
                .as("series %d sample %d", series[0], sample[0])
                .containsExactly(want.get(sample[0]));
            first = first == Long.MIN_VALUE ? it.timestamp() : first;
            last = it.timestamp();
            sample[0]++;
          }
          SeriesChunks sc = out.get(out.size() - 1);
          sc.chunks().add(new ChunkMeta(first, last, encoding, data));
          sc.refs().add(ref);
          chunks[0]++;
          if (sample[0] == want.size()) {
            series[0]++;
            sample[0] = 0;
          }
        });
    assertThat(series[0]).as("series fully covered").isEqualTo(expected.size());
    assertThat(sample[0]).isZero();
    assertThat(chunks[0]).isEqualTo(expectedChunks);
    return out;
  }

  @ParameterizedTest
  @CsvSource({
    "01M7YF9F2DBGH7TB74V9V0FB0Q, 1700004900000, 1700006385005, 25",
    "01M7YF9F3AB775E6CS8KK1M3RT, 1700006400000, 1700009385005, 50"
  })
  void readsPromtoolChunksAsTheSamplesOfTheSeriesInLabelOrder(
      String ulid, long minTime, long maxTime, int numChunks) throws IOException {
    Path chunks = PromtoolBlocks.blockDir(ulid).resolve("chunks");
    try (ChunkSegmentReader r = ChunkSegmentReader.open(chunks)) {
      assertThat(r.segmentCount()).isEqualTo(1);
      List<SeriesChunks> golden = readGolden(r, minTime, maxTime, numChunks);
      assertThat(golden).hasSize(25);
      for (SeriesChunks sc : golden) {
        for (int i = 0; i < sc.refs().size(); i++) {
          ChunkMeta byRef =
              r.read(sc.refs().get(i), sc.chunks().get(i).minTime(), sc.chunks().get(i).maxTime());
          assertThat(byRef).isEqualTo(sc.chunks().get(i));
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "01M7YF9F2DBGH7TB74V9V0FB0Q, 1700004900000, 1700006385005, 25",
    "01M7YF9F3AB775E6CS8KK1M3RT, 1700006400000, 1700009385005, 50"
  })
  void writesPromtoolsChunkFileByteForByteWithTheSameRefs(
      String ulid, long minTime, long maxTime, int numChunks) throws IOException {
    Path goldenChunks = PromtoolBlocks.blockDir(ulid).resolve("chunks");
    List<SeriesChunks> golden;
    try (ChunkSegmentReader r = ChunkSegmentReader.open(goldenChunks)) {
      golden = readGolden(r, minTime, maxTime, numChunks);
    }
    Path out = tmp.resolve("chunks");
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(out)) {
      for (SeriesChunks sc : golden) {
        long[] refs = w.writeSeries(sc.chunks());
        assertThat(refs).containsExactly(sc.refs().stream().mapToLong(Long::longValue).toArray());
      }
    }
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("000001");
    }
    assertThat(Files.readAllBytes(out.resolve("000001")))
        .isEqualTo(Files.readAllBytes(goldenChunks.resolve("000001")));
  }
}
