// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.labels.Labels;
import java.util.Objects;

/**
 * One tenant as the StoreAPI sees it: its database and its external labels (the {@code --label}
 * flags plus {@code <tenant label name>=<tenant>}), which are attached to every series it returns.
 *
 * @param tenant the tenant id
 * @param tsdb the tenant's database; read through {@link Tsdb#querier()} only
 * @param externalLabels the tenant's external labels
 */
public record TenantStore(String tenant, Tsdb tsdb, Labels externalLabels) {
  /** Checks for nulls. */
  public TenantStore {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(tsdb, "tsdb");
    Objects.requireNonNull(externalLabels, "externalLabels");
  }
}
