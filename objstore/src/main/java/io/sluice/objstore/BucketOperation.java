// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

/**
 * The operations of a {@link Bucket}, named as Thanos names them in the {@code operation} label of
 * {@code thanos_objstore_bucket_operations_total} and its siblings.
 */
public enum BucketOperation {
  /** {@link Bucket#get}. */
  GET("get"),
  /** {@link Bucket#getRange}. */
  GET_RANGE("get_range"),
  /** {@link Bucket#exists}. */
  EXISTS("exists"),
  /** Both {@link Bucket#upload} methods. */
  UPLOAD("upload"),
  /** {@link Bucket#delete}. */
  DELETE("delete"),
  /** {@link Bucket#iter} (and {@link Bucket#list}). */
  ITER("iter"),
  /** {@link Bucket#attributes}. */
  ATTRIBUTES("attributes");

  private final String label;

  BucketOperation(String label) {
    this.label = label;
  }

  /** The Thanos label value, e.g. {@code "get_range"}. */
  public String label() {
    return label;
  }
}
