// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.time.Instant;
import java.util.Objects;

/**
 * What a bucket knows about one object.
 *
 * @param size the object's length in bytes, {@code >= 0}
 * @param lastModified when the object was last written, as the store reports it (S3 has second
 *     precision)
 */
public record ObjectAttributes(long size, Instant lastModified) {

  /** Validates the attributes. */
  public ObjectAttributes {
    if (size < 0) {
      throw new IllegalArgumentException("object size must be >= 0: " + size);
    }
    Objects.requireNonNull(lastModified, "lastModified");
  }
}
