// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Segment listing and naming shared by the WAL classes. */
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
}
