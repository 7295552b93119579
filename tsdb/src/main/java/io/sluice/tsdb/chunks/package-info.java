// SPDX-License-Identifier: Apache-2.0
/**
 * Chunk segment files of a block ({@code chunks/000001}, …): the format ({@link
 * io.sluice.tsdb.chunks.ChunkSegmentFormat}), a writer and an mmap reader, byte-compatible with
 * Prometheus 2.42.
 */
package io.sluice.tsdb.chunks;
