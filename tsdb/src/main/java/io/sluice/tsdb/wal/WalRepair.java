// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static io.sluice.tsdb.wal.WalFormat.PAGE_SIZE;

import io.sluice.tsdb.fileutil.FileUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a damaged WAL back to its last good record, with the semantics of Prometheus 2.42's {@code
 * WL.Repair}: every segment after the corrupt one is deleted and the corrupt segment ends at the
 * last record before the damage. It never skips over damage to keep later records, because records
 * depend on earlier ones (samples need their series record).
 *
 * <p>Where Prometheus rewrites the good records into a fresh file, Sluice truncates the segment at
 * the reported offset and zero-pads its last page, which yields the same bytes and is safe at every
 * step against a crash: a cut or partly padded segment reads the same.
 */
public final class WalRepair {
  private WalRepair() {}

  /**
   * Repairs the WAL in {@code dir} after {@code corruption} was raised while reading it. Call it
   * before {@link Wal#open} on the directory (no {@link Wal} may be writing it), once, and log the
   * result; then open the WAL, which continues in a new segment after the repaired one.
   *
   * @throws IllegalArgumentException if the corruption is in another directory (a checkpoint cannot
   *     be repaired: the head would not know which series are lost) or beyond the segment's end
   * @throws IOException if files cannot be deleted or truncated, or the segment still does not read
   *     cleanly up to the cut (the exception did not come from reading this WAL)
   */
  public static RepairResult repair(Path dir, CorruptSegmentException corruption)
      throws IOException {
    Path wal = dir.toAbsolutePath().normalize();
    if (!corruption.dir().toAbsolutePath().normalize().equals(wal)) {
      throw new IllegalArgumentException(
          "corruption is in " + corruption.dir() + ", not in the WAL directory " + dir);
    }
    int bad = corruption.segment();
    Path file = Segments.path(dir, bad);
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("corrupt segment " + file + " does not exist", e);
    }
    long cut = corruption.offset();
    if (cut > size) {
      throw new IllegalArgumentException(
          "corruption offset " + cut + " is beyond the end of " + file + " (" + size + " bytes)");
    }

    // Newest first, so that a crash midway leaves the remaining segments sequential.
    int[] segs = Segments.listUnchecked(dir);
    List<Integer> deleted = new ArrayList<>();
    long deletedBytes = 0;
    for (int i = segs.length - 1; i >= 0 && segs[i] > bad; i--) {
      Path p = Segments.path(dir, segs[i]);
      deletedBytes += Files.size(p);
      Files.delete(p);
      deleted.add(0, segs[i]);
    }

    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(cut);
      int pad = (int) ((PAGE_SIZE - cut % PAGE_SIZE) % PAGE_SIZE);
      if (pad > 0) {
        ByteBuffer zeros = ByteBuffer.allocate(pad);
        long at = cut;
        while (zeros.hasRemaining()) {
          at += ch.write(zeros, at);
        }
      }
      ch.force(true);
    }
    FileUtil.fsyncDir(dir);

    try (WalReader r = WalReader.open(new SegmentRange(dir, bad, bad))) {
      while (r.next()) {
        // Reading to the end proves the cut segment is clean.
      }
    } catch (CorruptSegmentException e) {
      throw new IOException(
          "segment " + bad + " is still corrupt after cutting it at " + cut + ": " + e.reason(), e);
    }
    return new RepairResult(bad, cut, size - cut, deleted, deletedBytes);
  }
}
