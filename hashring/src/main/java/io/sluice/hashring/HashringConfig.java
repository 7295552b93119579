// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import io.sluice.tsdb.labels.Utf8;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One element of the hashring file (a JSON array of these); see {@link HashringFile} for the
 * format. Values are kept as written, so that they mean exactly what they mean to Thanos: an empty
 * {@code algorithm} is the flag's algorithm and an unknown one is hashmod ({@link
 * HashringAlgorithm#resolve}); an empty {@code tenantMatcherType} is exact, and an unknown one
 * matches no tenant.
 *
 * @param hashring the ring's name, the {@code name} label of {@code thanos_receive_hashring_*}
 *     gauges; may be empty
 * @param tenants tenant names (or glob patterns) served; empty makes this a default ring that
 *     matches every tenant
 * @param tenantMatcherType {@code "exact"}, {@code "glob"}, or empty (exact)
 * @param endpoints the ring's receivers in file order; may be empty (every lookup then fails)
 * @param algorithm {@code "hashmod"}, {@code "ketama"}, or empty (the flag's)
 * @param externalLabels extra external labels for tenants listed by exact name, sorted by name
 * @param shuffleShardingConfig shuffle sharding, {@link ShuffleShardingConfig#DISABLED} if absent
 */
public record HashringConfig(
    String hashring,
    List<String> tenants,
    String tenantMatcherType,
    List<Endpoint> endpoints,
    String algorithm,
    Map<String, String> externalLabels,
    ShuffleShardingConfig shuffleShardingConfig) {

  /** The {@code tenant_matcher_type} for exact tenant names. */
  public static final String MATCHER_EXACT = "exact";

  /** The {@code tenant_matcher_type} for {@code path/filepath.Match} patterns. */
  public static final String MATCHER_GLOB = "glob";

  /** Copies collections (external labels sorted by name); null components become empty. */
  public HashringConfig {
    hashring = Objects.requireNonNullElse(hashring, "");
    tenants = tenants == null ? List.of() : List.copyOf(tenants);
    tenantMatcherType = Objects.requireNonNullElse(tenantMatcherType, "");
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    algorithm = Objects.requireNonNullElse(algorithm, "");
    TreeMap<String, String> labels = new TreeMap<>(Utf8.ORDER);
    if (externalLabels != null) {
      labels.putAll(externalLabels);
    }
    externalLabels = Collections.unmodifiableMap(labels);
    shuffleShardingConfig =
        Objects.requireNonNullElse(shuffleShardingConfig, ShuffleShardingConfig.DISABLED);
  }

  /** {@return a ring with only endpoints, matching every tenant, with the flag's algorithm} */
  public static HashringConfig of(List<Endpoint> endpoints) {
    return new HashringConfig("", List.of(), "", endpoints, "", Map.of(), null);
  }

  /** {@return whether tenants are matched by exact name ({@code "exact"} or empty)} */
  public boolean exactMatcher() {
    return tenantMatcherType.isEmpty() || MATCHER_EXACT.equals(tenantMatcherType);
  }

  /** {@return whether tenants are glob patterns} */
  public boolean globMatcher() {
    return MATCHER_GLOB.equals(tenantMatcherType);
  }
}
