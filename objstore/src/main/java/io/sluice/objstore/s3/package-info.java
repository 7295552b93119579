// SPDX-License-Identifier: Apache-2.0
/**
 * The S3 implementation of {@link io.sluice.objstore.Bucket} on the AWS SDK for Java v2. The SDK's
 * types stay inside this package.
 */
package io.sluice.objstore.s3;
