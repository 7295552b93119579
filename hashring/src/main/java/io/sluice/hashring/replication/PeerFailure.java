// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import io.sluice.receiver.write.ErrorKind;
import java.util.Objects;

/**
 * Why a forward to a peer failed, classified as Thanos classifies it (§4.3): gRPC {@code
 * AlreadyExists} is a conflict, {@code Unavailable} (and a failed dial) unavailable, anything else
 * (Internal, DeadlineExceeded, …) generic.
 *
 * @param kind the error class
 * @param message Thanos-style text, e.g. {@code forwarding request to endpoint X: rpc error: code =
 *     AlreadyExists desc = …}
 */
public record PeerFailure(ErrorKind kind, String message) {
  /** Validates. */
  public PeerFailure {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }
}
