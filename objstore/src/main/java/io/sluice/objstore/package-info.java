// SPDX-License-Identifier: Apache-2.0
/**
 * Object storage: the {@code Bucket} abstraction with filesystem and S3 implementations. Arrives
 * with the shipper; nothing in the write path depends on it yet.
 */
package io.sluice.objstore;
