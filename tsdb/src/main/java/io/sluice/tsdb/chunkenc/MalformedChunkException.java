// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

/**
 * Chunk bytes that do not decode: too short for their sample count or with impossible fields.
 * Unchecked because chunks are decoded from memory; I/O layers wrap it where they read from disk.
 */
public final class MalformedChunkException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public MalformedChunkException(String message) {
    super(message);
  }
}
