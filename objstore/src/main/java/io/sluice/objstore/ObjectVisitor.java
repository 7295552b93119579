// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.io.IOException;

/** Receives the names found by {@link Bucket#iter}. */
@FunctionalInterface
public interface ObjectVisitor {

  /**
   * Called once per entry, in ascending name order.
   *
   * @param name an object name, or a directory name ending with {@code /}, relative to the bucket
   *     root
   * @throws IOException to stop the iteration; it propagates out of {@link Bucket#iter}
   */
  void visit(String name) throws IOException;
}
