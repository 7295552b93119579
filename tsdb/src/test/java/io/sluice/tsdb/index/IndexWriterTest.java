// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's rules: symbol and series order, symbol membership, chunk metas, lifecycle. */
class IndexWriterTest {
  private static final List<ChunkRef> ONE_CHUNK = List.of(new ChunkRef(1000, 2000, 8));

  @TempDir Path tmp;

  @Test
  void symbolsMustAscendInUtf8ByteOrderNotJavaStringOrder() throws IOException {
    try (IndexWriter w = new IndexWriter(tmp.resolve("index"))) {
      w.addSymbol("");
      w.addSymbol("a");
      w.addSymbol("\ue000");
      // U+1F600 is a surrogate pair in Java, which String.compareTo puts before U+E000.
      w.addSymbol("\uD83D\uDE00");
      assertThatThrownBy(() -> w.addSymbol("\ue001"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("symbol out of order");
      assertThatThrownBy(() -> w.addSymbol("\uD83D\uDE00"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> w.addSymbol("")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> w.addSymbol("\uD800x"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not valid Unicode");
    }
    try (IndexReader r = IndexReader.open(tmp.resolve("index"))) {
      assertThat(r.symbols()).containsExactly("", "a", "\ue000", "\uD83D\uDE00");
    }
  }

  @Test
  void theEmptySymbolIsAlwaysSymbolZero() throws IOException {
    try (IndexWriter w = new IndexWriter(tmp.resolve("index"))) {
      w.addSymbols(List.of("a", "b"));
      w.addSeries(Labels.of("a", "b"), ONE_CHUNK);
    }
    try (IndexReader r = IndexReader.open(tmp.resolve("index"))) {
      assertThat(r.symbols()).containsExactly("", "a", "b");
      assertThat(r.labelNames()).containsExactly("a");
      assertThat(r.labelValues("a")).containsExactly("b");
    }
  }

  @Test
  void rejectedSeriesLeaveTheWriterUsableAndTheIndexWithoutThem() throws IOException {
    Path file = tmp.resolve("index");
    try (IndexWriter w = new IndexWriter(file)) {
      w.addSymbols(List.of("a", "b", "c", "job", "z\u00e9"));
      assertThatThrownBy(() -> w.addSeries(Labels.EMPTY, ONE_CHUNK))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no labels");
      assertThatThrownBy(() -> w.addSeries(Labels.of("job", "a"), List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has no chunks");
      assertThatThrownBy(() -> w.addSeries(Labels.of("job", "missing"), ONE_CHUNK))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"missing\" is not in the symbol table");
      assertThatThrownBy(() -> w.addSeries(Labels.of("", "a"), ONE_CHUNK))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("empty label name");
      assertThatThrownBy(
              () ->
                  w.addSeries(
                      Labels.of("job", "a"),
                      List.of(new ChunkRef(0, 10, 8), new ChunkRef(10, 20, 30))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("overlaps");
      assertThatThrownBy(
              () ->
                  w.addSeries(
                      Labels.of("job", "a"),
                      List.of(new ChunkRef(100, 110, 8), new ChunkRef(0, 20, 30))))
          .isInstanceOf(IllegalArgumentException.class);

      long a = w.addSeries(Labels.of("job", "a"), ONE_CHUNK);
      long ab = w.addSeries(Labels.of("job", "a", "z\u00e9", "b"), ONE_CHUNK);
      assertThatThrownBy(() -> w.addSeries(Labels.of("job", "a"), ONE_CHUNK))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("out-of-order series {job=\"a\"}");
      assertThatThrownBy(() -> w.addSeries(Labels.of("c", "c"), ONE_CHUNK))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("out-of-order");
      long b = w.addSeries(Labels.of("job", "b"), ONE_CHUNK);
      assertThat(a).isLessThan(ab);
      assertThat(ab).isLessThan(b);
      assertThatThrownBy(() -> w.addSymbol("zz")).isInstanceOf(IllegalStateException.class);
    }
    try (IndexReader r = IndexReader.open(file)) {
      assertThat(r.allPostings()).hasSize(3);
      assertThat(r.labelNames()).containsExactly("job", "z\u00e9");
      assertThat(r.labelValues("job")).containsExactly("a", "b");
      assertThat(r.postings("z\u00e9", "b")).hasSize(1);
      assertThat(r.series(r.postings("z\u00e9", "b")[0]).labels())
          .isEqualTo(Labels.of("job", "a", "z\u00e9", "b"));
    }
  }

  @Test
  void chunkMetasRoundTripIncludingNegativeTimesAndDecreasingRefs() throws IOException {
    List<ChunkRef> chunks =
        List.of(
            new ChunkRef(-5000, -4000, 1L << 32 | 8),
            new ChunkRef(-3999, -3999, 100),
            new ChunkRef(1L << 40, (1L << 40) + 7, 5L << 32 | 0xFFFF_FFF0L));
    try (IndexWriter w = new IndexWriter(tmp.resolve("index"))) {
      w.addSymbols(List.of("a", "b"));
      w.addSeries(Labels.of("a", "b"), chunks);
    }
    try (IndexReader r = IndexReader.open(tmp.resolve("index"))) {
      assertThat(r.series(r.allPostings()[0]).chunks()).isEqualTo(chunks);
    }
  }

  @Test
  void anIndexWithoutSeriesIsReadable() throws IOException {
    try (IndexWriter w = new IndexWriter(tmp.resolve("index"))) {
      w.addSymbol("unused");
    }
    try (IndexReader r = IndexReader.open(tmp.resolve("index"))) {
      assertThat(r.symbols()).containsExactly("", "unused");
      assertThat(r.allPostings()).isEmpty();
      assertThat(r.labelNames()).isEmpty();
    }
  }

  @Test
  void closeIsIdempotentAndTheWriterIsUnusableAfterIt() throws IOException {
    Path file = tmp.resolve("index");
    IndexWriter w = new IndexWriter(file);
    w.addSymbols(List.of("a", "b"));
    w.addSeries(Labels.of("a", "b"), ONE_CHUNK);
    w.close();
    long size = Files.size(file);
    w.close();
    assertThat(Files.size(file)).isEqualTo(size);
    assertThatThrownBy(() -> w.addSeries(Labels.of("a", "c"), ONE_CHUNK))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void chunkRefRejectsAnInvertedRange() {
    assertThatThrownBy(() -> new ChunkRef(2, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minTime 2 > maxTime 1");
  }
}
