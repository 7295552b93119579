// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import static io.sluice.tsdb.TsdbFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.chunkenc.HistogramGolden;
import io.sluice.tsdb.chunkenc.HistogramGolden.StoredChunk;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.query.ChunkMeta;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native histograms through the database's WAL and replay. */
class TsdbHistogramTest {
  @TempDir Path tmp;

  private static Map<String, List<StoredChunk>> chunks(Tsdb db, long maxTimeExclusive) {
    Map<String, List<StoredChunk>> out = new TreeMap<>();
    try (Querier q = db.querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, maxTimeExclusive - 1, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        List<StoredChunk> list = new ArrayList<>();
        for (ChunkMeta c : s.chunks()) {
          if (c.maxTime() < maxTimeExclusive) {
            list.add(StoredChunk.of(c.encoding(), c.data()));
          }
        }
        out.put(s.labels().get("__name__"), list);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private static int sampleCount() {
    return HistogramGolden.samples().values().stream().mapToInt(List::size).sum();
  }

  @Test
  void histogramsSurviveARestartByteForByte() throws IOException {
    Path dir = tmp.resolve("t");
    Map<String, List<StoredChunk>> before;
    try (Tsdb db = Tsdb.open(dir, options(true, false))) {
      try (HeadAppender app = db.appender()) {
        HistogramGolden.appendAll(db.head(), app);
        app.commit();
      }
      before = chunks(db, Long.MAX_VALUE);
    }
    Map<String, List<StoredChunk>> golden = HistogramGolden.blockChunks();
    assertThat(chunks(before, golden)).isEqualTo(new TreeMap<>(golden));
    try (Tsdb db = Tsdb.open(dir, options(true, false))) {
      assertThat(db.replayStats().samples()).isEqualTo(sampleCount());
      assertThat(db.replayStats().failedSamples()).isZero();
      assertThat(chunks(db, Long.MAX_VALUE)).isEqualTo(before);
    }
  }

  @Test
  void headCompactionCutsTheChunksOfPrometheusBlock() throws IOException {
    Path dir = tmp.resolve("t");
    try (Tsdb db = Tsdb.open(dir, options(false, false))) {
      try (HeadAppender app = db.appender()) {
        HistogramGolden.appendAll(db.head(), app);
        app.commit();
      }
      List<BlockMeta> cut = db.compactHead();
      assertThat(cut).hasSize(1);
      BlockMeta m = cut.get(0);
      assertThat(m.minTime()).isEqualTo(1_700_006_400_000L);
      assertThat(m.maxTime()).isEqualTo(HistogramGolden.blockMaxTime());
      assertThat(HistogramGolden.blockChunks(dir.resolve(m.ulid().toString())))
          .isEqualTo(HistogramGolden.blockChunks());
    }
  }

  // The golden block's part of the head's chunks (those before the block's end).
  private static Map<String, List<StoredChunk>> chunks(
      Map<String, List<StoredChunk>> head, Map<String, List<StoredChunk>> golden) {
    Map<String, List<StoredChunk>> out = new TreeMap<>();
    for (String name : golden.keySet()) {
      List<StoredChunk> all = head.get(name);
      out.put(name, all.subList(0, golden.get(name).size()));
    }
    return out;
  }
}
