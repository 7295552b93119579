// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-system helpers shared by the WAL classes. */
final class Segments {
  private Segments() {}

  /**
   * The segment indexes in {@code dir}, ascending. Entries that are not segment names are ignored.
   *
   * @throws NonSequentialSegmentsException if the indexes have a gap
   */
  static int[] list(Path dir) throws IOException {
    int[] segs = listUnchecked(dir);
    for (int i = 1; i < segs.length; i++) {
      if (segs[i] != segs[i - 1] + 1) {
        throw new NonSequentialSegmentsException(dir, segs[i - 1] + 1);
      }
    }
    return segs;
  }

  /** The segment indexes in {@code dir}, ascending, gaps allowed. */
  static int[] listUnchecked(Path dir) throws IOException {
    int[] segs = new int[16];
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        int k = WalFormat.parseSegmentName(p.getFileName().toString());
        if (k >= 0 && Files.isRegularFile(p)) {
          if (n == segs.length) {
            segs = Arrays.copyOf(segs, n * 2);
          }
          segs[n++] = k;
        }
      }
    }
    segs = Arrays.copyOf(segs, n);
    Arrays.sort(segs);
    return segs;
  }

  static Path path(Path dir, int index) {
    return dir.resolve(WalFormat.segmentName(index));
  }

  /** Makes the directory's entries (created, renamed, deleted files) durable. */
  static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Makes a file's contents durable. */
  static void fsyncFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Deletes a file or a directory tree; nothing if it does not exist. */
  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(q);
        } catch (NoSuchFileException ignored) {
          // Deleted concurrently: the goal is reached.
        }
      }
    }
  }
}
