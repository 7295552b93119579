// SPDX-License-Identifier: Apache-2.0
/**
 * A block directory apart from its index and chunks: block ids ({@link io.sluice.tsdb.block.Ulid}),
 * {@code meta.json} ({@link io.sluice.tsdb.block.BlockMetaFormat}) and the temporary directory
 * names used while a block is created or deleted ({@link io.sluice.tsdb.block.BlockDirs}).
 */
package io.sluice.tsdb.block;
