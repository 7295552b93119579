// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One receiver of a test ring on loopback: its ports, data directory and replica label index, the
 * arguments that start it, and the hashring file's endpoint list.
 */
record RingNode(int index, int rw, int web, int grpc, Path data) {
  /** A node with free ports and its data under {@code dir/node<index>}. */
  static RingNode create(int index, Path dir) throws IOException {
    return new RingNode(
        index,
        ItFixtures.freePort(),
        ItFixtures.freePort(),
        ItFixtures.freePort(),
        dir.resolve("node" + index));
  }

  /** {@code count} nodes, indexes 0 to {@code count - 1}. */
  static List<RingNode> ring(int count, Path dir) throws IOException {
    List<RingNode> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      nodes.add(create(i, dir));
    }
    return nodes;
  }

  /** Its address in a hashring: the gRPC address. */
  String endpoint() {
    return "127.0.0.1:" + grpc;
  }

  /**
   * {@code receive} with this node's addresses, data directory and replica label, then {@code
   * extra}.
   */
  String[] receiveArgs(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "receive",
                "--remote-write.address=127.0.0.1:" + rw,
                "--http-address=127.0.0.1:" + web,
                "--grpc-address=127.0.0.1:" + grpc,
                "--tsdb.path=" + data,
                "--label=replica=\"" + index + "\""));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /**
   * The JSON array of the nodes' endpoints for a hashring file: strings, or objects with an {@code
   * az} each when {@code azs} are given.
   */
  static String endpoints(List<RingNode> nodes, String... azs) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      out.add(
          azs.length == 0
              ? "\"" + nodes.get(i).endpoint() + "\""
              : "{\"address\": \"" + nodes.get(i).endpoint() + "\", \"az\": \"" + azs[i] + "\"}");
    }
    return "[" + String.join(", ", out) + "]";
  }

  /** A hashring file's content: one ring named {@code default} of {@code nodes}. */
  static String defaultRing(List<RingNode> nodes) {
    return "[{\"hashring\": \"default\", \"endpoints\": " + endpoints(nodes) + "}]";
  }
}
