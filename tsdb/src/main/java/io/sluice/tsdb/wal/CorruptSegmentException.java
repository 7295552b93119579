// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A WAL segment that cannot be read past a point: a torn write, a checksum mismatch, a broken
 * fragment sequence, bad padding or an undecodable compressed record. {@link #offset()} is where
 * the good data ends: the start of the record (or padding) that could not be read, so that every
 * record before it is intact. {@link WalRepair#repair} cuts the log there.
 *
 * <p>Callers that find a record whose payload does not decode create this exception themselves with
 * the record's segment and offset ({@link WalReader#segment()}, {@link WalReader#offset()}), as
 * Prometheus' head does.
 */
public final class CorruptSegmentException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path dir;
  private final int segment;
  private final long offset;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param dir the WAL (or checkpoint) directory holding the segment
   * @param segment the segment index
   * @param offset byte offset in the segment where the good data ends
   * @param reason what was wrong
   * @param cause the underlying error, or null
   */
  public CorruptSegmentException(
      Path dir, int segment, long offset, String reason, Throwable cause) {
    super(
        "corruption in segment "
            + Objects.requireNonNull(dir, "dir").resolve(WalFormat.segmentName(segment))
            + " at offset "
            + offset
            + ": "
            + reason,
        cause);
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset: " + offset);
    }
    this.dir = dir;
    this.segment = segment;
    this.offset = offset;
    this.reason = reason;
  }

  /** The directory holding the segment. */
  public Path dir() {
    return dir;
  }

  /** The segment index. */
  public int segment() {
    return segment;
  }

  /** Byte offset in the segment where the good data ends. */
  public long offset() {
    return offset;
  }

  /** What was wrong, without the location. */
  public String reason() {
    return reason;
  }
}
