// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import java.io.IOException;

/**
 * The S3 bucket cannot be used at all: it does not exist, the credentials are rejected or cannot be
 * found, or the endpoint cannot be reached ({@link S3Bucket#check}); or its {@code ca_file} cannot
 * be read ({@link S3Bucket#open}). The message names the bucket and the cause.
 */
public final class S3BucketUnavailableException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String bucket;

  /**
   * @param bucket the bucket name
   * @param message what is wrong, naming the bucket
   * @param cause the SDK's exception
   */
  public S3BucketUnavailableException(String bucket, String message, Throwable cause) {
    super(message, cause);
    this.bucket = bucket;
  }

  /** The bucket name from the configuration. */
  public String bucket() {
    return bucket;
  }
}
