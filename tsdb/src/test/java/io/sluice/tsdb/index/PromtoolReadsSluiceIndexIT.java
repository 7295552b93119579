// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * promtool 2.42 accepts a block whose index Sluice wrote ({@code tsdb analyze --extended}, which
 * reads every series, postings list and chunk) and dumps exactly the samples that went in. The
 * chunk segment file is written by hand. Skipped without {@code /usr/bin/promtool}, except under CI
 * ({@code CI} set), where that is a failure.
 */
class PromtoolReadsSluiceIndexIT {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final String ULID = "01HZZ0000000000000000SXC1D";
  private static final String[] ROOMS = {
    "a", "z\u00e9", "\u00fcber", "\uD83D\uDE00x", "\u65e5\u672c"
  };
  private static final long T0 = 1_700_000_000_000L;
  private static final int SAMPLES_PER_CHUNK = 120;

  @TempDir Path tmp;

  private static void requirePromtool() {
    if (Files.isExecutable(PROMTOOL)) {
      return;
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError("promtool is not installed; CI must install Debian's prometheus");
    }
    assumeTrue(false, "promtool is not installed (apt-get install prometheus); skipping");
  }

  private static String run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PROMTOOL.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + text).isZero();
    return text;
  }

  @Test
  void promtoolAnalyzesAndDumpsABlockWithASluiceIndex() throws Exception {
    requirePromtool();
    // 3 x 5 x 4 = 60 series, two chunks each, integer values that promtool prints as written.
    TreeMap<Labels, long[]> series = new TreeMap<>();
    int n = 0;
    for (String metric : List.of("up", "temp_celsius", "http_requests_total")) {
      for (String room : ROOMS) {
        for (int i = 0; i < 4; i++) {
          series.put(
              Labels.of("__name__", metric, "room", room, "i", Integer.toString(i)),
              new long[] {n++});
        }
      }
    }
    List<byte[]> chunks = new ArrayList<>();
    List<String> expectedDump = new ArrayList<>();
    for (Map.Entry<Labels, long[]> e : series.entrySet()) {
      long id = e.getValue()[0];
      for (int c = 0; c < 2; c++) {
        XorChunk chunk = new XorChunk();
        for (int s = 0; s < SAMPLES_PER_CHUNK; s++) {
          int k = c * SAMPLES_PER_CHUNK + s;
          long t = T0 + 15_000L * k + id;
          long v = id * 1000 + k;
          chunk.append(t, Double.doubleToRawLongBits(v));
          expectedDump.add(e.getKey() + " " + v + " " + t);
        }
        chunks.add(chunk.bytes());
      }
    }
    long[] offsets = IndexFixtures.chunkOffsets(chunks);

    Path block = tmp.resolve("data").resolve(ULID);
    Files.createDirectories(block.resolve("chunks"));
    Files.write(block.resolve("chunks").resolve("000001"), IndexFixtures.chunkSegment(chunks));
    TreeSet<String> symbols = new TreeSet<>(Utf8.ORDER);
    for (Labels l : series.keySet()) {
      for (int i = 0; i < l.size(); i++) {
        symbols.add(l.name(i));
        symbols.add(l.value(i));
      }
    }
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    try (IndexWriter w = new IndexWriter(block.resolve("index"))) {
      w.addSymbols(symbols);
      int c = 0;
      for (Map.Entry<Labels, long[]> e : series.entrySet()) {
        long id = e.getValue()[0];
        List<ChunkRef> refs = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
          long mint = T0 + 15_000L * (k * SAMPLES_PER_CHUNK) + id;
          long maxt = T0 + 15_000L * (k * SAMPLES_PER_CHUNK + SAMPLES_PER_CHUNK - 1) + id;
          refs.add(new ChunkRef(mint, maxt, offsets[c++]));
          minTime = Math.min(minTime, mint);
          maxTime = Math.max(maxTime, maxt);
        }
        w.addSeries(e.getKey(), refs);
      }
    }
    Files.writeString(
        block.resolve("meta.json"),
        String.format(
            "{\n\t\"ulid\": \"%s\",\n\t\"minTime\": %d,\n\t\"maxTime\": %d,\n\t\"stats\": {"
                + "\"numSamples\": %d, \"numSeries\": %d, \"numChunks\": %d},\n\t\"compaction\":"
                + " {\"level\": 1, \"sources\": [\"%s\"]},\n\t\"version\": 1\n}",
            ULID, minTime, maxTime + 1, expectedDump.size(), series.size(), chunks.size(), ULID));
    Files.write(
        block.resolve("tombstones"), new byte[] {1, 0x30, (byte) 0xBA, 0x30, 1, 0, 0, 0, 0});

    String analyze = run(tmp, "tsdb", "analyze", "--extended", "data", ULID);
    assertThat(analyze).contains("Series: 60").contains("Label names: 3");

    Files.createDirectories(tmp.resolve("data").resolve("wal"));
    String dump = run(tmp, "tsdb", "dump", "data");
    assertThat(dump.lines().toList()).containsExactlyElementsOf(expectedDump);
  }
}
