// SPDX-License-Identifier: Apache-2.0
/**
 * Primitive encodings shared by the on-disk formats, as Prometheus' {@code tsdb/encoding}: {@link
 * io.sluice.tsdb.encoding.Varint} (LEB128 and zigzag).
 */
package io.sluice.tsdb.encoding;
