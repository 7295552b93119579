// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import io.sluice.server.cli.HostPort;
import io.sluice.server.cli.ReceiveConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the integration tests share: loopback ports and an in-process receiver's configuration. */
final class ItFixtures {
  private ItFixtures() {}

  /** A port free on 127.0.0.1 at the time of the call. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A receiver on ephemeral 127.0.0.1 ports with Thanos' defaults and {@code replica="it"}. */
  static ReceiveConfig config(Path data) {
    return config(data, false, 0);
  }

  /**
   * As {@link #config(Path)}, with the WAL fsync mode and the out-of-order window given.
   *
   * @param oooWindowMs {@code --tsdb.out-of-order.time-window} in ms; 0 disables
   */
  static ReceiveConfig config(Path data, boolean walFsync, long oooWindowMs) {
    HostPort any = new HostPort("127.0.0.1", 0);
    return new ReceiveConfig(
        any,
        any,
        any,
        data,
        Map.of("replica", "it"),
        "THANOS-TENANT",
        "default-tenant",
        "tenant_id",
        0,
        oooWindowMs,
        32,
        true,
        walFsync,
        2 * 3_600_000L,
        2 * 3_600_000L,
        15 * 24 * 3_600_000L,
        32 << 20,
        128 << 20,
        "info",
        "logfmt",
        List.of());
  }
}
