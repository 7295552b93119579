// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import java.net.InetSocketAddress;

/**
 * A listen address as Thanos' flags take it: {@code host:port}, {@code :port} (all interfaces) or
 * {@code [ipv6]:port}. Port 0 asks the operating system for a free port.
 *
 * @param host the host or literal address, empty for all interfaces
 * @param port 0..65535
 */
public record HostPort(String host, int port) {
  public HostPort {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException when the text has no port or the port is not a number
   */
  public static HostPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("missing port in address \"" + text + "\"");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid port in address \"" + text + "\"");
    }
    return new HostPort(host, port);
  }

  /** The socket address to bind; an empty host binds every interface. */
  public InetSocketAddress toSocketAddress() {
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
