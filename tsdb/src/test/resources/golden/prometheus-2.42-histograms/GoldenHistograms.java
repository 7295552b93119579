// SPDX-License-Identifier: Apache-2.0
//
// Sends the golden native histogram data set to a Prometheus 2.42 remote-write receiver and writes
// every sample it sent to samples.tsv. Run by generate.sh as a single-file program:
//   java -cp protobuf-java.jar:snappy-java.jar GoldenHistograms.java <write-url> <samples.tsv>
// The request bodies are built by hand with CodedOutputStream (field numbers of prompb/types.proto
// and remote.proto at v2.42.0) so that no generated code is needed.

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.IntFunction;
import org.xerial.snappy.Snappy;

public class GoldenHistograms {
  // A 2 h boundary, so that every case lies inside the first block.
  static final long T0 = 1_700_006_400_000L;
  static final long STEP = 15_000L;
  static final long STALE_NAN = 0x7ff0000000000002L;
  static final int HINT_UNKNOWN = 0;
  static final int HINT_YES = 1;
  static final int HINT_GAUGE = 3;

  static final List<String> lines = new ArrayList<>();

  // The closing sample of every case lies just after the first 2 h window, in a new head chunk,
  // so that every chunk of the first block is a closed head chunk, written unchanged (2.42
  // re-encodes a series' open head chunk when it compacts, and drops its counter reset header).
  static final int CLOSING = 481;

  /** One sample of a case: its wire bytes, its samples.tsv line, the same sample at another i. */
  record Hist(byte[] proto, String line, IntFunction<Hist> at) {}

  static IntFunction<Hist> unchecked(IoIntFunction<Hist> f) {
    return i -> {
      try {
        return f.apply(i);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  interface IoIntFunction<T> {
    T apply(int i) throws IOException;
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path out = Path.of(args[1]);
    List<byte[]> series = new ArrayList<>();

    // Integer histograms.
    List<Hist> zero = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      zero.add(ih(i, HINT_UNKNOWN, 0, 0.0, 3L * i, 3L * i, 0.5 * i, sp(), ab(), sp(), ab()));
    }
    series.add(series("golden_h_zero_buckets", zero, List.of()));

    List<Hist> posNeg = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long k = i;
      posNeg.add(
          ih(
              i,
              HINT_UNKNOWN,
              3,
              Math.scalb(1.0, -128),
              k,
              0,
              1.25 * k * k - 0.1,
              sp(-2, 2, 3, 1),
              ab(k, 2 * k, 3 + k * k),
              sp(0, 1, 2, 2),
              ab(5 * k, 1, 17 * k)));
    }
    series.add(series("golden_h_pos_neg_gaps", posNeg, List.of()));

    List<Hist> reset = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      long k = i < 10 ? i + 1 : i - 9; // drops from 10 to 1 at i = 10
      reset.add(
          ih(i, HINT_UNKNOWN, 0, 0.001, k, 0, 10.0 * k, sp(0, 2), ab(k, 2 * k), sp(), ab()));
    }
    series.add(series("golden_h_counter_reset", reset, List.of()));

    List<Hist> layout = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      int schema = i < 5 ? 0 : 1; // schema change at i = 5
      double zt = i < 10 ? 0.001 : 0.5; // zero threshold change at i = 10
      long k = i + 1;
      layout.add(ih(i, HINT_UNKNOWN, schema, zt, k, 0, k, sp(1, 1), ab(2 * k), sp(), ab()));
    }
    series.add(series("golden_h_layout_change", layout, List.of()));

