// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code lock} file of a database directory, held with a {@link FileLock} while the database is
 * open, as Prometheus' {@code fileutil.Flock}. The lock excludes other processes and, through the
 * JVM's overlapping-lock check, other databases of this process on the same directory.
 *
 * <p>Not thread-safe; the owning {@link Tsdb} closes it once.
 */
final class DirectoryLock implements Closeable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates (if needed) and locks {@code <dir>/lock}.
   *
   * @throws DatabaseLockedException if another process or database holds it
   * @throws IOException if the file cannot be created or locked
   */
  static DirectoryLock acquire(Path dir) throws IOException {
    Path path = dir.resolve(Tsdb.LOCK_FILE);
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new DatabaseLockedException(path);
    }
    return new DirectoryLock(path, ch, lock);
  }

  /** Releases the lock and keeps the file: for a database that failed to open. */
  void unlock() throws IOException {
    channel.close();
  }

  /** Releases the lock and deletes the lock file. */
  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
    Files.deleteIfExists(path);
  }
}
