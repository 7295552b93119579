// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.tombstones;

import java.io.IOException;

/** A tombstones file that does not follow {@link TombstonesFormat}; the message names the file. */
public final class CorruptTombstonesException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the file and what was wrong. */
  public CorruptTombstonesException(String message) {
    super(message);
  }
}
