// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import java.io.IOException;

/**
 * A {@code meta.json} that is not valid JSON, misses a required field, has a field of the wrong
 * type or a meta version other than 1. The message names the file when it was read from one.
 */
public final class InvalidBlockMetaException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message saying what was wrong. */
  public InvalidBlockMetaException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the parser's error. */
  public InvalidBlockMetaException(String message, Throwable cause) {
    super(message, cause);
  }
}
