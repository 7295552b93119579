// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.xerial.snappy.Snappy;

/**
 * A remote-write sender for load tests: remote-write 1.0 bodies of synthetic series encoded by hand
 * into reused buffers (so that the sender costs little CPU next to the receiver), sent over one
 * plain HTTP/1.1 keep-alive connection, as a Prometheus shard does. Series are shaped like a node
 * exporter's, with few label values unique to a series, as in a real scrape (which keeps what a
 * head cut writes realistic): series {@code id} is {@code node_metric_<n>{instance="host-<i>:9100",
 * job="overload", slot="<k>"}} with {@code i = id / 435} and {@code id % 435 = 29 k + n} ({@link
 * #id} inverts it).
 *
 * <p>A {@link Connection} reports the answer's status and {@code Retry-After}; a reset, an early
 * end of the stream or a timeout is an {@link IOException}, which the caller counts. Not
 * thread-safe: one per sending thread.
 */
final class RemoteWriteLoad {
  /** The {@code job} of every series. */
  static final String JOB = "overload";

  // As a node exporter's: 435 series per instance, 29 metric names of up to 15 series each.
  private static final int PER_INSTANCE = 435;
  private static final int NAMES = 29;

  private byte[] raw = new byte[1 << 20];
  private int at;
  private byte[] compressed = new byte[Snappy.maxCompressedLength(raw.length)];
  private final byte[] scratch = new byte[256];

  /** A body with one sample ({@code ts}, {@code value}) for each of {@code ids[from, from+n)}. */
  byte[] encode(int[] ids, int from, int n, long ts, double value) throws IOException {
    at = 0;
    for (int i = from; i < from + n; i++) {
      int series = seriesBody(ids[i], ts, value);
      ensure(series + 6);
      raw[at++] = 0x0a; // WriteRequest.timeseries, field 1
      varint(series);
      System.arraycopy(scratch, 0, raw, at, series);
      at += series;
    }
    int max = Snappy.maxCompressedLength(at);
    if (compressed.length < max) {
      compressed = new byte[max];
    }
    int len = Snappy.rawCompress(raw, 0, at, compressed, 0);
    return Arrays.copyOf(compressed, len);
  }

  // The TimeSeries message of one series into scratch; returns its length.
  private int seriesBody(int id, long ts, double value) {
    int p = 0;
    int k = id % PER_INSTANCE;
    p = label(p, "__name__", "node_metric_" + (k % NAMES));
    p = label(p, "instance", "host-" + (id / PER_INSTANCE) + ":9100");
    p = label(p, "job", JOB);
    p = label(p, "slot", Integer.toString(k / NAMES));
    scratch[p++] = 0x12; // TimeSeries.samples, field 2
    int sampleLen = 1 + 8 + 1 + varintSize(ts);
    scratch[p++] = (byte) sampleLen;
    scratch[p++] = 0x09; // Sample.value, fixed64
    long bits = Double.doubleToRawLongBits(value);
    for (int b = 0; b < 8; b++) {
      scratch[p++] = (byte) (bits >>> (8 * b));
    }
    scratch[p++] = 0x10; // Sample.timestamp, varint
    return varint(scratch, p, ts);
  }

  /** The id of the series with these labels. */
  static int id(String name, String instance, String slot) {
    int n = Integer.parseInt(name.substring("node_metric_".length()));
    int i = Integer.parseInt(instance.substring("host-".length(), instance.indexOf(':')));
    return i * PER_INSTANCE + Integer.parseInt(slot) * NAMES + n;
  }

  private int label(int p, String name, String value) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    scratch[p++] = 0x0a; // TimeSeries.labels, field 1
    scratch[p++] = (byte) (2 + n.length + 2 + v.length);
    scratch[p++] = 0x0a;
    scratch[p++] = (byte) n.length;
    System.arraycopy(n, 0, scratch, p, n.length);
    p += n.length;
    scratch[p++] = 0x12;
    scratch[p++] = (byte) v.length;
    System.arraycopy(v, 0, scratch, p, v.length);
    return p + v.length;
  }

  private void ensure(int more) {
    if (at + more > raw.length) {
      raw = Arrays.copyOf(raw, Math.max(raw.length * 2, at + more));
    }
  }

  private void varint(long v) {
    at = varint(raw, at, v);
  }

  private static int varint(byte[] dst, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      dst[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    dst[p++] = (byte) v;
    return p;
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      n++;
      v >>>= 7;
    }
    return n;
  }

  /** An answer: its status, its {@code Retry-After} (null when absent) and its body. */
  record Answer(int status, String retryAfter, String body) {}

  /** One keep-alive connection to {@code POST /api/v1/receive}; reconnects after a close. */
  static final class Connection implements Closeable {
    private final int port;
    private final int timeoutMs;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    Connection(int port, int timeoutMs) {
      this.port = port;
      this.timeoutMs = timeoutMs;
    }

    Answer post(byte[] body) throws IOException {
      if (socket == null) {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMs);
        socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
      }
      try {
        String head =
            "POST /api/v1/receive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: snappy\r\n"
                + "Content-Type: application/x-protobuf\r\n"
                + "X-Prometheus-Remote-Write-Version: 0.1.0\r\nContent-Length: "
                + body.length
                + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return read();
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    private Answer read() throws IOException {
      String status = line();
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP status line: " + status);
      }
      int code = Integer.parseInt(parts[1]);
      int length = 0;
      String retryAfter = null;
      boolean close = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Integer.parseInt(value);
          case "retry-after" -> retryAfter = value;
          case "connection" -> close = value.equalsIgnoreCase("close");
          default -> {}
        }
      }
      byte[] b = in.readNBytes(length);
      if (b.length < length) {
        throw new EOFException("answer body cut short");
      }
      if (close) {
        close();
      }
      return new Answer(code, retryAfter, new String(b, StandardCharsets.UTF_8).strip());
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(64);
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new EOFException("connection closed before the answer");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
        socket = null;
      }
    }
  }
}
