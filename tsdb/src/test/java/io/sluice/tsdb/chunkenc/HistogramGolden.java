// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import io.sluice.tsdb.chunks.ChunkSegmentReader;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.head.HeadAppender;
import io.sluice.tsdb.index.ChunkRef;
import io.sluice.tsdb.index.IndexReader;
import io.sluice.tsdb.index.IndexSeries;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import io.sluice.tsdb.record.HistogramSpan;
import io.sluice.tsdb.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The golden native histogram set written by Prometheus 2.42 ({@code
 * golden/prometheus-2.42-histograms/README.md}): the samples it was sent, and its block.
 */
public final class HistogramGolden {
  /** One sample sent: a {@link Histogram}, a {@link FloatHistogram} or the bits of a float. */
  public record Sample(long t, Object value) {}

  /** A chunk as stored: encoding byte and data as hex (for readable assertion failures). */
  public record StoredChunk(byte encoding, String hex) {
    /** The chunk of these bytes. */
    public static StoredChunk of(byte encoding, byte[] data) {
      return new StoredChunk(encoding, HexFormat.of().formatHex(data));
    }
  }

  private HistogramGolden() {}

  /** Every chunk of the golden block, by series name, in time order. */
  public static Map<String, List<StoredChunk>> blockChunks() {
    return blockChunks(block());
  }

