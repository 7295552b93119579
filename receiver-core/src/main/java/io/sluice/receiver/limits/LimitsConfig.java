// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

import java.util.Map;
import java.util.Objects;

/**
 * Thanos receive's limits configuration ({@code --receive.limits-config[-file]}, reference {@code
 * thanos-receive.md} §10), with every tenant's limits resolved against the defaults.
 *
 * <p>The YAML, read strictly (an unknown key, a duplicate key or a value of the wrong type is an
 * error, as Go's {@code yaml.UnmarshalStrict}):
 *
 * <pre>
 * write:
 *   global:
 *     max_concurrency: 30                  # concurrent requests; 0 or absent: no gate
 *     meta_monitoring_url: http://…        # accepted, validated, not used by Sluice
 *     meta_monitoring_limit_query: …       # accepted, not used
 *     meta_monitoring_http_client: {…}     # accepted (keys checked), not used
 *   default:
 *     request: {size_bytes_limit: 1024, series_limit: 1000, samples_limit: 10}
 *     head_series_limit: 1000
 *   tenants:
 *     acme:
 *       request: {size_bytes_limit: 0}     # 0: unlimited, not inherited
 *       head_series_limit: 2000
 * </pre>
 *
 * <p>Merging, as Thanos: an absent default is 0 (unlimited); an absent tenant field inherits the
 * default's value of that field (a tenant with {@code request: {series_limit: 5}} keeps the
 * default's size and samples limits); a present field, 0 included, replaces it. A tenant not listed
 * gets the defaults.
 *
 * @param maxConcurrency {@code write.global.max_concurrency}; 0 or less: no gate
 * @param defaults the limits of tenants not listed
 * @param tenants the listed tenants' limits, defaults merged in; immutable
 */
public record LimitsConfig(
    long maxConcurrency, TenantLimits defaults, Map<String, TenantLimits> tenants) {
  /** No limits and no gate: what an empty configuration means. */
  public static final LimitsConfig NONE = new LimitsConfig(0, TenantLimits.UNLIMITED, Map.of());

  /** Copies {@code tenants}. */
  public LimitsConfig {
    Objects.requireNonNull(defaults, "defaults");
    tenants = Map.copyOf(tenants);
  }

  /**
   * Parses the limits YAML. Empty content (or only comments) is a configuration without limits.
   *
   * @param yaml the content of the file or of the flag
   * @throws LimitsConfigException naming the key that is wrong
   */
  public static LimitsConfig parse(String yaml) throws LimitsConfigException {
    return LimitsConfigParser.parse(yaml);
  }

  /** {@return the limits of {@code tenant}: its own if listed, else the defaults} */
  public TenantLimits forTenant(String tenant) {
    TenantLimits t = tenants.get(tenant);
    return t == null ? defaults : t;
  }

  /** {@return whether some tenant (or the default) has a head-series limit} */
  public boolean limitsHeadSeries() {
    if (defaults.headSeries() > 0) {
      return true;
    }
    for (TenantLimits t : tenants.values()) {
      if (t.headSeries() > 0) {
        return true;
      }
    }
    return false;
  }

  /** {@return whether some tenant (or the default) has a request limit} */
  public boolean limitsRequests() {
    if (defaults.limitsRequests()) {
      return true;
    }
    for (TenantLimits t : tenants.values()) {
      if (t.limitsRequests()) {
        return true;
      }
    }
    return false;
  }
}
