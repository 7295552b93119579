// SPDX-License-Identifier: Apache-2.0
/**
 * Just enough PromQL for a receiver: parsing a query to find the series selectors in it, as the
 * Exemplars API needs ({@link io.sluice.receiver.promql.PromqlSelectors}).
 */
package io.sluice.receiver.promql;
