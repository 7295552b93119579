// SPDX-License-Identifier: Apache-2.0
/**
 * Chunk encodings: the XOR float chunk, byte-identical to Prometheus ({@link
 * io.sluice.tsdb.chunkenc.XorChunkFormat}).
 */
package io.sluice.tsdb.chunkenc;