  /** Every chunk of a block directory, by series name, in time order. */
  public static Map<String, List<StoredChunk>> blockChunks(Path block) {
    Map<String, List<StoredChunk>> out = new LinkedHashMap<>();
    try (IndexReader index = IndexReader.open(block.resolve("index"));
        ChunkSegmentReader chunks = ChunkSegmentReader.open(block.resolve("chunks"))) {
      for (long ref : index.allPostings()) {
        IndexSeries s = index.series(ref);
        List<StoredChunk> list = new ArrayList<>();
        for (ChunkRef c : s.chunks()) {
          ChunkSegmentReader.Chunk chunk = chunks.read(c.ref());
          list.add(StoredChunk.of(chunk.encoding(), chunk.data()));
        }
        out.put(s.labels().get("__name__"), list);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The golden block's max time (exclusive), from its meta.json. */
  public static long blockMaxTime() {
    return 1_700_013_600_000L;
  }

  /**
   * Appends every golden sample, series by series in the order sent, through {@code app} of {@code
   * head}; each must be accepted.
   */
  public static void appendAll(Head head, HeadAppender app) {
    samples()
        .forEach(
            (name, list) -> {
              byte[] key = Labels.of("__name__", name).toKey();
              app.series(head.hash(key, 0, key.length), key, 0, key.length);
              for (Sample x : list) {
                AppendResult r;
                if (x.value() instanceof Long bits) {
                  r = app.append(x.t(), bits);
                } else if (x.value() instanceof Histogram h) {
                  r = app.appendHistogram(x.t(), h);
                } else {
                  r = app.appendFloatHistogram(x.t(), (FloatHistogram) x.value());
                }
                if (r != AppendResult.OK) {
                  throw new AssertionError(name + " at " + x.t() + ": " + r);
                }
              }
            });
  }

  /** The samples sent, by series name, in the order sent. */
  public static Map<String, List<Sample>> samples() {
    Map<String, List<Sample>> out = new LinkedHashMap<>();
    for (String[] r : Golden.rows("prometheus-2.42-histograms/samples.tsv")) {
      long t = Long.parseLong(r[2]);
      Object v =
          switch (r[1]) {
            case "float-sample" -> Long.parseUnsignedLong(r[3], 16);
            case "int" ->
                new Histogram(
                    Byte.parseByte(r[3]),
                    Integer.parseInt(r[4]),
                    dbl(r[5]),
                    Long.parseUnsignedLong(r[6]),
                    Long.parseUnsignedLong(r[7]),
                    dbl(r[8]),
                    spans(r[9]),
                    spans(r[11]),
                    longs(r[10]),
                    longs(r[12]));
            case "float" ->
                new FloatHistogram(
                    Byte.parseByte(r[3]),
                    Integer.parseInt(r[4]),
                    dbl(r[5]),
                    dbl(r[6]),
                    dbl(r[7]),
                    dbl(r[8]),
                    spans(r[9]),
                    spans(r[11]),
                    doubles(r[10]),
                    doubles(r[12]));
            default -> throw new IllegalArgumentException("unknown kind " + r[1]);
          };
      out.computeIfAbsent(r[0], k -> new ArrayList<>()).add(new Sample(t, v));
    }
    return out;
  }

  private static Path block;

  /**
   * The block directory Prometheus cut; when the golden files are inside a jar (another module's
   * tests), a copy in a temporary directory, as the readers map files.
   */
  public static synchronized Path block() {
    if (block != null) {
      return block;
    }
    try {
      URI uri =
          HistogramGolden.class.getResource("/golden/prometheus-2.42-histograms/block").toURI();
      Path dir;
      if ("file".equals(uri.getScheme())) {
        dir = Path.of(uri);
      } else {
        Path tmp = Files.createTempDirectory("golden-histograms");
        try (FileSystem zip = FileSystems.newFileSystem(uri, Map.of());
            Stream<Path> all = Files.walk(zip.provider().getPath(uri))) {
          Path root = zip.provider().getPath(uri);
          for (Path p : all.toList()) {
            Path q = tmp.resolve(root.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(q);
            } else {
              Files.copy(p, q);
            }
          }
        }
        dir = tmp;
      }
      try (Stream<Path> s = Files.list(dir)) {
        block = s.filter(Files::isDirectory).findFirst().orElseThrow();
      }
      return block;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A comparable text form of a sample: its value with buckets as absolute counts by bucket index,
   * empty buckets left out (a re-encoded chunk holds the zero buckets its layout gained).
   */
  public static String canonical(long t, Object v) {
    if (v instanceof Long bits) {
      return t + " float " + Long.toHexString(bits);
    }
    if (v instanceof Histogram h) {
      if (HistogramChunkFormat.isStale(h.sum())) {
        return t + " stale";
      }
      return t
          + " int schema="
          + h.schema()
          + " zt="
          + h.zeroThreshold()
          + " zero="
          + Long.toUnsignedString(h.zeroCount())
          + " count="
          + Long.toUnsignedString(h.count())
          + " sum="
          + Long.toHexString(Double.doubleToRawLongBits(h.sum()))
          + " pos="
          + buckets(h.positiveSpans(), absolute(h.positiveBuckets()))
          + " neg="
          + buckets(h.negativeSpans(), absolute(h.negativeBuckets()));
    }
    FloatHistogram h = (FloatHistogram) v;
    if (HistogramChunkFormat.isStale(h.sum())) {
      return t + " stale";
    }
    return t
        + " float schema="
        + h.schema()
        + " zt="
        + h.zeroThreshold()
        + " zero="
        + h.zeroCount()
        + " count="
        + h.count()
        + " sum="
        + Long.toHexString(Double.doubleToRawLongBits(h.sum()))
        + " pos="
        + buckets(h.positiveSpans(), h.positiveBuckets())
        + " neg="
        + buckets(h.negativeSpans(), h.negativeBuckets());
  }

  private static double[] absolute(long[] deltas) {
    double[] out = new double[deltas.length];
    long v = 0;
    for (int i = 0; i < deltas.length; i++) {
      v += deltas[i];
      out[i] = v;
    }
    return out;
  }

  private static Map<Integer, Double> buckets(List<HistogramSpan> spans, double[] counts) {
    Map<Integer, Double> out = new TreeMap<>();
    int idx = 0;
    int k = 0;
    for (int s = 0; s < spans.size(); s++) {
      idx += spans.get(s).offset();
      for (long j = 0; j < spans.get(s).length(); j++) {
        if (counts[k] != 0) {
          out.put(idx, counts[k]);
        }
        k++;
        idx++;
      }
    }
    return out;
  }

  private static double dbl(String hex) {
    return Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));
  }

  private static List<HistogramSpan> spans(String s) {
    List<HistogramSpan> out = new ArrayList<>();
    if (!s.equals("-")) {
      for (String p : s.split(",")) {
        String[] ol = p.split(":");
        out.add(new HistogramSpan(Integer.parseInt(ol[0]), Long.parseLong(ol[1])));
      }
    }
    return out;
  }

  private static long[] longs(String s) {
    if (s.equals("-")) {
      return new long[0];
    }
    String[] p = s.split(",");
    long[] out = new long[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = Long.parseLong(p[i]);
    }
    return out;
  }

  private static double[] doubles(String s) {
    if (s.equals("-")) {
      return new double[0];
    }
    String[] p = s.split(",");
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = dbl(p[i]);
    }
    return out;
  }
}
