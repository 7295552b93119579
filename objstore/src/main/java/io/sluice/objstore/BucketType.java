// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

/**
 * The {@code type} of an objstore configuration that Sluice can open. Thanos' other types ({@code
 * GCS}, {@code AZURE}, {@code SWIFT}, {@code COS}, {@code ALIYUNOSS}, {@code BOS}, {@code OCI},
 * {@code OBS}) are rejected with a message saying so.
 */
public enum BucketType {
  /** Amazon S3 and S3-compatible stores such as MinIO: {@link S3Config}. */
  S3,
  /** A local directory: {@link FilesystemConfig}. */
  FILESYSTEM
}
