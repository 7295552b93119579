// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A segment file written through a {@link FileOutputStream} in append mode. Unlike a {@code
 * FileChannel}, a stream is not closed when a writing thread is interrupted, so one interrupted
 * request thread cannot break the WAL for every other writer.
 */
final class FileSegment implements SegmentFile {
  private final FileOutputStream out;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  private FileSegment(FileOutputStream out) {
    this.out = out;
  }

  static FileSegment create(Path path) throws IOException {
    Files.createFile(path);
    return new FileSegment(new FileOutputStream(path.toFile(), true));
  }

  @Override
  public void append(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  public void truncate(long size) throws IOException {
    // FileChannel operations are interruptible and would close the stream on an interrupt.
    boolean interrupted = Thread.interrupted();
    try {
      out.getChannel().truncate(size);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean syncIfOpen() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      out.getFD().sync();
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        out.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
