// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.io.IOException;

/**
 * Thrown when an operation needs an object that the bucket does not hold: Thanos' {@code
 * IsObjNotFoundErr} as a type.
 */
public final class ObjectNotFoundException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String bucket;
  private final String objectName;

  /**
   * @param bucket the bucket's {@link Bucket#name()}
   * @param objectName the name that was not found
   */
  public ObjectNotFoundException(String bucket, String objectName) {
    super("object '" + objectName + "' not found in bucket '" + bucket + "'");
    this.bucket = bucket;
    this.objectName = objectName;
  }

  /** The bucket's {@link Bucket#name()}. */
  public String bucket() {
    return bucket;
  }

  /** The object name that was not found. */
  public String objectName() {
    return objectName;
  }
}
