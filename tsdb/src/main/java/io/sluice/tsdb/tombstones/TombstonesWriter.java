// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.tombstones;

import io.sluice.tsdb.encoding.Varint;
import io.sluice.tsdb.fileutil.FileUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.zip.CRC32C;

/**
 * Writes a block's {@code tombstones} file ({@link TombstonesFormat}). Stateless and thread-safe.
 */
public final class TombstonesWriter {
  private TombstonesWriter() {}

  /**
   * The file's bytes for the given entries, in their iteration order.
   *
   * @return the 9-byte empty file for no entries
   */
  public static byte[] encode(Collection<Tombstone> tombstones) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 12 * tombstones.size());
    out.write(TombstonesFormat.MAGIC >>> 24);
    out.write(TombstonesFormat.MAGIC >>> 16);
    out.write(TombstonesFormat.MAGIC >>> 8);
    out.write(TombstonesFormat.MAGIC);
    out.write(TombstonesFormat.VERSION);
    byte[] entry = new byte[3 * Varint.MAX_LEN];
    for (Tombstone t : tombstones) {
      int n = Varint.putUvarint(entry, 0, t.seriesRef());
      n = Varint.putVarint(entry, n, t.mint());
      n = Varint.putVarint(entry, n, t.maxt());
      out.write(entry, 0, n);
    }
    byte[] b = out.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(b, TombstonesFormat.HEADER_SIZE, b.length - TombstonesFormat.HEADER_SIZE);
    int c = (int) crc.getValue();
    byte[] file = new byte[b.length + TombstonesFormat.CRC_SIZE];
    System.arraycopy(b, 0, file, 0, b.length);
    ByteBuffer.wrap(file, b.length, TombstonesFormat.CRC_SIZE).putInt(c);
    return file;
  }

  /**
   * Writes {@code <blockDir>/tombstones} atomically, as Prometheus does: to {@code tombstones.tmp},
   * fsync, rename over {@code tombstones}, fsync of the directory.
   *
   * @return the size of the file in bytes
   * @throws IOException if a step fails
   */
  public static long write(Path blockDir, Collection<Tombstone> tombstones) throws IOException {
    byte[] file = encode(tombstones);
    FileUtil.writeAtomically(blockDir.resolve(TombstonesFormat.FILE_NAME), file);
    return file.length;
  }
}
