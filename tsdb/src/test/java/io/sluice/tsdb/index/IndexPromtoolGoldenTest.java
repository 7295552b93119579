// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two blocks that promtool 2.42 wrote from {@code blocks.om.gz} ({@code
 * golden/promtool-2.42.0/blocks/README.md}): the reader finds exactly the input, and the writer
 * reproduces each index byte for byte.
 */
class IndexPromtoolGoldenTest {
  private static final String FIRST = "01M7YF9F2DBGH7TB74V9V0FB0Q";
  private static final String SECOND = "01M7YF9F3AB775E6CS8KK1M3RT";

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {FIRST, SECOND})
  void rewritingAPromtoolIndexReproducesItByteForByte(String block) throws IOException {
    Path golden = IndexFixtures.goldenBlock(block).resolve("index");
    Path rewritten = tmp.resolve("index");
    try (IndexReader r = IndexReader.open(golden);
        IndexWriter w = new IndexWriter(rewritten)) {
      w.addSymbols(r.symbols());
      for (long ref : r.allPostings()) {
        IndexSeries s = r.series(ref);
        assertThat(w.addSeries(s.labels(), s.chunks())).isEqualTo(ref);
      }
    }
    byte[] want = Files.readAllBytes(golden);
    byte[] got = Files.readAllBytes(rewritten);
    assertThat(HexFormat.of().formatHex(got)).isEqualTo(HexFormat.of().formatHex(want));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {FIRST, SECOND})
  void readerFindsExactlyTheSeriesAndSamplesOfTheOpenMetricsInput(String block) throws IOException {
    Path dir = IndexFixtures.goldenBlock(block);
    String meta = Files.readString(dir.resolve("meta.json"));
    long minTime = IndexFixtures.jsonLong(meta, "minTime");
    long maxTime = IndexFixtures.jsonLong(meta, "maxTime"); // exclusive
    Map<Labels, List<long[]>> want = new TreeMap<>();
    for (Map.Entry<Labels, List<long[]>> e : IndexFixtures.openMetricsInput().entrySet()) {
      List<long[]> in = new ArrayList<>();
      for (long[] s : e.getValue()) {
        if (s[0] >= minTime && s[0] < maxTime) {
          in.add(s);
        }
      }
      if (!in.isEmpty()) {
        want.put(e.getKey(), in);
      }
    }
    assertThat(want).hasSize(25);
    byte[] chunks = Files.readAllBytes(dir.resolve("chunks").resolve("000001"));

    Map<Labels, List<long[]>> got = new TreeMap<>();
    int chunkCount = 0;
    try (IndexReader r = IndexReader.open(dir.resolve("index"))) {
      long[] refs = r.allPostings();
      assertThat(refs).hasSize(25).isSorted();
      Labels prev = null;
      for (long ref : refs) {
        IndexSeries s = r.series(ref);
        if (prev != null) {
          assertThat(s.labels()).isGreaterThan(prev);
        }
        prev = s.labels();
        List<long[]> samples = new ArrayList<>();
        for (ChunkRef c : s.chunks()) {
          chunkCount++;
          assertThat(c.ref() >>> 32).isZero();
          XorIterator it = IndexFixtures.chunk(chunks, (int) c.ref());
          List<long[]> inChunk = new ArrayList<>();
          while (it.next()) {
            inChunk.add(new long[] {it.timestamp(), it.valueBits()});
          }
          assertThat(inChunk).isNotEmpty();
          assertThat(c.minTime()).isEqualTo(inChunk.get(0)[0]);
          assertThat(c.maxTime()).isEqualTo(inChunk.get(inChunk.size() - 1)[0]);
          samples.addAll(inChunk);
        }
        got.put(s.labels(), samples);
      }
    }
    assertThat(chunkCount).isEqualTo(block.equals(FIRST) ? 25 : 50);
    assertThat(IndexFixtures.render(got)).isEqualTo(IndexFixtures.render(want));
  }

  @Test
  void labelNamesAndValuesAreInUtf8ByteOrderNotJavaStringOrder() throws IOException {
    try (IndexReader r = IndexReader.open(IndexFixtures.goldenBlock(FIRST).resolve("index"))) {
      assertThat(r.labelNames())
          .containsExactly("__name__", "code", "cpu", "instance", "job", "mode", "room");
      assertThat(r.labelValues("room"))
          .containsExactly("a", "b", "kitchen", "z\u00e9", "\u00fcber", "\ue000y", "\uD83D\uDE00x");
      assertThat(r.labelValues("__name__"))
          .containsExactly("http_requests_total", "node_cpu_seconds_total", "temp_celsius");
      assertThat(r.labelValues("nope")).isEmpty();
      assertThat(r.symbols()).startsWith("").isSortedAccordingTo(io.sluice.tsdb.labels.Utf8.ORDER);
      assertThat(r.symbol(0)).isEmpty();
    }
  }

  @Test
  void postingsSelectTheSeriesThatCarryALabelPair() throws IOException {
    try (IndexReader r = IndexReader.open(IndexFixtures.goldenBlock(SECOND).resolve("index"))) {
      long[] emoji = r.postings("room", "\uD83D\uDE00x");
      assertThat(emoji).hasSize(1);
      assertThat(r.series(emoji[0]).labels())
          .isEqualTo(Labels.of("__name__", "temp_celsius", "room", "\uD83D\uDE00x"));

      assertThat(labelsOf(r, r.postings("__name__", "node_cpu_seconds_total"))).hasSize(12);
      assertThat(labelsOf(r, r.postings("code", "404")))
          .extracting(l -> l.get("job"))
          .containsExactly("api", "web");
      assertThat(r.postings("room", "missing")).isEmpty();
      assertThat(r.postings("missing", "a")).isEmpty();
      assertThat(r.postings("", "")).isEmpty();

      assertThat(labelsOf(r, r.postingsForMatcher(Matcher.re("room", ".*[xy]"))))
          .extracting(l -> l.get("room"))
          .containsExactlyInAnyOrder("\ue000y", "\uD83D\uDE00x");
      assertThat(r.postingsForMatcher(Matcher.re("room", ".*[xy]"))).isSorted();
      assertThat(r.postingsForMatcher(Matcher.eq("mode", "idle"))).hasSize(4);
      assertThat(r.postingsForMatcher(Matcher.neq("mode", "idle"))).hasSize(8).isSorted();
      assertThat(r.postingsForMatcher(Matcher.nre("cpu", "[01]"))).hasSize(6);
      assertThat(r.postingsForLabel("room")).hasSize(7).isSorted();
      assertThat(r.postingsForLabel("nope")).isEmpty();
    }
  }

  private static List<Labels> labelsOf(IndexReader r, long[] refs) throws IOException {
    List<Labels> out = new ArrayList<>();
    for (long ref : refs) {
      out.add(r.series(ref).labels());
    }
    return out;
  }

  @Test
  void theChunkFixtureHelperDecodesWhatXorChunkWrites() {
    XorChunk c = new XorChunk();
    c.append(1000, Double.doubleToRawLongBits(1.5));
    c.append(2000, Double.doubleToRawLongBits(2.5));
    byte[] data = c.bytes();
    byte[] seg = IndexFixtures.chunkSegment(List.of(data));
    XorIterator it = IndexFixtures.chunk(seg, 8);
    assertThat(it.next()).isTrue();
    assertThat(it.timestamp()).isEqualTo(1000);
    assertThat(it.next()).isTrue();
    assertThat(it.valueBits()).isEqualTo(Double.doubleToRawLongBits(2.5));
    assertThat(it.next()).isFalse();
    assertThat(seg[9]).isEqualTo(XorChunkFormat.ENCODING);
    assertThat(Golden.chunkCrc(XorChunkFormat.ENCODING, data)).isNotZero();
  }
}
