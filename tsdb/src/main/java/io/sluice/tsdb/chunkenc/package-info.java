// SPDX-License-Identifier: Apache-2.0
/**
 * Chunk encodings, byte-identical to Prometheus 2.42: the XOR float chunk ({@link
 * io.sluice.tsdb.chunkenc.XorChunkFormat}) and the integer and float native histogram chunks
 * ({@link io.sluice.tsdb.chunkenc.HistogramChunkFormat}).
 */
package io.sluice.tsdb.chunkenc;
