// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

/** The {@code config} section of an objstore configuration, one record per {@link BucketType}. */
public sealed interface ProviderConfig permits S3Config, FilesystemConfig {

  /** The bucket type this section configures. */
  BucketType type();
}
