// SPDX-License-Identifier: Apache-2.0
/**
 * Label sets, the series key format ({@link io.sluice.tsdb.labels.Labels}) and the xxHash64 series
 * hash Thanos uses for placement.
 */
package io.sluice.tsdb.labels;
