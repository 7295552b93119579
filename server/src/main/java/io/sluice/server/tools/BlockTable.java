// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.tools;

import io.sluice.tsdb.block.BlockMeta;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of {@code tools bucket inspect}, as {@code thanos tools bucket inspect} prints them: one
 * row per block with the columns of {@link #COLUMNS}, times in RFC 3339 to the second in the local
 * time zone (as Go's {@code time.Unix(...).Format}), durations as Go's {@code Duration.String}
 * ({@code 2h0m0s}), counts with thousands separators ({@code 1,234}), labels as {@code k=v,…}
 * sorted by name. Rows are sorted by the {@code --sort-by} columns (times, durations and counts by
 * value, the rest as text), then by ULID. Rendered as Thanos' table (tablewriter: left and right
 * borders, no top or bottom line, centred headers, cells aligned left), or as TSV or CSV (Go's
 * {@code encoding/csv} quoting). Stateless and thread-safe.
 */
public final class BlockTable {
  /** Thanos' columns, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "ULID",
          "FROM",
          "UNTIL",
          "RANGE",
          "UNTIL-DOWN",
          "#SERIES",
          "#SAMPLES",
          "#CHUNKS",
          "COMP-LEVEL",
          "COMP-FAILED",
          "LABELS",
          "RESOLUTION",
          "SOURCE");

  /** Thanos' default {@code --sort-by}. */
  public static final List<String> DEFAULT_SORT = List.of("FROM", "UNTIL");

  // Thanos' downsampling: raw blocks are downsampled to 5m once they span 40h, 5m blocks to 1h at
  // 10d; 1h blocks never again.
  private static final long RES_5M = 5 * 60 * 1000L;
  private static final long RES_1H = 60 * 60 * 1000L;
  private static final long DOWNSAMPLE_RAW_RANGE = 40 * 60 * 60 * 1000L;
  private static final long DOWNSAMPLE_5M_RANGE = 10 * 24 * 60 * 60 * 1000L;

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);

  private final List<String[]> rows;

  private record Row(BlockMeta meta, String[] cells) {}

  private BlockTable(List<String[]> rows) {
    this.rows = rows;
  }

  /**
   * The rows of {@code metas}, sorted.
   *
   * @param zone the zone times are printed in (the process' local zone, as Thanos)
   * @param sortBy column names of {@link #COLUMNS}
   * @throws IllegalArgumentException for a column that does not exist ("column X not found")
   */
  public static BlockTable of(List<BlockMeta> metas, ZoneId zone, List<String> sortBy) {
    List<Integer> keys = new ArrayList<>();
    for (String c : sortBy) {
      int i = COLUMNS.indexOf(c);
      if (i < 0) {
        throw new IllegalArgumentException("column " + c + " not found");
      }
      keys.add(i);
    }
    List<Row> rows = new ArrayList<>(metas.size());
    for (BlockMeta m : metas) {
      rows.add(new Row(m, cells(m, zone)));
    }
    Comparator<Row> order = (a, b) -> 0;
    for (int k : keys) {
      order = order.thenComparing((a, b) -> compare(k, a.meta(), b.meta(), a.cells(), b.cells()));
    }
    order = order.thenComparing(r -> r.cells()[0]);
    rows.sort(order);
    List<String[]> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(r.cells());
    }
    return new BlockTable(out);
  }

  /** The cells of each row, in {@link #COLUMNS} order. */
  public List<String[]> rows() {
    return rows;
  }

  private static String[] cells(BlockMeta m, ZoneId zone) {
    long range = m.maxTime() - m.minTime();
    BlockMeta.Thanos t = m.thanos();
    long resolution = t == null ? 0 : t.downsampleResolution();
    String untilDown =
        resolution == RES_1H
            ? "-"
            : goDuration(
                (resolution == RES_5M ? DOWNSAMPLE_5M_RANGE : DOWNSAMPLE_RAW_RANGE) - range);
    StringBuilder labels = new StringBuilder();
    if (t != null) {
      for (Map.Entry<String, String> e : t.labels().entrySet()) {
        if (!labels.isEmpty()) {
          labels.append(',');
        }
        labels.append(e.getKey()).append('=').append(e.getValue());
      }
    }
    return new String[] {
      m.ulid().toString(),
      time(m.minTime(), zone),
      time(m.maxTime(), zone),
      goDuration(range),
      untilDown,
      count(m.stats().numSeries()),
      count(m.stats().numSamples()),
      count(m.stats().numChunks()),
      count(m.compaction().level()),
      Boolean.toString(m.compaction().failed()),
      labels.toString(),
      goDuration(resolution),
      t == null ? "" : t.source()
    };
  }

  private static int compare(int column, BlockMeta a, BlockMeta b, String[] ca, String[] cb) {
    return switch (COLUMNS.get(column)) {
      case "FROM" -> Long.compare(a.minTime() / 1000, b.minTime() / 1000);
      case "UNTIL" -> Long.compare(a.maxTime() / 1000, b.maxTime() / 1000);
      case "RANGE" -> Long.compare(a.maxTime() - a.minTime(), b.maxTime() - b.minTime());
      case "#SERIES" -> Long.compare(a.stats().numSeries(), b.stats().numSeries());
      case "#SAMPLES" -> Long.compare(a.stats().numSamples(), b.stats().numSamples());
      case "#CHUNKS" -> Long.compare(a.stats().numChunks(), b.stats().numChunks());
      case "COMP-LEVEL" -> Integer.compare(a.compaction().level(), b.compaction().level());
      case "RESOLUTION" -> Long.compare(resolution(a), resolution(b));
      default -> ca[column].compareTo(cb[column]);
    };
  }

  private static long resolution(BlockMeta m) {
    return m.thanos() == null ? 0 : m.thanos().downsampleResolution();
  }

  private static String time(long ms, ZoneId zone) {
    // Go's time.Unix(ms/1000, 0): truncated toward zero to the second.
    return RFC3339.format(Instant.ofEpochSecond(ms / 1000).atZone(zone));
  }

  private static String count(long n) {
    return String.format(Locale.ENGLISH, "%,d", n);
  }

  /**
   * A duration of {@code ms} milliseconds as Go's {@code time.Duration.String} writes it: {@code
   * 0s}, {@code 250ms}, {@code 1.5s}, {@code 1m30s}, {@code 2h0m0s}.
   */
  static String goDuration(long ms) {
    if (ms == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    long d = ms;
    if (d < 0) {
      b.append('-');
      d = -d;
    }
    if (d < 1000) {
      return b.append(d).append("ms").toString();
    }
    long h = d / 3_600_000;
    long m = d / 60_000 % 60;
    long s = d / 1000 % 60;
    long frac = d % 1000;
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      b.append(m).append('m');
    }
    b.append(s);
    if (frac > 0) {
      String f = String.format(Locale.ROOT, "%03d", frac);
      int end = f.length();
      while (f.charAt(end - 1) == '0') {
        end--;
      }
      b.append('.').append(f, 0, end);
    }
    return b.append('s').toString();
  }

  /** The table as Thanos prints it: a header row, a rule, then the rows; each line ends in \n. */
  public String table() {
    int[] width = new int[COLUMNS.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = COLUMNS.get(i).length();
      for (String[] r : rows) {
        width[i] = Math.max(width[i], displayWidth(r[i]));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append('|');
    for (int i = 0; i < width.length; i++) {
      String h = COLUMNS.get(i);
      int gap = width[i] - h.length();
      int left = gap / 2;
      out.append(' ')
          .append(" ".repeat(left))
          .append(h)
          .append(" ".repeat(gap - left))
          .append(" |");
    }
    out.append('\n').append('|');
    for (int w : width) {
      out.append("-".repeat(w + 2)).append('|');
    }
    out.append('\n');
    for (String[] r : rows) {
      out.append('|');
      for (int i = 0; i < width.length; i++) {
        out.append(' ').append(r[i]).append(" ".repeat(width[i] - displayWidth(r[i]))).append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Tab-separated values with a header line, as Go's {@code encoding/csv} with a tab comma. */
  public String tsv() {
    return separated('\t');
  }

  /** Comma-separated values with a header line, as Go's {@code encoding/csv}. */
  public String csv() {
    return separated(',');
  }

  private String separated(char comma) {
    StringBuilder out = new StringBuilder();
    line(out, COLUMNS.toArray(new String[0]), comma);
    for (String[] r : rows) {
      line(out, r, comma);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String[] fields, char comma) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.append(comma);
      }
      String f = fields[i];
      if (needsQuotes(f, comma)) {
        out.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        out.append(f);
      }
    }
    out.append('\n');
  }

  // Go's csv.Writer.fieldNeedsQuotes.
  private static boolean needsQuotes(String f, char comma) {
    if (f.isEmpty()) {
      return false;
    }
    if (f.equals("\\.")) {
      return true;
    }
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '\n' || c == '\r' || c == '"' || c == comma) {
        return true;
      }
    }
    return Character.isWhitespace(f.codePointAt(0)) || Character.isSpaceChar(f.codePointAt(0));
  }

  // Code points, which is tablewriter's display width for the text Sluice writes (no East Asian
  // wide characters in block metadata it produces).
  private static int displayWidth(String s) {
    return s.codePointCount(0, s.length());
  }
}
