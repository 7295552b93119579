// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

/**
 * A tenant's shuffle shard cannot be built: its shard size exceeds the nodes of a zone ({@code
 * shard size 20 is larger than number of nodes in AZ az-1 (2)}), or the shard has fewer endpoints
 * than the replication factor. Thanos finds these on the tenant's first write, and so does Sluice.
 */
public final class ShuffleShardException extends HashringException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message Thanos' wording
   */
  public ShuffleShardException(String message) {
    super(message);
  }
}
