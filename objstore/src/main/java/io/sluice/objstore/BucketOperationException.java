// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.io.IOException;

/**
 * A bucket operation failed for a reason other than a missing object: the store refused it
 * (permissions, a missing bucket, a throttled request after retries) or could not be reached.
 */
public final class BucketOperationException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String bucket;
  private final BucketOperation operation;
  private final String objectName;
  private final String errorCode;

  /**
   * @param bucket the bucket's {@link Bucket#name()}
   * @param operation the failed operation
   * @param objectName the object name or directory the operation was about
   * @param errorCode the store's error code (e.g. S3's {@code AccessDenied}), or {@code null} when
   *     there was no answer (connection refused, timeout)
   * @param detail what went wrong, in the store's words
   * @param cause the underlying exception
   */
  public BucketOperationException(
      String bucket,
      BucketOperation operation,
      String objectName,
      String errorCode,
      String detail,
      Throwable cause) {
    super(
        operation.label()
            + " '"
            + objectName
            + "' in bucket '"
            + bucket
            + "' failed"
            + (errorCode == null ? "" : " with " + errorCode)
            + ": "
            + detail,
        cause);
    this.bucket = bucket;
    this.operation = operation;
    this.objectName = objectName;
    this.errorCode = errorCode;
  }

  /** The bucket's {@link Bucket#name()}. */
  public String bucket() {
    return bucket;
  }

  /** The failed operation. */
  public BucketOperation operation() {
    return operation;
  }

  /** The object name or directory the operation was about. */
  public String objectName() {
    return objectName;
  }

  /** The store's error code, or {@code null} when the store did not answer. */
  public String errorCode() {
    return errorCode;
  }
}
