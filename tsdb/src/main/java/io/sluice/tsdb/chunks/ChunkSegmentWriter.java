// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunks;

import io.sluice.tsdb.encoding.Varint;
import io.sluice.tsdb.fileutil.FileUtil;
import io.sluice.tsdb.query.ChunkMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes the chunk segment files ({@link ChunkSegmentFormat}) of a block being built, into a {@code
 * chunks} directory that holds no segment files yet.
 *
 * <p>Files are written in the same places as Prometheus 2.42 writes them: given the same chunks in
 * the same calls ({@link #writeSeries} per series), the files and refs are byte-identical. Writes
 * are buffered; each finished file is flushed and fsynced when the next one starts, and {@link
 * #close} fsyncs the last file and the directory. Files are not pre-allocated, so each ends right
 * after its last CRC.
 *
 * <p>Not thread-safe: one thread builds a block. Caller closes. After an {@link IOException} the
 * files are incomplete; the caller deletes the block directory.
 */
public final class ChunkSegmentWriter implements AutoCloseable {
  private static final int BUFFER_SIZE = 64 * 1024;

  private final Path dir;
  private final long maxSegmentSize;
  private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
  private final byte[] scratch = new byte[ChunkSegmentFormat.MAX_LEN_FIELD_SIZE + 1];
  private final CRC32C crc = new CRC32C();
  private FileChannel file;
  private int seq;
  private long n;
  private boolean closed;

  /**
   * Creates a writer with Prometheus' 512 MiB maximum segment size. Creates {@code chunksDir} if
   * absent; no file is created before the first chunk.
   *
   * @throws IOException if the directory cannot be created
   */
  public ChunkSegmentWriter(Path chunksDir) throws IOException {
    this(chunksDir, ChunkSegmentFormat.DEFAULT_MAX_SEGMENT_SIZE);
  }

  /**
   * Creates a writer with the given maximum segment size in bytes.
   *
   * @throws IllegalArgumentException if {@code maxSegmentSize} is not above the header size or
   *     above 4 GiB - 1 (offsets are uint32)
   * @throws IOException if the directory cannot be created
   */
  public ChunkSegmentWriter(Path chunksDir, long maxSegmentSize) throws IOException {
    if (maxSegmentSize <= ChunkSegmentFormat.HEADER_SIZE || maxSegmentSize > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("max segment size " + maxSegmentSize + " out of range");
    }
    this.dir = Objects.requireNonNull(chunksDir, "chunksDir");
    this.maxSegmentSize = maxSegmentSize;
    Files.createDirectories(chunksDir);
  }

  /**
   * Writes one chunk, starting a new file first if it would overflow the current one.
   *
   * @param encoding the chunk encoding byte (1 = XOR)
   * @return the chunk's ref
   * @throws IOException if writing fails
   */
  public long write(byte encoding, byte[] data, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, data.length);
    ensureOpen();
    long size = ChunkSegmentFormat.estimatedSize(len);
    if (file == null) {
      cut();
    } else if (n > ChunkSegmentFormat.HEADER_SIZE && size + n > maxSegmentSize) {
      cut();
    }
    return writeChunk(encoding, data, off, len);
  }

  /** Writes one whole chunk array; see {@link #write(byte, byte[], int, int)}. */
  public long write(byte encoding, byte[] data) throws IOException {
    return write(encoding, data, 0, data.length);
  }

  /**
   * Writes the chunks of one series, in order, keeping them in one file when they fit: starts a new
   * file before them if the current file has chunks and they would overflow it, and splits them
   * between files only if they do not fit in an empty one (Prometheus' {@code WriteChunks}).
   *
   * @return the refs of the chunks, in order
   * @throws IOException if writing fails
   */
  public long[] writeSeries(List<ChunkMeta> chunks) throws IOException {
    ensureOpen();
    int count = chunks.size();
    boolean[] cutBefore = new boolean[count];
    long batchSize = 0;
    boolean firstBatch = true;
    for (int i = 0; i < count; i++) {
      long size = ChunkSegmentFormat.estimatedSize(chunks.get(i).data().length);
      batchSize += size;
      boolean cut = i != 0 && batchSize + ChunkSegmentFormat.HEADER_SIZE > maxSegmentSize;
      // The first batch goes into the current file, so it must fit behind the bytes already there.
      if (firstBatch && n > ChunkSegmentFormat.HEADER_SIZE) {
        cut = batchSize + n > maxSegmentSize;
        if (cut) {
          firstBatch = false;
        }
      }
      if (cut) {
        cutBefore[i] = true;
        batchSize = size;
      }
    }
    if (file == null) {
      cut();
    }
    long[] refs = new long[count];
    for (int i = 0; i < count; i++) {
      if (cutBefore[i]) {
        cut();
      }
      ChunkMeta c = chunks.get(i);
      refs[i] = writeChunk(c.encoding(), c.data(), 0, c.data().length);
    }
    return refs;
  }

  /** Number of segment files started so far. */
  public int segmentCount() {
    return seq;
  }

  /**
   * Flushes and fsyncs the last file, then fsyncs the directory. Idempotent.
   *
   * @throws IOException if flushing or an fsync fails
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    finishFile();
    FileUtil.fsyncDir(dir);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("chunk segment writer for " + dir + " is closed");
    }
  }

  private void cut() throws IOException {
    finishFile();
    seq++;
    Path p = ChunkSegmentFormat.segmentPath(dir, seq);
    file = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    buf.clear();
    buf.putInt(ChunkSegmentFormat.MAGIC);
    buf.put(ChunkSegmentFormat.VERSION);
    buf.put((byte) 0).put((byte) 0).put((byte) 0);
    n = ChunkSegmentFormat.HEADER_SIZE;
  }

  private void finishFile() throws IOException {
    if (file == null) {
      return;
    }
    try (FileChannel f = file) {
      file = null;
      flush(f);
      f.force(true);
    }
  }

  private long writeChunk(byte encoding, byte[] data, int off, int len) throws IOException {
    long ref = ChunkSegmentFormat.ref(seq - 1, n);
    int lenSize = Varint.putUvarint(scratch, 0, Integer.toUnsignedLong(len));
    scratch[lenSize++] = encoding;
    put(scratch, 0, lenSize);
    put(data, off, len);
    crc.reset();
    crc.update(encoding);
    crc.update(data, off, len);
    if (buf.remaining() < ChunkSegmentFormat.CRC_SIZE) {
      flush(file);
    }
    buf.putInt((int) crc.getValue());
    n += lenSize + (long) len + ChunkSegmentFormat.CRC_SIZE;
    return ref;
  }

  private void put(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (!buf.hasRemaining()) {
        flush(file);
      }
      int k = Math.min(len, buf.remaining());
      buf.put(b, off, k);
      off += k;
      len -= k;
    }
  }

  private void flush(FileChannel f) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      f.write(buf);
    }
    buf.clear();
  }
}
