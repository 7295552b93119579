// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.testing;

import io.sluice.tsdb.labels.Labels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/** The golden blocks written by promtool 2.42 and the OpenMetrics samples they were made from. */
public final class PromtoolBlocks {
  public static final String ROOT = "/golden/promtool-2.42.0/blocks/";
  public static final String BLOCK_1 = "01M7YF9F2DBGH7TB74V9V0FB0Q";
  public static final String BLOCK_2 = "01M7YF9F3AB775E6CS8KK1M3RT";

  private PromtoolBlocks() {}

  /** The directory of a golden block. */
  public static Path blockDir(String ulid) {
    try {
      return Path.of(PromtoolBlocks.class.getResource(ROOT + "data/" + ulid).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Samples {t, valueBits} of each series of {@code blocks.om.gz}, series in label order. */
  public static TreeMap<Labels, List<long[]>> samples() {
    TreeMap<Labels, List<long[]>> out = new TreeMap<>();
    try (InputStream in = PromtoolBlocks.class.getResourceAsStream(ROOT + "blocks.om.gz");
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int close = line.indexOf('}');
        List<String> nv = new ArrayList<>(List.of("__name__", line.substring(0, brace)));
        for (String pair : line.substring(brace + 1, close).split(",")) {
          int eq = pair.indexOf('=');
          nv.add(pair.substring(0, eq));
          nv.add(pair.substring(eq + 2, pair.length() - 1));
        }
        String[] rest = line.substring(close + 2).split(" ");
        long t = new BigDecimal(rest[1]).movePointRight(3).longValueExact();
        long v = Double.doubleToRawLongBits(Double.parseDouble(rest[0]));
        out.computeIfAbsent(Labels.of(nv.toArray(String[]::new)), k -> new ArrayList<>())
            .add(new long[] {t, v});
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The samples of each series in [minTime, maxTime), series in label order, empty ones left out.
   */
  public static List<List<long[]>> samplesIn(long minTime, long maxTime) {
    List<List<long[]>> out = new ArrayList<>();
    for (Map.Entry<Labels, List<long[]>> e : samples().entrySet()) {
      List<long[]> in = new ArrayList<>();
      for (long[] s : e.getValue()) {
        if (s[0] >= minTime && s[0] < maxTime) {
          in.add(s);
        }
      }
      if (!in.isEmpty()) {
        out.add(in);
      }
    }
    return out;
  }
}
