// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static io.sluice.tsdb.wal.WalFormat.PAGE_SIZE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test helpers: records, reading a WAL back, and a fragment parser independent of WalReader. */
final class WalFiles {
  private WalFiles() {}

  /** A fragment header as found in a segment file. */
  record Fragment(long offset, int type, int length) {}

  /** A record as read back, with where it was. */
  record Read(int segment, long offset, byte[] bytes) {}

  /** The fragments of a segment file, following the format by hand; padding is skipped. */
  static List<Fragment> fragments(Path segment) throws IOException {
    byte[] b = Files.readAllBytes(segment);
    List<Fragment> out = new ArrayList<>();
    int off = 0;
    while (off < b.length) {
      int free = PAGE_SIZE - off % PAGE_SIZE;
      if (free < WalFormat.HEADER_SIZE || b[off] == 0) {
        off += free;
        continue;
      }
      int len = ((b[off + 1] & 0xFF) << 8) | (b[off + 2] & 0xFF);
      out.add(new Fragment(off, b[off] & 0xFF, len));
      off += WalFormat.HEADER_SIZE + len;
    }
    return out;
  }

  /** Every record of the directory, in order. */
  static List<Read> readAll(Path dir) throws IOException {
    return readAll(WalReader.open(dir));
  }

  static List<Read> readAll(WalReader reader) throws IOException {
    List<Read> out = new ArrayList<>();
    try (WalReader r = reader) {
      while (r.next()) {
        out.add(new Read(r.segment(), r.offset(), r.record()));
      }
    }
    return out;
  }

  /** The bytes of the records read. */
  static List<byte[]> bytes(List<Read> reads) {
    return reads.stream().map(Read::bytes).toList();
  }

  /** Incompressible bytes. */
  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** Bytes snappy compresses well. */
  static byte[] compressible(int size, long seed) {
    byte[] b = new byte[size];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      b[i] = (byte) ('a' + (i / 16 + r.nextInt(2)) % 4);
    }
    return b;
  }

  static Path segment(Path dir, int index) {
    return dir.resolve(WalFormat.segmentName(index));
  }

  static void flipByte(Path file, long offset) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[(int) offset] ^= 0x40;
    Files.write(file, b);
  }

  static void truncate(Path file, long size) throws IOException {
    try (var ch =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  static void append(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, java.nio.file.StandardOpenOption.APPEND);
  }
}
