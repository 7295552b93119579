// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Real segment files with injectable failures, as Prometheus' {@code TestLogPartialWrite} does: an
 * append that writes only part of its bytes and then fails (a short write, disk full), a failing
 * truncate, a failing fsync.
 */
final class FaultySegments implements SegmentFile.Factory {
  /** Bytes of the next append to write before it fails; -1 for no failure. One-shot. */
  volatile int failNextAppendAfter = -1;

  /** Appends that still succeed before the armed failure strikes. */
  volatile int appendsBeforeFailure;

  volatile boolean failTruncate;
  volatile boolean failSync;
  volatile boolean failCreate;

  @Override
  public SegmentFile create(Path path) throws IOException {
    if (failCreate) {
      throw new IOException("Too many open files (injected)");
    }
    SegmentFile real = FileSegment.create(path);
    return new SegmentFile() {
      @Override
      public void append(byte[] b, int off, int len) throws IOException {
        int n = failNextAppendAfter;
        if (n >= 0 && appendsBeforeFailure > 0) {
          appendsBeforeFailure--;
        } else if (n >= 0) {
          failNextAppendAfter = -1;
          real.append(b, off, Math.min(n, len));
          throw new IOException("No space left on device (injected)");
        }
        real.append(b, off, len);
      }

      @Override
      public void truncate(long size) throws IOException {
        if (failTruncate) {
          throw new IOException("Input/output error (injected)");
        }
        real.truncate(size);
      }

      @Override
      public boolean syncIfOpen() throws IOException {
        if (failSync) {
          throw new IOException("Input/output error (injected fsync)");
        }
        return real.syncIfOpen();
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    };
  }
}
