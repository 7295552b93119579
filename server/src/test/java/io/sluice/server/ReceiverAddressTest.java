// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ReceiverAddressTest {
  @Test
  void logsAddressesAsGoWritesHostAndPort() throws Exception {
    assertThat(Receiver.hostPort(new InetSocketAddress(InetAddress.getByName("::"), 10901)))
        .isEqualTo("[::]:10901");
    assertThat(Receiver.hostPort(new InetSocketAddress(InetAddress.getByName("::1"), 19291)))
        .isEqualTo("[0:0:0:0:0:0:0:1]:19291");
    assertThat(Receiver.hostPort(new InetSocketAddress("127.0.0.1", 10902)))
        .isEqualTo("127.0.0.1:10902");
  }
}
