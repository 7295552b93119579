// SPDX-License-Identifier: Apache-2.0
/**
 * In-memory exemplar storage of a head: Prometheus 2.42's circular exemplar storage, one ring
 * buffer shared by every series, sized by {@code --tsdb.max-exemplars}.
 */
package io.sluice.tsdb.exemplar;
