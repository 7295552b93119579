// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.chunkenc.HistogramChunk;
import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.Histogram;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkSeriesTest {

  private static ChunkMeta chunk(long... ts) {
    XorChunk c = new XorChunk();
    for (long t : ts) {
      c.append(t, Double.doubleToRawLongBits(t / 10.0));
    }
    return new ChunkMeta(ts[0], ts[ts.length - 1], (byte) 1, c.bytes());
  }

  private static List<Long> timestamps(Series s) {
    List<Long> out = new ArrayList<>();
    SampleIterator it = s.samples();
    while (it.next()) {
      out.add(it.timestamp());
      assertThat(it.value()).isEqualTo(it.timestamp() / 10.0);
    }
    return out;
  }

  @Test
  void iteratesOnlySamplesInsideTheRangeAcrossChunks() {
    List<ChunkMeta> chunks = List.of(chunk(10, 20, 30), chunk(40, 50), chunk(60, 70, 80));
    assertThat(timestamps(new ChunkSeries(Labels.EMPTY, chunks, 20, 60)))
        .containsExactly(20L, 30L, 40L, 50L, 60L);
    assertThat(timestamps(new ChunkSeries(Labels.EMPTY, chunks, 31, 39))).isEmpty();
    assertThat(timestamps(new ChunkSeries(Labels.EMPTY, chunks, 0, 100))).hasSize(8);
  }

  @Test
  void findsWhetherAnySampleIsInTheRange() {
    List<ChunkMeta> chunks = List.of(chunk(10, 20, 30));
    assertThat(new ChunkSeries(Labels.EMPTY, chunks, 21, 29).hasSampleInRange()).isFalse();
    assertThat(new ChunkSeries(Labels.EMPTY, chunks, 21, 30).hasSampleInRange()).isTrue();
    assertThat(new ChunkSeries(Labels.EMPTY, chunks, 0, 100).hasSampleInRange()).isTrue();
  }

  @Test
  void refusesToDecodeUnknownEncodings() {
    ChunkMeta unknown = new ChunkMeta(0, 1, (byte) 9, new byte[] {0, 1});
    ChunkSeries s = new ChunkSeries(Labels.EMPTY, List.of(unknown), 0, 1);
    assertThatThrownBy(() -> s.samples().next()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void walksTheTimestampsOfHistogramChunksButGivesThemNoFloatValue() {
    HistogramChunk h = new HistogramChunk();
    Histogram empty =
        new Histogram((byte) 0, 0, 0.0, 0, 1, 1.0, List.of(), List.of(), new long[0], new long[0]);
    h.append(10, empty);
    h.append(20, empty);
    ChunkMeta c = new ChunkMeta(10, 20, (byte) 2, h.bytes());
    assertThat(new ChunkSeries(Labels.EMPTY, List.of(c), 11, 19).hasSampleInRange()).isFalse();
    assertThat(new ChunkSeries(Labels.EMPTY, List.of(c), 11, 20).hasSampleInRange()).isTrue();
    SampleIterator it = new ChunkSeries(Labels.EMPTY, List.of(c), 0, 100).samples();
    assertThat(it.next()).isTrue();
    assertThat(it.timestamp()).isEqualTo(10);
    assertThatThrownBy(it::valueBits).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void comparesChunkMetasByContent() {
    assertThat(chunk(1, 2)).isEqualTo(chunk(1, 2)).hasSameHashCodeAs(chunk(1, 2));
    assertThat(chunk(1, 2)).isNotEqualTo(chunk(1, 3));
    assertThatThrownBy(() -> new ChunkMeta(2, 1, (byte) 1, new byte[2]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
