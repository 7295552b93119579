// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import io.sluice.tsdb.labels.Utf8;
import java.util.Comparator;
import java.util.Objects;

/**
 * One receiver in a hashring, as written in the hashring file: either a plain string {@code
 * "host:10901"} or an object {@code {"address": ..., "capnproto_address": ..., "az": ...}}.
 *
 * <p>Placement uses only {@link #address()}. An empty {@code capnprotoAddress} is derived as Thanos
 * does: the text before the first {@code ':'} of the address, then {@code ":19391"} (so {@code
 * "node-1:10901"} gives {@code "node-1:19391"}; an IPv6 literal is mangled the same way Thanos
 * mangles it).
 *
 * @param address the gRPC address {@code host:port} peers forward to; never empty
 * @param capnprotoAddress the Cap'n Proto replication address; derived when given empty or null
 * @param az the availability zone, empty for none; ketama only
 */
public record Endpoint(String address, String capnprotoAddress, String az) {
  /** The Cap'n Proto port Thanos assumes when an endpoint names none. */
  public static final String DEFAULT_CAPNPROTO_PORT = "19391";

  /**
   * Go's sort order of endpoints: address, then Cap'n Proto address, then AZ, each by UTF-8 bytes.
   */
  public static final Comparator<Endpoint> ORDER =
      Comparator.comparing(Endpoint::address, Utf8.ORDER)
          .thenComparing(Endpoint::capnprotoAddress, Utf8.ORDER)
          .thenComparing(Endpoint::az, Utf8.ORDER);

  /** Go's order of endpoints by address alone (UTF-8 bytes), as hashmod sorts them. */
  public static final Comparator<Endpoint> ADDRESS_ORDER =
      Comparator.comparing(Endpoint::address, Utf8.ORDER);

  /**
   * @throws IllegalArgumentException if the address is null or empty, with Thanos' message
   */
  public Endpoint {
    if (address == null || address.isEmpty()) {
      throw new IllegalArgumentException("endpoint address must be set");
    }
    if (capnprotoAddress == null || capnprotoAddress.isEmpty()) {
      int colon = address.indexOf(':');
      capnprotoAddress =
          (colon < 0 ? address : address.substring(0, colon)) + ":" + DEFAULT_CAPNPROTO_PORT;
    }
    az = Objects.requireNonNullElse(az, "");
  }

  /** {@return an endpoint with only an address, like a plain string in the hashring file} */
  public static Endpoint of(String address) {
    return new Endpoint(address, "", "");
  }

  /** {@return an endpoint with an address and an availability zone} */
  public static Endpoint of(String address, String az) {
    return new Endpoint(address, "", az);
  }

  /** {@return whether {@code addr} is this endpoint's gRPC or Cap'n Proto address} */
  public boolean hasAddress(String addr) {
    return address.equals(addr) || capnprotoAddress.equals(addr);
  }
}
