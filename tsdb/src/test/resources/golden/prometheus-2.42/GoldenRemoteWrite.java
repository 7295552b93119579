// SPDX-License-Identifier: Apache-2.0
//
// Sends the golden data set to a Prometheus remote-write receiver and writes the float samples it
// sent to expected-samples.tsv. Run by generate.sh as a single-file program:
//   java -cp protobuf-java.jar:snappy-java.jar GoldenRemoteWrite.java <write-url> <expected.tsv>
// The request bodies are built by hand with CodedOutputStream (field numbers of prompb/types.proto
// and remote.proto at v2.42.0) so that no generated code is needed.

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xerial.snappy.Snappy;

public class GoldenRemoteWrite {
  static final long T0 = 1_700_000_000_000L;
  static final long STALE_NAN = 0x7ff0000000000002L;
  static final long GO_NAN = 0x7ff8000000000001L; // math.NaN() in Go

  static final List<String> expected = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path out = Path.of(args[1]);

    String[] gauge = {"__name__", "sluice_golden_gauge", "instance", "a", "job", "golden"};
    String[] counter = {
      "__name__", "sluice_golden_counter", "instance", "b", "job", "golden",
      "path", "/api/\u00fc", "quote", "say \"hi\"\\n"
    };
    String[] big = {"__name__", "sluice_golden_big", "job", "golden"};
    String[] requests = {"__name__", "sluice_golden_requests_total", "job", "golden"};
    String[] latency = {"__name__", "sluice_golden_latency", "job", "golden"};
    String[] latencyFloat = {"__name__", "sluice_golden_latency_float", "job", "golden"};

    // Request 1: special values and a counter.
    long[] gaugeBits = {
      bits(1.5), bits(-2.25), GO_NAN, bits(Double.POSITIVE_INFINITY),
      bits(Double.NEGATIVE_INFINITY), bits(-0.0), STALE_NAN, bits(1e308), bits(Double.MIN_VALUE)
    };
    List<byte[]> ts1 = new ArrayList<>();
    long[][] g = new long[gaugeBits.length][];
    for (int i = 0; i < gaugeBits.length; i++) {
      g[i] = new long[] {T0 + i * 15_000L, gaugeBits[i]};
    }
    ts1.add(series(gauge, g, null, null));
    long[][] c = new long[12][];
    for (int i = 0; i < 11; i++) {
      c[i] = new long[] {T0 + i * 1_000L, bits(i)};
    }
    c[11] = new long[] {T0 + 11_000L, bits(0.5)}; // counter reset
    ts1.add(series(counter, c, null, null));
    send(url, ts1);

    // Request 2: one series with enough samples for a record spanning three pages.
    long[][] b = new long[6000][];
    for (int i = 0; i < b.length; i++) {
      b[i] = new long[] {T0 + i * 500L, bits(i * 0.25 - 100)};
    }
    send(url, List.of(series(big, b, null, null)));

    // Request 3: an exemplar, an integer and a float native histogram.
    byte[] exemplar =
        message(
            o -> {
              o.writeByteArray(1, label("trace_id", "abc123"));
              o.writeDouble(2, 0.5);
              o.writeInt64(3, T0 + 10_000L);
            });
    byte[] intHist =
        message(
            o -> {
              o.writeUInt64(1, 10); // count_int
              o.writeDouble(3, 18.5); // sum
              o.writeSInt32(4, 0); // schema
              o.writeDouble(5, 0.001); // zero_threshold
              o.writeUInt64(6, 2); // zero_count_int
              o.writeByteArray(11, span(0, 2)); // positive_spans
              o.writeByteArray(12, packedSInt64(3, 2)); // positive_deltas: 3, 5
              o.writeEnum(14, 2); // reset_hint NO
              o.writeInt64(15, T0 + 20_000L);
            });
    byte[] floatHist =
        message(
            o -> {
              o.writeDouble(2, 10.0); // count_float
              o.writeDouble(3, 18.5); // sum
              o.writeSInt32(4, 1); // schema
              o.writeDouble(5, 0.001); // zero_threshold
              o.writeDouble(7, 2.0); // zero_count_float
              o.writeByteArray(8, span(-1, 1)); // negative_spans
              o.writeByteArray(10, packedDouble(1.0)); // negative_counts
              o.writeByteArray(11, span(1, 2)); // positive_spans
              o.writeByteArray(13, packedDouble(3.0, 4.0)); // positive_counts
              o.writeEnum(14, 3); // reset_hint GAUGE
              o.writeInt64(15, T0 + 20_000L);
            });
    send(
        url,
        List.of(
            series(requests, new long[][] {{T0 + 10_000L, bits(42)}}, exemplar, null),
            series(latency, new long[0][], null, intHist),
            series(latencyFloat, new long[0][], null, floatHist)));

    // Request 4: a sample of a known series (no series record).
    send(url, List.of(series(gauge, new long[][] {{T0 + 135_000L, bits(3.0)}}, null, null)));

    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      w.println("# SPDX-License-Identifier: Apache-2.0");
      w.println("# Float samples sent by GoldenRemoteWrite.java, in order: labels<TAB>t<TAB>bits (hex)");
      for (String line : expected) {
        w.println(line);
      }
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

  static byte[] label(String name, String value) throws IOException {
    return message(
        o -> {
          o.writeString(1, name);
          o.writeString(2, value);
        });
  }

  static byte[] span(int offset, int length) throws IOException {
    return message(
        o -> {
          o.writeSInt32(1, offset);
          o.writeUInt32(2, length);
        });
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

  static byte[] series(String[] labels, long[][] samples, byte[] exemplar, byte[] histogram)
      throws IOException {
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(labels[i]).append('=').append(quote(labels[i + 1]));
    }
    text.append('}');
    for (long[] s : samples) {
      expected.add(text + "\t" + s[0] + "\t" + String.format("%016x", s[1]));
    }
    return message(
        o -> {
          for (int i = 0; i < labels.length; i += 2) {
            o.writeByteArray(1, label(labels[i], labels[i + 1]));
          }
          for (long[] s : samples) {
            o.writeByteArray(
                2,
                message(
                    so -> {
                      so.writeDouble(1, Double.longBitsToDouble(s[1]));
                      so.writeInt64(2, s[0]);
                    }));
          }
          if (exemplar != null) {
            o.writeByteArray(3, exemplar);
          }
          if (histogram != null) {
            o.writeByteArray(4, histogram);
          }
        });
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  static long bits(double d) {
    return Double.doubleToRawLongBits(d);
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
