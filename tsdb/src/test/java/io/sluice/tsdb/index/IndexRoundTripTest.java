// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.query.Matcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 20,000 random series with non-ASCII labels and random chunk metas go through the writer and come
 * back from the reader unchanged, with postings, names and values equal to a brute-force index.
 */
class IndexRoundTripTest {
  private static final String[] NAMES = {
    "__name__", "a", "job", "instance", "zone", "z\u00e9", "\ue000n", "\uD83D\uDE00", "le"
  };
  private static final String[] ALPHABET = {
    "a", "b", "c", "0", "1", "-", "\u00e9", "\u00fc", "\ue000", "\uD83D\uDE00", "\u65e5", ""
  };
  private static final int SERIES = 20_000;

  @TempDir static Path tmp;

  private static final TreeMap<Labels, List<ChunkRef>> series = new TreeMap<>();
  private static final Map<Labels, Long> refs = new HashMap<>();
  private static Path file;

  @BeforeAll
  static void writeRandomIndex() throws IOException {
    Random rnd = new Random(42);
    while (series.size() < SERIES) {
      List<String> nv = new ArrayList<>(List.of("__name__", "m" + rnd.nextInt(50)));
      for (int i = 1; i < NAMES.length; i++) {
        if (rnd.nextInt(3) == 0) {
          nv.add(NAMES[i]);
          nv.add(randomValue(rnd));
        }
      }
      List<ChunkRef> chunks = new ArrayList<>();
      long t = rnd.nextLong(-1_000_000, 1_000_000);
      long ref = rnd.nextLong(1L << 36);
      for (int c = rnd.nextInt(1, 4); c > 0; c--) {
        long maxt = t + rnd.nextInt(10_000);
        chunks.add(new ChunkRef(t, maxt, ref));
        t = maxt + 1 + rnd.nextInt(1000);
        ref += rnd.nextInt(-1000, 100_000);
      }
      series.put(Labels.of(nv.toArray(new String[0])), chunks);
    }
    TreeSet<String> symbols = new TreeSet<>(Utf8.ORDER);
    for (Labels l : series.keySet()) {
      for (int i = 0; i < l.size(); i++) {
        symbols.add(l.name(i));
        symbols.add(l.value(i));
      }
    }
    file = tmp.resolve("index");
    try (IndexWriter w = new IndexWriter(file)) {
      w.addSymbols(symbols);
      for (Map.Entry<Labels, List<ChunkRef>> e : series.entrySet()) {
        refs.put(e.getKey(), w.addSeries(e.getKey(), e.getValue()));
      }
    }
  }

  private static String randomValue(Random rnd) {
    StringBuilder sb = new StringBuilder();
    for (int n = rnd.nextInt(1, 5); n > 0; n--) {
      sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  @Test
  void everySeriesComesBackInLabelOrderWithItsChunkMetas() throws IOException {
    try (IndexReader r = IndexReader.open(file)) {
      long[] all = r.allPostings();
      assertThat(all).hasSize(SERIES).isSorted();
      int i = 0;
      for (Map.Entry<Labels, List<ChunkRef>> e : series.entrySet()) {
        assertThat(all[i]).isEqualTo(refs.get(e.getKey()));
        IndexSeries s = r.series(all[i++]);
        assertThat(s.labels()).isEqualTo(e.getKey());
        assertThat(s.chunks()).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void aReusedVisitorSeesTheSameLabelsAndChunkMetasAsTheSeriesRecord() throws IOException {
    List<String> nv = new ArrayList<>();
    List<ChunkRef> chunks = new ArrayList<>();
    SeriesVisitor v =
        new SeriesVisitor() {
          @Override
          public void label(String name, String value) {
            nv.add(name);
            nv.add(value);
          }

          @Override
          public void chunk(long minTime, long maxTime, long ref) {
            chunks.add(new ChunkRef(minTime, maxTime, ref));
          }
        };
    try (IndexReader r = IndexReader.open(file)) {
      for (Map.Entry<Labels, List<ChunkRef>> e : series.entrySet()) {
        nv.clear();
        chunks.clear();
        r.series(refs.get(e.getKey()), v);
        assertThat(Labels.of(nv.toArray(new String[0]))).isEqualTo(e.getKey());
        assertThat(chunks).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void namesValuesAndPostingsEqualABruteForceIndex() throws IOException {
    TreeMap<String, TreeMap<String, List<Long>>> want = new TreeMap<>(Utf8.ORDER);
    for (Labels l : series.keySet()) {
      for (int i = 0; i < l.size(); i++) {
        want.computeIfAbsent(l.name(i), k -> new TreeMap<>(Utf8.ORDER))
            .computeIfAbsent(l.value(i), k -> new ArrayList<>())
            .add(refs.get(l));
      }
    }
    try (IndexReader r = IndexReader.open(file)) {
      assertThat(r.labelNames()).containsExactlyElementsOf(want.keySet());
      for (Map.Entry<String, TreeMap<String, List<Long>>> n : want.entrySet()) {
        assertThat(r.labelValues(n.getKey())).containsExactlyElementsOf(n.getValue().keySet());
        List<Long> union = new ArrayList<>();
        for (Map.Entry<String, List<Long>> v : n.getValue().entrySet()) {
          assertThat(r.postings(n.getKey(), v.getKey()))
              .containsExactly(v.getValue().stream().mapToLong(Long::longValue).toArray());
          union.addAll(v.getValue());
        }
        union.sort(null);
        assertThat(r.postingsForLabel(n.getKey()))
            .containsExactly(union.stream().mapToLong(Long::longValue).toArray());
      }

      Matcher m = Matcher.re("zone", ".*\u00e9.*");
      List<Long> matching = new ArrayList<>();
      series.keySet().stream()
          .filter(l -> l.get("zone") != null && m.matches(l.get("zone")))
          .forEach(l -> matching.add(refs.get(l)));
      matching.sort(null);
      assertThat(matching).isNotEmpty();
      assertThat(r.postingsForMatcher(m))
          .containsExactly(matching.stream().mapToLong(Long::longValue).toArray());
    }
  }

  @Test
  void readsThatStraddleMappedRegionsReturnTheSameAnswers() throws IOException {
    try (IndexReader small = IndexReader.open(file, 64);
        IndexReader big = IndexReader.open(file)) {
      assertThat(small.symbols()).isEqualTo(big.symbols());
      assertThat(small.allPostings()).isEqualTo(big.allPostings());
      for (long ref : big.allPostings()) {
        assertThat(small.series(ref)).isEqualTo(big.series(ref));
      }
      for (String n : big.labelNames()) {
        for (String v : big.labelValues(n)) {
          assertThat(small.postings(n, v)).isEqualTo(big.postings(n, v));
        }
      }
    }
  }

  @Test
  void concurrentReadersSeeTheSameSeries() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (IndexReader r = IndexReader.open(file)) {
      long[] all = r.allPostings();
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        results.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  for (int i = offset; i < all.length; i += 3) {
                    IndexSeries s = r.series(all[i]);
                    if (s.chunks().equals(series.get(s.labels()))) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      for (int t = 0; t < 4; t++) {
        assertThat(results.get(t).get()).isEqualTo((all.length - t + 2) / 3);
      }
    } finally {
      pool.shutdown();
    }
  }
}
