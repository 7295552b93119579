// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code tombstones} file of a block: deleted time ranges per series ({@link
 * io.sluice.tsdb.tombstones.TombstonesFormat}), byte-compatible with Prometheus 2.42.
 */
package io.sluice.tsdb.tombstones;
