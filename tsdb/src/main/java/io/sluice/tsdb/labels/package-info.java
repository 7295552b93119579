// SPDX-License-Identifier: Apache-2.0
/**
 * Label sets, the series key format ({@link io.sluice.tsdb.labels.Labels}), the xxHash64 series
 * hash Thanos uses for placement, and Prometheus' regular expressions ({@link
 * io.sluice.tsdb.labels.PrometheusRegex}: RE2, anchored, linear time) for matchers and relabelling.
 */
package io.sluice.tsdb.labels;
