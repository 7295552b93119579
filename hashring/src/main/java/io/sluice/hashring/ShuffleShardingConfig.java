// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import java.util.List;

/**
 * A ring's {@code shuffle_sharding_config} (ketama only): each tenant's series go to a stable
 * subset of {@code shardSize} endpoints, spread over availability zones.
 *
 * @param shardSize the default shard size; 0 or less disables shuffle sharding
 * @param cacheSize how many tenants' sub-rings are kept; 0 or less means Thanos' default of 100
 * @param zoneAwarenessDisabled treat all endpoints as one zone
 * @param overrides per-tenant shard sizes, tried in order; never null
 */
public record ShuffleShardingConfig(
    int shardSize,
    int cacheSize,
    boolean zoneAwarenessDisabled,
    List<ShuffleShardingOverride> overrides) {
  /** Thanos' number of cached sub-rings when {@code cache_size} is not positive. */
  public static final int DEFAULT_CACHE_SIZE = 100;

  /** No shuffle sharding: the value when the key is absent. */
  public static final ShuffleShardingConfig DISABLED =
      new ShuffleShardingConfig(0, 0, false, List.of());

  /** Copies the list; a null list becomes empty. */
  public ShuffleShardingConfig {
    overrides = overrides == null ? List.of() : List.copyOf(overrides);
  }

  /** {@return whether shuffle sharding is on ({@code shard_size > 0})} */
  public boolean enabled() {
    return shardSize > 0;
  }

  /** {@return the cache size in effect: {@link #cacheSize()} or the default of 100} */
  public int effectiveCacheSize() {
    return cacheSize > 0 ? cacheSize : DEFAULT_CACHE_SIZE;
  }
}
