// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunks;

import java.io.IOException;

/**
 * A chunk segment file that does not follow {@link ChunkSegmentFormat}: a bad header, a chunk ref
 * outside the file, or a CRC mismatch. The message names the file and, for a chunk, its offset.
 */
public final class CorruptChunkException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the file and what was wrong. */
  public CorruptChunkException(String message) {
    super(message);
  }
}
