// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An index file that cannot be read: bad magic or version, a checksum mismatch, or a section that
 * does not decode. The message names the file and what failed.
 */
public final class CorruptIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param file the index file
   * @param reason what was wrong, e.g. {@code "symbol table: invalid checksum"}
   */
  public CorruptIndexException(Path file, String reason) {
    this(file, reason, null);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param file the index file
   * @param reason what was wrong
   * @param cause the underlying error, or null
   */
  public CorruptIndexException(Path file, String reason, Throwable cause) {
    super("corrupt index " + Objects.requireNonNull(file, "file") + ": " + reason, cause);
    this.file = file;
    this.reason = reason;
  }

  /** The index file. */
  public Path file() {
    return file;
  }

  /** What was wrong, without the file name. */
  public String reason() {
    return reason;
  }
}
