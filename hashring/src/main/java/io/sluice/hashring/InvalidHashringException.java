// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

/**
 * A hashring configuration parses but cannot be built, with Thanos' messages: hashmod with an
 * {@code az} ({@code Hashmod algorithm does not support AZ aware hashring configuration. Either use
 * Ketama or remove AZ configuration.}), ketama with fewer endpoints than the replication factor
 * ({@code ketama: amount of endpoints needs to be larger than replication factor}), shuffle
 * sharding on hashmod, or a shard size larger than the ring.
 *
 * <p>Thanos exits on these, at startup and on a reload alike. Sluice fails at startup but keeps the
 * old ring on a reload; see {@link HashringFileWatcher}.
 */
public final class InvalidHashringException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, with Thanos' wording
   */
  public InvalidHashringException(String message) {
    super(message);
  }
}
