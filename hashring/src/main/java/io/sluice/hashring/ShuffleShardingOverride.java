// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import java.util.List;
import java.util.Objects;

/**
 * A per-tenant shard size inside {@code shuffle_sharding_config.overrides}.
 *
 * <p>Compatibility note: as in Thanos, an override applies only when its {@code
 * tenant_matcher_type} is literally {@code "exact"} or {@code "glob"}; an override that omits the
 * key never matches (unlike a hashring's {@code tenants}, where omitting it means exact). Sluice
 * keeps this so that shards are the same as on Go receivers.
 *
 * @param shardSize the tenant's shard size (0 or less gives the tenant no nodes, so its lookups
 *     fail)
 * @param tenants tenant names or glob patterns; never null
 * @param tenantMatcherType the raw {@code tenant_matcher_type}; never null, may be empty
 */
public record ShuffleShardingOverride(
    int shardSize, List<String> tenants, String tenantMatcherType) {
  /** Copies the list; null components become empty. */
  public ShuffleShardingOverride {
    tenants = tenants == null ? List.of() : List.copyOf(tenants);
    tenantMatcherType = Objects.requireNonNullElse(tenantMatcherType, "");
  }
}
