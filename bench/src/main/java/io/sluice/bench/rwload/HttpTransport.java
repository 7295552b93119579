// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP client that carries request bodies: a source of {@link RequestSender}s, one per shard,
 * each holding one keep-alive HTTP/1.1 connection.
 *
 * <p>Two implementations, picked with {@code --client}: {@link Kind#NETTY} (the default) and {@link
 * Kind#JDK} ({@code java.net.http.HttpClient}). Both keep far ahead of any receiver on loopback,
 * but the JDK client spends several times more CPU per request (measured: about 0.7 ms per 150 KB
 * request warmed up, against 0.1 to 0.25 ms for a plain socket), CPU that a receiver on the same
 * machine then lacks. Thread-safe; the caller closes it after closing its senders.
 */
public final class HttpTransport implements AutoCloseable {

  /** Which HTTP client implementation to use. */
  public enum Kind {
    /** A small Netty client: one channel per shard, NIO transport. */
    NETTY,
    /** {@code java.net.http.HttpClient}, one client (and so one connection) per shard. */
    JDK;

    /** Parses {@code netty} or {@code jdk}, in any case. */
    public static Kind parse(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "netty" -> NETTY;
        case "jdk", "httpclient" -> JDK;
        default ->
            throw new IllegalArgumentException("client must be netty or jdk, got '" + text + "'");
      };
    }
  }

  static {
    // The shaded jar also holds logback, whose default configuration would print Netty's debug
    // messages on stdout, in the middle of the report.
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
  }

  private final Kind kind;
  private final LoadConfig config;
  private final EventLoopGroup group;

  private HttpTransport(Kind kind, LoadConfig config, EventLoopGroup group) {
    this.kind = kind;
    this.config = config;
    this.group = group;
  }

  /**
   * Creates a transport.
   *
   * @param kind the client implementation
   * @param config headers, timeouts and protocol of the requests
   * @param threads I/O threads of the Netty client (ignored by the JDK client)
   */
  public static HttpTransport create(Kind kind, LoadConfig config, int threads) {
    EventLoopGroup group =
        kind == Kind.NETTY
            ? new NioEventLoopGroup(
                Math.max(1, threads), new DefaultThreadFactory("rwload-netty", true))
            : null;
    return new HttpTransport(kind, config, group);
  }

  /** Returns which client this transport uses. */
  public Kind kind() {
    return kind;
  }

  /**
   * Opens a sender for one shard. The connection is made on the first request.
   *
   * @param uri where its requests go
   * @throws IOException if the URI cannot be used
   */
  public RequestSender open(URI uri) throws IOException {
    return switch (kind) {
      case NETTY -> new NettySender(group, config, uri);
      case JDK -> new JdkSender(config, uri);
    };
  }

  /** Stops the I/O threads. */
  @Override
  public void close() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
