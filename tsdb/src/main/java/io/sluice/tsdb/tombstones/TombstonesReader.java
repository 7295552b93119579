// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.tombstones;

import io.sluice.tsdb.encoding.Varint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a block's {@code tombstones} file ({@link TombstonesFormat}). Stateless and thread-safe.
 */
public final class TombstonesReader {
  private TombstonesReader() {}

  /**
   * Reads {@code <blockDir>/tombstones}; a missing file means no tombstones.
   *
   * @return the entries in file order
   * @throws CorruptTombstonesException naming the file if it is too short, has the wrong magic or
   *     version, a CRC mismatch or a truncated entry
   * @throws IOException if it cannot be read
   */
  public static List<Tombstone> read(Path blockDir) throws IOException {
    Path p = blockDir.resolve(TombstonesFormat.FILE_NAME);
    byte[] b;
    try {
      b = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return decode(b, p.toString());
  }

  /**
   * Decodes the bytes of a tombstones file.
   *
   * @param name names the source in error messages
   * @throws CorruptTombstonesException if the bytes are not a valid tombstones file
   */
  public static List<Tombstone> decode(byte[] b, String name) throws CorruptTombstonesException {
    if (b.length < TombstonesFormat.HEADER_SIZE + TombstonesFormat.CRC_SIZE) {
      throw new CorruptTombstonesException(
          "tombstones " + name + ": " + b.length + " bytes is too short for header and checksum");
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    int magic = buf.getInt(0);
    if (magic != TombstonesFormat.MAGIC) {
      throw new CorruptTombstonesException(
          "tombstones " + name + ": invalid magic number " + String.format("0x%08X", magic));
    }
    if (b[4] != TombstonesFormat.VERSION) {
      throw new CorruptTombstonesException(
          "tombstones " + name + ": invalid tombstone format " + (b[4] & 0xFF));
    }
    int end = b.length - TombstonesFormat.CRC_SIZE;
    CRC32C crc = new CRC32C();
    crc.update(b, TombstonesFormat.HEADER_SIZE, end - TombstonesFormat.HEADER_SIZE);
    int actual = (int) crc.getValue();
    int expected = buf.getInt(end);
    if (actual != expected) {
      throw new CorruptTombstonesException(
          "tombstones "
              + name
              + ": checksum did not match, expected "
              + HexFormat.of().toHexDigits(expected)
              + ", actual "
              + HexFormat.of().toHexDigits(actual));
    }
    List<Tombstone> out = new ArrayList<>();
    int[] pos = {TombstonesFormat.HEADER_SIZE};
    while (pos[0] < end) {
      int start = pos[0];
      long ref = uvarint(b, pos, end, name);
      long mint = Varint.unzigzag(uvarint(b, pos, end, name));
      long maxt = Varint.unzigzag(uvarint(b, pos, end, name));
      try {
        out.add(new Tombstone(ref, mint, maxt));
      } catch (IllegalArgumentException e) {
        throw new CorruptTombstonesException(
            "tombstones " + name + ": invalid entry at offset " + start + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static long uvarint(byte[] b, int[] pos, int end, String name)
      throws CorruptTombstonesException {
    int n = Varint.uvarintLength(b, pos[0], end);
    if (n == Varint.TRUNCATED) {
      throw new CorruptTombstonesException(
          "tombstones " + name + ": entry truncated at offset " + end);
    }
    if (n < 0) {
      throw new CorruptTombstonesException(
          "tombstones " + name + ": varint overflows 64 bits before offset " + (pos[0] - n));
    }
    long v = Varint.uvarint(b, pos[0]);
    pos[0] += n;
    return v;
  }
}
