// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.xerial.snappy.Snappy;

/**
 * A remote-write receiver that stores nothing and answers {@code 200} to every request on every
 * path. It decompresses each body and counts its series and samples, so that a run against it shows
 * what rwload can offer and whether every sample arrived.
 *
 * <p>Answers carry the {@code X-Prometheus-Remote-Write-*-Written} headers of remote write 2.0.
 * Bodies that are not snappy-compressed protobuf are counted as undecodable and still answered with
 * 200. Thread-safe; the caller closes it.
 */
public final class RwSink implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;
  private final LongAdder requests = new LongAdder();
  private final LongAdder series = new LongAdder();
  private final LongAdder samples = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[1 << 20]);

  private RwSink(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts a sink.
   *
   * @param host address to listen on, e.g. {@code 127.0.0.1}
   * @param port port to listen on, 0 for any free port
   * @param threads number of request-handling threads, at least 1
   * @throws IOException if the address cannot be bound
   */
  public static RwSink start(String host, int port, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
    ExecutorService executor =
        Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("rwsink-", 0).factory());
    RwSink sink = new RwSink(server, executor);
    server.createContext("/", sink::handle);
    server.setExecutor(executor);
    server.start();
    return sink;
  }

  /** Returns the port the sink listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Returns the number of requests answered so far. */
  public long requests() {
    return requests.sum();
  }

  /** Returns the number of time series elements received so far. */
  public long series() {
    return series.sum();
  }

  /** Returns the number of samples received so far. */
  public long samples() {
    return samples.sum();
  }

  /** Returns the number of compressed body bytes received so far. */
  public long bytes() {
    return bytes.sum();
  }

  /** Returns the number of requests whose body could not be decoded. */
  public long undecodable() {
    return undecodable.sum();
  }

  /** Stops listening; requests in flight get up to a second to finish. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      long n = 0;
      if (body.length > 0) {
        Protocol protocol =
            Protocol.fromContentType(exchange.getRequestHeaders().getFirst("Content-Type"));
        try {
          int length = Snappy.uncompressedLength(body);
          byte[] buffer = buffers.get();
          if (buffer.length < length) {
            buffer = new byte[Math.max(length, buffer.length * 2)];
            buffers.set(buffer);
          }
          Snappy.uncompress(body, 0, body.length, buffer, 0);
          SampleCounter.Counts counts = SampleCounter.count(buffer, 0, length, protocol);
          n = counts.samples();
          series.add(counts.series());
          samples.add(n);
        } catch (IOException | RuntimeException e) {
          undecodable.increment();
        }
      }
      requests.increment();
      bytes.add(body.length);
      var headers = exchange.getResponseHeaders();
      headers.set(RequestSender.SAMPLES_WRITTEN_HEADER, Long.toString(n));
      headers.set("X-Prometheus-Remote-Write-Histograms-Written", "0");
      headers.set("X-Prometheus-Remote-Write-Exemplars-Written", "0");
      exchange.sendResponseHeaders(200, -1);
    }
  }
}
