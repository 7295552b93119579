// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.fileutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file-system steps that make the storage crash-safe, as Prometheus' {@code tsdb/fileutil}:
 * fsync of a file or a directory, write-then-rename of a small file, rename of a directory over
 * another, and removal of a tree. Every file format and directory of the tsdb (WAL, checkpoints,
 * blocks, meta.json, tombstones) and the shipper's state use these, so that each step is written
 * once.
 *
 * <p>Stateless and thread-safe; callers serialize operations on the same path.
 */
public final class FileUtil {
  private FileUtil() {}

  /**
   * Makes a directory's entries (created, renamed, deleted files) durable: fsync of the directory.
   *
   * @throws IOException if the directory cannot be opened or the fsync fails
   */
  public static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Makes a file's contents durable: fsync of the file.
   *
   * @throws IOException if the file cannot be opened or the fsync fails
   */
  public static void fsyncFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Replaces {@code file} with {@code content} atomically, as Prometheus writes meta.json and
   * tombstones: to {@code <file>.tmp}, fsync, rename over {@code file}, fsync of the directory.
   *
   * @throws IOException if a step fails; the file is then the old or the new one
   */
  public static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDir(file.toAbsolutePath().getParent());
  }

  /**
   * Puts the directory {@code from} in the place of {@code to}, as Prometheus' {@code
   * fileutil.Replace}: removes {@code to} if it exists, renames {@code from} to it atomically and
   * fsyncs the parent of {@code to}. {@code from}'s contents must already be durable.
   *
   * @throws IOException if a step fails; {@code to} is then gone or already the new directory
   */
  public static void replaceDir(Path from, Path to) throws IOException {
    deleteRecursively(to);
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    fsyncDir(to.toAbsolutePath().getParent());
  }

  /**
   * Removes {@code p} and everything under it (symbolic links are removed, not followed); nothing
   * if it does not exist. Entries removed concurrently are not an error.
   *
   * @throws IOException if an entry cannot be listed or removed
   */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            delete(dir);
            return FileVisitResult.CONTINUE;
          }

          private void delete(Path q) throws IOException {
            try {
              Files.delete(q);
            } catch (NoSuchFileException ignored) {
              // Removed concurrently; the goal is reached.
            }
          }
        });
  }
}