    List<Hist> grow = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long k = i + 1;
      if (i < 5) {
        grow.add(ih(i, HINT_UNKNOWN, 0, 0.0, 0, 0, k, sp(0, 2), ab(k, k), sp(), ab()));
      } else if (i < 10) { // a bucket after a gap and one at the front: forward inserts
        grow.add(ih(i, HINT_UNKNOWN, 0, 0.0, 0, 0, k, sp(-1, 3, 1, 1), ab(1, k, k, 7), sp(), ab()));
      } else { // the gap fills and negative buckets appear
        grow.add(
            ih(
                i,
                HINT_UNKNOWN,
                0,
                0.0,
                0,
                0,
                k,
                sp(-1, 5),
                ab(1, k, k, i, 7),
                sp(4, 2),
                ab(i, 2L * i)));
      }
    }
    series.add(series("golden_h_new_buckets", grow, List.of()));

    List<Hist> stale = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      long k = i + 1;
      if (i == 5 || i == 6) {
        stale.add(ihStale(i));
      } else {
        stale.add(ih(i, HINT_UNKNOWN, 0, 0.0, 0, 0, k, sp(0, 1), ab(k), sp(), ab()));
      }
    }
    series.add(series("golden_h_stale", stale, List.of()));

    List<Hist> hint = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long k = i + 1;
      hint.add(
          ih(i, i == 6 ? HINT_YES : HINT_UNKNOWN, 0, 0.0, 0, 0, k, sp(0, 1), ab(k), sp(), ab()));
    }
    series.add(series("golden_h_reset_hint", hint, List.of()));

    List<Hist> gauge = new ArrayList<>();
    long[][] gaugeBuckets = {
      {5, 3}, {4, 1}, {6, 6}, {2, 9, 1}, {1, 1}, {8, 0, 0}, {3, 3}, {0, 7}, {9, 2}, {4, 4}
    };
    int[][] gaugeSpans = {
      {0, 2}, {0, 2}, {0, 2}, {0, 2, 3, 1}, {1, 2}, {-1, 3}, {0, 2}, {2, 2}, {0, 2}, {0, 2}
    };
    for (int i = 0; i < gaugeBuckets.length; i++) {
      long[] b = gaugeBuckets[i];
      long c = 0;
      for (long x : b) {
        c += x;
      }
      gauge.add(
          ih(i, HINT_GAUGE, 1, 0.001, i % 3, c + i % 3, -2.5 * i, gaugeSpans[i], b, sp(), ab()));
    }
    series.add(series("golden_h_gauge", gauge, List.of()));

    List<Hist> big = new ArrayList<>();
    long[] zeroCounts = {0, 7, 60, 500, 4000, 200000, 30000000, 1L << 50, (1L << 56) + 5};
    for (int i = 0; i < zeroCounts.length; i++) {
      long a = 3L << (5 * i); // deltas of deltas of every varbit size
      long b = i % 2 == 0 ? 1 : 1L << (7 * i);
      big.add(
          ih(
              i,
              HINT_UNKNOWN,
              8,
              0.00123,
              zeroCounts[i],
              0,
              Math.PI * (1L << (6 * i)),
              sp(-100000, 2),
              ab(a, a + b),
              sp(70000, 1),
              ab(b)));
    }
    series.add(series("golden_h_big_values", big, List.of()));

    // Float histograms.
    List<Hist> fbasic = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      double k = i + 0.25;
      fbasic.add(
          fh(
              i,
              HINT_UNKNOWN,
              2,
              0.001,
              k / 3,
              0,
              k * 1.1,
              sp(-1, 2, 2, 1),
              fb(k, k * 0.5, 1.0 / 3 + k),
              sp(0, 1),
              fb(k / 7)));
    }
    series.add(series("golden_fh_basic", fbasic, List.of()));

    List<Hist> fgrow = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      double k = i + 1.5;
      if (i < 4) {
        fgrow.add(fh(i, HINT_UNKNOWN, 0, 0.0, 0, 0, k, sp(1, 1), fb(k), sp(), fb()));
      } else if (i < 8) {
        fgrow.add(fh(i, HINT_UNKNOWN, 0, 0.0, 0, 0, k, sp(0, 2, 2, 1), fb(0.5, k, 2.5), sp(), fb()));
      } else {
        fgrow.add(
            fh(i, HINT_UNKNOWN, 0, 0.0, 0, 0, k, sp(0, 5), fb(0.5, k, 1, 2, 2.5), sp(0, 1), fb(k)));
      }
    }
    series.add(series("golden_fh_new_buckets", fgrow, List.of()));

    List<Hist> freset = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      double k = i < 6 ? i + 1 : (i - 5) * 0.5; // a reset in one bucket only at i = 6
      double other = 10.0 * (i + 1);
      freset.add(fh(i, HINT_UNKNOWN, 0, 0.0, 1, 0, k, sp(0, 2), fb(other, k), sp(), fb()));
    }
    series.add(series("golden_fh_counter_reset", freset, List.of()));

    List<Hist> fgauge = new ArrayList<>();
    double[][] fgb = {{2.5, 1}, {1.5}, {3, 0.5, 4}, {2, 2}, {0.25, 8}, {1}};
    int[][] fgs = {{0, 2}, {1, 1}, {0, 3}, {0, 1, 1, 1}, {0, 2}, {3, 1}};
    for (int i = 0; i < fgb.length; i++) {
      fgauge.add(fh(i, HINT_GAUGE, -2, 0.0, 0.5 * i, 0, -1.0 * i, fgs[i], fgb[i], sp(), fb()));
    }
    series.add(series("golden_fh_gauge", fgauge, List.of()));

    List<Hist> fstale = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double k = i + 0.75;
      fstale.add(i == 4 ? fhStale(i) : fh(i, HINT_UNKNOWN, 0, 0.0, 0, 0, k, sp(0, 1), fb(k), sp(), fb()));
    }
    series.add(series("golden_fh_stale", fstale, List.of()));

    // A series that switches between float samples and integer histograms, one request per part
    // (2.42 commits a request's float samples before its histograms, so in one request the
    // histograms would come out of order and be dropped), before the other cases, whose closing
    // samples move the head's minimum valid time past it.
    String mixed = "golden_mixed";
    send(url, List.of(series(mixed, List.of(), floats(mixed, 0, 5))));
    List<Hist> mixedHist = new ArrayList<>();
    for (int i = 5; i < 10; i++) {
      mixedHist.add(ih(i, HINT_UNKNOWN, 0, 0.0, 0, 0, i, sp(0, 1), ab(i), sp(), ab()));
    }
    send(url, List.of(series(mixed, mixedHist, List.of())));
    send(url, List.of(series(mixed, List.of(), floats(mixed, 10, 15))));

    series.add(series(mixed, List.of(), List.of(floatSample(mixed, CLOSING * STEP, 7.5))));
    send(url, series);

    // A float sample 4 h later makes the head span more than 3 h, so Prometheus cuts the first block.
    String filler = "golden_filler";
    send(url, List.of(series(filler, List.of(), List.of(floatSample(filler, 4 * 3_600_000L, 1.0)))));

    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      w.println("# SPDX-License-Identifier: Apache-2.0");
      w.println(
          "# Samples sent by GoldenHistograms.java, in order, one per line; see README.md for the"
              + " columns.");
      for (String line : lines) {
        w.println(line);
      }
    }
  }

  static int[] sp(int... offsetLengthPairs) {
    return offsetLengthPairs;
  }

  static long[] ab(long... absoluteCounts) {
    return absoluteCounts;
  }

  static double[] fb(double... counts) {
    return counts;
  }

  static String spans(int[] s) {
    if (s.length == 0) {
      return "-";
    }
    StringJoiner j = new StringJoiner(",");
    for (int i = 0; i < s.length; i += 2) {
      j.add(s[i] + ":" + s[i + 1]);
    }
    return j.toString();
  }

  static String longs(long[] v) {
    if (v.length == 0) {
      return "-";
    }
    StringJoiner j = new StringJoiner(",");
    for (long x : v) {
      j.add(Long.toString(x));
    }
    return j.toString();
  }

  static String doubles(double[] v) {
    if (v.length == 0) {
      return "-";
    }
    StringJoiner j = new StringJoiner(",");
    for (double x : v) {
      j.add(hex(x));
    }
    return j.toString();
  }

  static String hex(double d) {
    return String.format("%016x", Double.doubleToRawLongBits(d));
  }

  static long[] deltas(long[] abs) {
    long[] d = new long[abs.length];
    long prev = 0;
    for (int i = 0; i < abs.length; i++) {
      d[i] = abs[i] - prev;
      prev = abs[i];
    }
    return d;
  }

  static long sum(long[] v) {
    long s = 0;
    for (long x : v) {
      s += x;
    }
    return s;
  }

  /** An integer histogram at T0 + i·STEP; count = zero count + extra + all bucket counts. */
  static Hist ih(
      int i,
      int hint,
      int schema,
      double zeroThreshold,
      long zeroCount,
      long extra,
      double sum,
      int[] pos,
      long[] posAbs,
      int[] neg,
      long[] negAbs)
      throws IOException {
    long t = T0 + i * STEP;
    long count = zeroCount + extra + sum(posAbs) + sum(negAbs);
    long[] pd = deltas(posAbs);
    long[] nd = deltas(negAbs);
    byte[] proto =
        message(
            o -> {
              o.writeUInt64(1, count); // count_int
              o.writeDouble(3, sum);
              o.writeSInt32(4, schema);
              o.writeDouble(5, zeroThreshold);
              o.writeUInt64(6, zeroCount); // zero_count_int
              writeSpans(o, 8, neg);
              if (nd.length > 0) {
                o.writeByteArray(9, packedSInt64(nd));
              }
              writeSpans(o, 11, pos);
              if (pd.length > 0) {
                o.writeByteArray(12, packedSInt64(pd));
              }
              o.writeEnum(14, hint);
              o.writeInt64(15, t);
            });
    String line =
        String.join(
            "\t",
            "int",
            Long.toString(t),
            Integer.toString(hint),
            Integer.toString(schema),
            hex(zeroThreshold),
            Long.toUnsignedString(zeroCount),
            Long.toUnsignedString(count),
            hex(sum),
            spans(pos),
            longs(pd),
            spans(neg),
            longs(nd));
    return new Hist(
        proto,
        line,
        unchecked(
            j ->
                ih(j, hint, schema, zeroThreshold, zeroCount, extra, sum, pos, posAbs, neg, negAbs)));
  }

  /** An integer histogram stale marker: count 0, the stale NaN as sum, no buckets. */
  static Hist ihStale(int i) throws IOException {
    long t = T0 + i * STEP;
    double sum = Double.longBitsToDouble(STALE_NAN);
    byte[] proto =
        message(
            o -> {
              o.writeUInt64(1, 0);
              o.writeDouble(3, sum);
              o.writeInt64(15, t);
            });
    String line =
        String.join(
            "\t", "int", Long.toString(t), "0", "0", hex(0), "0", "0", hex(sum), "-", "-", "-", "-");
    return new Hist(proto, line, unchecked(GoldenHistograms::ihStale));
  }

  /** A float histogram at T0 + i·STEP; count = zero count + extra + all bucket counts. */
  static Hist fh(
      int i,
      int hint,
      int schema,
      double zeroThreshold,
      double zeroCount,
      double extra,
      double sum,
      int[] pos,
      double[] posCounts,
      int[] neg,
      double[] negCounts)
      throws IOException {
    long t = T0 + i * STEP;
    double count = zeroCount + extra;
    for (double x : posCounts) {
      count += x;
    }
    for (double x : negCounts) {
      count += x;
    }
    double c = count;
    byte[] proto =
        message(
            o -> {
              o.writeDouble(2, c); // count_float, > 0 so that 2.42 takes it as a float histogram
              o.writeDouble(3, sum);
              o.writeSInt32(4, schema);
              o.writeDouble(5, zeroThreshold);
              o.writeDouble(7, zeroCount); // zero_count_float
              writeSpans(o, 8, neg);
              if (negCounts.length > 0) {
                o.writeByteArray(10, packedDouble(negCounts));
              }
              writeSpans(o, 11, pos);
              if (posCounts.length > 0) {
                o.writeByteArray(13, packedDouble(posCounts));
              }
              o.writeEnum(14, hint);
              o.writeInt64(15, t);
            });
    String line =
        String.join(
            "\t",
            "float",
            Long.toString(t),
            Integer.toString(hint),
            Integer.toString(schema),
            hex(zeroThreshold),
            hex(zeroCount),
            hex(count),
            hex(sum),
            spans(pos),
            doubles(posCounts),
            spans(neg),
            doubles(negCounts));
    return new Hist(
        proto,
        line,
        unchecked(
            j ->
                fh(
                    j, hint, schema, zeroThreshold, zeroCount, extra, sum, pos, posCounts, neg,
                    negCounts)));
  }

  /**
   * A float histogram stale marker. Its count is 1 (no buckets), because 2.42 takes a histogram
   * with a zero float count for an integer one.
   */
  static Hist fhStale(int i) throws IOException {
    long t = T0 + i * STEP;
    double sum = Double.longBitsToDouble(STALE_NAN);
    byte[] proto =
        message(
            o -> {
              o.writeDouble(2, 1.0);
              o.writeDouble(3, sum);
              o.writeInt64(15, t);
            });
    String line =
        String.join(
            "\t",
            "float",
            Long.toString(t),
            "0",
            "0",
            hex(0),
            hex(0),
            hex(1.0),
            hex(sum),
            "-",
            "-",
            "-",
            "-");
    return new Hist(proto, line, unchecked(GoldenHistograms::fhStale));
  }

  static List<byte[]> floats(String name, int from, int to) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(floatSample(name, i * STEP, i * 0.5));
    }
    return out;
  }

  static byte[] floatSample(String name, long offset, double v) throws IOException {
    long t = T0 + offset;
    lines.add(String.join("\t", name, "float-sample", Long.toString(t), hex(v)));
    return message(
        so -> {
          so.writeDouble(1, v);
          so.writeInt64(2, t);
        });
  }

  static void writeSpans(CodedOutputStream o, int field, int[] spans) throws IOException {
    for (int i = 0; i < spans.length; i += 2) {
      int offset = spans[i];
      int length = spans[i + 1];
      o.writeByteArray(
          field,
          message(
              so -> {
                so.writeSInt32(1, offset);
                so.writeUInt32(2, length);
              }));
    }
  }

  interface Body {
    void write(CodedOutputStream o) throws IOException;
  }

  static byte[] message(Body body) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(bos);
    body.write(o);
    o.flush();
    return bos.toByteArray();
  }

  static byte[] packedSInt64(long... values) throws IOException {
    return message(
        o -> {
          for (long v : values) {
            o.writeSInt64NoTag(v);
          }
        });
  }

  static byte[] packedDouble(double... values) throws IOException {
    return message(
        o -> {
          for (double v : values) {
            o.writeDoubleNoTag(v);
          }
        });
  }

  /** One TimeSeries with the label __name__ only; histogram lines go to samples.tsv in order. */
  static byte[] series(String name, List<Hist> cases, List<byte[]> samples) throws IOException {
    List<Hist> histograms = new ArrayList<>(cases);
    if (!cases.isEmpty() && !name.equals("golden_mixed")) {
      histograms.add(cases.get(cases.size() - 1).at().apply(CLOSING));
    }
    for (Hist h : histograms) {
      lines.add(name + "\t" + h.line());
    }
    return message(
        o -> {
          o.writeByteArray(
              1,
              message(
                  lo -> {
                    lo.writeString(1, "__name__");
                    lo.writeString(2, name);
                  }));
          for (byte[] s : samples) {
            o.writeByteArray(2, s);
          }
          for (Hist h : histograms) {
            o.writeByteArray(4, h.proto());
          }
        });
  }

  static void send(String url, List<byte[]> timeseries) throws Exception {
    byte[] body =
        message(
            o -> {
              for (byte[] ts : timeseries) {
                o.writeByteArray(1, ts);
              }
            });
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", "application/x-protobuf")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(body)))
            .build();
    HttpResponse<String> resp =
        HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() / 100 != 2) {
      throw new IllegalStateException("write failed: " + resp.statusCode() + " " + resp.body());
    }
    System.out.println("sent " + timeseries.size() + " series: " + resp.statusCode());
  }
}
