// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The file a {@link Wal} appends a segment to. An interface so that tests can inject write
 * failures; production uses {@link FileSegment}.
 */
interface SegmentFile extends Closeable {
  /** Creates segment files; {@link #DEFAULT} creates real ones. */
  @FunctionalInterface
  interface Factory {
    Factory DEFAULT = FileSegment::create;

    /** Creates a new, empty segment file; fails if it exists. */
    SegmentFile create(Path path) throws IOException;
  }

  /** Appends bytes at the end of the file (one write call where the OS allows). */
  void append(byte[] b, int off, int len) throws IOException;

  /** Cuts the file to {@code size} bytes. */
  void truncate(long size) throws IOException;

  /**
   * Makes written bytes durable (fsync).
   *
   * @return false if the file was already closed (then whoever closed it synced it)
   */
  boolean syncIfOpen() throws IOException;

  /** Closes the file; further syncs return false. Idempotent. */
  @Override
  void close() throws IOException;
}
