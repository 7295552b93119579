// SPDX-License-Identifier: Apache-2.0
/**
 * The block index, format v2 of Prometheus 2.42's {@code tsdb/index} ({@link
 * io.sluice.tsdb.index.IndexFormat}): {@link io.sluice.tsdb.index.IndexWriter} streams the {@code
 * index} file of one block, byte-identical to Prometheus', and {@link
 * io.sluice.tsdb.index.IndexReader} maps it to look up symbols, label values, postings and series.
 */
package io.sluice.tsdb.index;
