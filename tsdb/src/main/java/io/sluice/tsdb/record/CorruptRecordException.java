// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import java.io.IOException;

/**
 * Record bytes that do not decode: the wrong type byte, truncated fields, a varint that overflows,
 * trailing bytes, or labels that are not a valid label set. The segment framing around the record
 * was intact (its CRC matched), so this means a bug in the writer or a different format, not a torn
 * write; callers replaying a WAL report it with the record's segment and offset.
 */
public final class CorruptRecordException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and where. */
  public CorruptRecordException(String message) {
    super(message);
  }
}
