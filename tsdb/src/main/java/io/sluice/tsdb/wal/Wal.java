// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import static io.sluice.tsdb.wal.WalFormat.HEADER_SIZE;
import static io.sluice.tsdb.wal.WalFormat.PAGE_SIZE;

import io.sluice.tsdb.fileutil.FileUtil;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * An append-only write-ahead log in a directory of segment files, byte-compatible with Prometheus
 * 2.42's {@code wlog.WL} ({@link WalFormat}): Prometheus replays a directory Sluice wrote, and the
 * other way round. For the same records the uncompressed segments are byte-identical to
 * Prometheus'; compressed records differ only in the snappy encoder's output.
 *
 * <h2>Writing and durability</h2>
 *
 * <p>{@link #open} starts a new segment after the last existing one, never appending to a segment
 * that may end in a torn page. Each {@code log} call frames its records into pages and hands the
 * bytes to the OS with one {@code write(2)} (more only for calls over 1 MiB) before it returns:
 * after {@code log} returns, the records survive a process crash but not a machine crash. {@link
 * #sync} makes everything logged before it durable (fsync). A segment is fsynced when it is
 * finished (in the background, as Prometheus does) and on {@link #close}. On open, the previous
 * last segment is fsynced, so that data written before a process crash cannot be lost later by a
 * machine crash while newer segments survive.
 *
 * <h2>Failures</h2>
 *
 * <p>If a write fails, the segment is truncated back to where the failed call started, so the log
 * never holds a torn record followed by more records: the caller gets the {@link IOException} and
 * later calls work again (for example once disk space returns). Records of the failed call that
 * went into an earlier segment before a segment switch stay in the log (they are complete). If the
 * truncation fails too, or a finished segment cannot be fsynced, the WAL refuses further writes
 * with an {@link IOException} until it is closed and reopened (replay then sees what really is on
 * disk).
 *
 * <h2>Thread-safety</h2>
 *
 * <p>All methods are thread-safe. {@code log} calls are serialized by an internal lock, so the
 * records of one call are contiguous; {@link #sync} runs the fsync outside that lock, so writers
 * are not blocked by it. The caller owns the instance and must {@link #close} it. Only one {@code
 * Wal} may write a directory at a time (the database holds the directory lock, as Prometheus'
 * lockfile does).
 *
 * <p>Memory: a reused staging buffer from 4 KiB up to 1 MiB (the largest call, capped) and, with
 * compression, a buffer the size of the largest record's worst-case compressed length.
 */
public final class Wal implements Closeable {
  private static final int STAGING_MAX = 1 << 20;
  private static final byte[] ZEROS = new byte[PAGE_SIZE];
  private static final ExecutorService FINISHER =
      Executors.newThreadPerTaskExecutor(
          Thread.ofVirtual().name("sluice-wal-finish-", 0).factory());

  private final Path dir;
  private final WalOptions options;
  private final long pagesPerSegment;
  private final SegmentFile.Factory files;
  private final ReentrantLock lock = new ReentrantLock();
  private final CRC32C crc = new CRC32C();

  // Guarded by lock.
  private SegmentFile file;
  private volatile int segment;
  private long written;
  // Starts small, so that a tenant that writes a few series does not hold pages of it.
  private byte[] staging = new byte[4096];
  private int staged;
  private byte[] snappyBuf = new byte[0];
  private boolean closed;
  private IOException broken;
  private final List<CompletableFuture<Void>> finishing = new ArrayList<>();

  private volatile IOException finishFailure;

  private Wal(Path dir, WalOptions options, SegmentFile.Factory files) {
    this.dir = dir;
    this.options = options;
    this.pagesPerSegment = options.segmentSize() / PAGE_SIZE;
    this.files = files;
  }

  /**
   * Opens the WAL in {@code dir} for appending, creating the directory if needed, and starts a new
   * segment after the last existing one (segment 0 in an empty directory). Existing segments are
   * not read: replay them with {@link WalReader} (and repair with {@link WalRepair}) before
   * opening.
   *
   * @throws NonSequentialSegmentsException if the existing segment indexes have a gap
   * @throws IOException if the directory or the new segment cannot be created
   */
  public static Wal open(Path dir, WalOptions options) throws IOException {
    return open(dir, options, SegmentFile.Factory.DEFAULT);
  }

  static Wal open(Path dir, WalOptions options, SegmentFile.Factory files) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    Files.createDirectories(dir);
    int[] segs = Segments.list(dir);
    int next = 0;
    if (segs.length > 0) {
      int last = segs[segs.length - 1];
      FileUtil.fsyncFile(Segments.path(dir, last));
      next = last + 1;
    }
    Wal wal = new Wal(dir, options, files);
    wal.file = files.create(Segments.path(dir, next));
    wal.segment = next;
    try {
      FileUtil.fsyncDir(dir);
    } catch (IOException e) {
      try {
        wal.file.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return wal;
  }

  /** The WAL directory. */
  public Path dir() {
    return dir;
  }

  /** The options this WAL was opened with. */
  public WalOptions options() {
    return options;
  }

  /** Index of the oldest segment still on disk (the one being written if it is the only one). */
  public int firstSegment() throws IOException {
    int[] segs = Segments.listUnchecked(dir);
    return segs.length == 0 ? segment : segs[0];
  }

  /** Index of the segment being written. */
  public int lastSegment() {
    return segment;
  }

  /**
   * Appends records, in order, as Prometheus' {@code WL.Log}. The arrays are not retained.
   *
   * @throws IOException if writing fails (see the class comment for what is then in the log)
   * @throws IllegalStateException if the WAL is closed
   */
  public void log(byte[]... records) throws IOException {
    for (byte[] r : records) {
      Objects.requireNonNull(r, "record");
    }
    lock.lock();
    try {
      beginCall();
      int callSegment = segment;
      long callStart = written;
      try {
        for (byte[] r : records) {
          append(r, 0, r.length);
        }
        flushStaging();
      } catch (Throwable t) {
        rollback(callSegment, callStart, t);
        throw t;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends one record, {@code buf[off, off+len)}, without copying it first.
   *
   * @throws IOException if writing fails
   * @throws IllegalStateException if the WAL is closed
   */
  public void log(byte[] buf, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    lock.lock();
    try {
      beginCall();
      int callSegment = segment;
      long callStart = written;
      try {
        append(buf, off, len);
        flushStaging();
      } catch (Throwable t) {
        rollback(callSegment, callStart, t);
        throw t;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends {@code count} records that lie back to back in one buffer: record {@code i} is {@code
   * buf[bounds[i], bounds[i+1])}. This is the shape {@link io.sluice.tsdb.record.RecordEncoder}
   * produces ({@code log(enc.buffer(), enc.bounds(), enc.recordCount())}), so that a request's
   * series and samples records reach the OS in one write without intermediate arrays.
   *
   * @throws IllegalArgumentException if the bounds are not ascending within {@code buf}
   * @throws IOException if writing fails
   * @throws IllegalStateException if the WAL is closed
   */
  public void log(byte[] buf, int[] bounds, int count) throws IOException {
    if (count < 0 || bounds.length < count + 1) {
      throw new IllegalArgumentException(
          "need " + (count + 1) + " bounds for " + count + " records, got " + bounds.length);
    }
    for (int i = 0; i < count; i++) {
      if (bounds[i] < 0 || bounds[i] > bounds[i + 1] || bounds[i + 1] > buf.length) {
        throw new IllegalArgumentException(
            "bad bounds for record " + i + ": [" + bounds[i] + ", " + bounds[i + 1] + ")");
      }
    }
    lock.lock();
    try {
      beginCall();
      int callSegment = segment;
      long callStart = written;
      try {
        for (int i = 0; i < count; i++) {
          append(buf, bounds[i], bounds[i + 1] - bounds[i]);
        }
        flushStaging();
      } catch (Throwable t) {
        rollback(callSegment, callStart, t);
        throw t;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes every record logged before this call durable: waits for the fsync of segments finished
   * earlier and fsyncs the segment being written. Runs the fsync outside the writers' lock.
   *
   * @throws IOException if an fsync fails (the WAL then refuses further writes)
   * @throws IllegalStateException if the WAL is closed
   */
  public void sync() throws IOException {
    SegmentFile f;
    List<CompletableFuture<Void>> pending;
    lock.lock();
    try {
      checkOpen();
      checkUsable();
      f = file;
      pending = List.copyOf(finishing);
    } finally {
      lock.unlock();
    }
    awaitAll(pending);
    try {
      if (!f.syncIfOpen()) {
        // Finished (or closed) meanwhile; that path fsyncs before it closes.
        lock.lock();
        try {
          pending = List.copyOf(finishing);
        } finally {
          lock.unlock();
        }
        awaitAll(pending);
      }
    } catch (IOException e) {
      IOException failure = new IOException("fsync of WAL segment " + segment + " failed", e);
      lock.lock();
      try {
        if (broken == null) {
          broken = failure;
        }
      } finally {
        lock.unlock();
      }
      throw failure;
    }
    IOException ff = finishFailure;
    if (ff != null) {
      throw new IOException(ff.getMessage(), ff);
    }
  }

  /**
   * Finishes the current segment (pads its last page; fsync and close happen in the background) and
   * starts the next one, as Prometheus' {@code NextSegment}: head truncation calls it so that the
   * segments to checkpoint are complete.
   *
   * @return the index of the new segment
   * @throws IOException if the new segment cannot be created
   * @throws IllegalStateException if the WAL is closed
   */
  public int nextSegment() throws IOException {
    lock.lock();
    try {
      beginCall();
      int callSegment = segment;
      long callStart = written;
      try {
        rotate();
      } catch (Throwable t) {
        rollback(callSegment, callStart, t);
        throw t;
      }
      return segment;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes the segments with an index below {@code index}, as Prometheus' {@code Truncate}.
   *
   * @throws IllegalArgumentException if {@code index} is beyond the segment being written
   * @throws IOException if a segment cannot be deleted
   */
  public void truncateBefore(int index) throws IOException {
    if (index > segment) {
      throw new IllegalArgumentException(
          "cannot truncate before " + index + ": segment " + segment + " is being written");
    }
    for (int s : Segments.listUnchecked(dir)) {
      if (s >= index) {
        break;
      }
      Files.deleteIfExists(Segments.path(dir, s));
    }
  }

  /**
   * Pads and fsyncs the segment being written and closes it, after waiting for finished segments'
   * fsyncs. Idempotent.
   *
   * @throws IOException if the last write or an fsync failed; the WAL is closed regardless
   */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      IOException failure = null;
      if (broken == null) {
        try {
          padPage();
          flushStaging();
        } catch (IOException e) {
          failure = e;
        }
      }
      try {
        awaitAll(finishing);
        file.syncIfOpen();
      } catch (IOException e) {
        failure = addTo(failure, e);
      } finally {
        try {
          file.close();
        } catch (IOException e) {
          failure = addTo(failure, e);
        }
      }
      if (finishFailure != null) {
        failure = addTo(failure, finishFailure);
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- framing (all under lock) ----

  private void beginCall() throws IOException {
    checkOpen();
    checkUsable();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("WAL " + dir + " is closed");
    }
  }

  private void checkUsable() throws IOException {
    if (broken != null) {
      throw new IOException("WAL " + dir + " refuses writes: " + broken.getMessage(), broken);
    }
    IOException ff = finishFailure;
    if (ff != null) {
      throw new IOException("WAL " + dir + " refuses writes: " + ff.getMessage(), ff);
    }
  }

  private long position() {
    return written + staged;
  }

  private void append(byte[] src, int off, int len) throws IOException {
    byte[] data = src;
    int p = off;
    int remaining = len;
    int flags = 0;
    if (options.compress() && len > 0) {
      int max = Snappy.maxCompressedLength(len);
      if (snappyBuf.length < max) {
        snappyBuf = new byte[max];
      }
      int n = Snappy.compress(src, off, len, snappyBuf, 0);
      if (n < len) {
        data = snappyBuf;
        p = 0;
        remaining = n;
        flags = WalFormat.SNAPPY_FLAG;
      }
    }

    long pos = position();
    long pageFree = PAGE_SIZE - pos % PAGE_SIZE - HEADER_SIZE;
    long left =
        pageFree + (long) (PAGE_SIZE - HEADER_SIZE) * (pagesPerSegment - pos / PAGE_SIZE - 1);
    // A record larger than a whole segment gets a segment of its own instead of an empty one.
    if (remaining > left && pos > 0) {
      rotate();
    }

    boolean first = true;
    do {
      int pageOff = (int) (position() % PAGE_SIZE);
      int l = Math.min(remaining, PAGE_SIZE - pageOff - HEADER_SIZE);
      int kind;
      if (l == remaining) {
        kind = first ? WalFormat.KIND_FULL : WalFormat.KIND_LAST;
      } else {
        kind = first ? WalFormat.KIND_FIRST : WalFormat.KIND_MIDDLE;
      }
      crc.reset();
      crc.update(data, p, l);
      int c = (int) crc.getValue();
      ensureStaging(HEADER_SIZE + l);
      byte[] s = staging;
      int q = staged;
      s[q] = (byte) (kind | flags);
      s[q + 1] = (byte) (l >>> 8);
      s[q + 2] = (byte) l;
      s[q + 3] = (byte) (c >>> 24);
      s[q + 4] = (byte) (c >>> 16);
      s[q + 5] = (byte) (c >>> 8);
      s[q + 6] = (byte) c;
      System.arraycopy(data, p, s, q + HEADER_SIZE, l);
      staged = q + HEADER_SIZE + l;
      p += l;
      remaining -= l;
      first = false;
      int free = PAGE_SIZE - (int) (position() % PAGE_SIZE);
      if (free < HEADER_SIZE) {
        putZeros(free);
      }
    } while (remaining > 0);
  }

  // Pads the page being written with zeros, unless it is empty.
  private void padPage() throws IOException {
    int off = (int) (position() % PAGE_SIZE);
    if (off != 0) {
      putZeros(PAGE_SIZE - off);
    }
  }

  private void putZeros(int n) throws IOException {
    ensureStaging(n);
    System.arraycopy(ZEROS, 0, staging, staged, n);
    staged += n;
  }

  private void ensureStaging(int n) throws IOException {
    if (staged + n <= staging.length) {
      return;
    }
    if (staging.length < STAGING_MAX) {
      int cap = staging.length;
      while (cap < staged + n && cap < STAGING_MAX) {
        cap *= 2;
      }
      if (staged + n <= cap) {
        staging = Arrays.copyOf(staging, cap);
        return;
      }
    }
    flushStaging();
  }

  private void flushStaging() throws IOException {
    if (staged == 0) {
      return;
    }
    file.append(staging, 0, staged);
    written += staged;
    staged = 0;
  }

  private void rotate() throws IOException {
    padPage();
    flushStaging();
    int next = segment + 1;
    SegmentFile nextFile = files.create(Segments.path(dir, next));
    try {
      FileUtil.fsyncDir(dir);
    } catch (IOException e) {
      try {
        nextFile.close();
        Files.deleteIfExists(Segments.path(dir, next));
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    SegmentFile prev = file;
    int prevIndex = segment;
    file = nextFile;
    segment = next;
    written = 0;
    finishing.removeIf(CompletableFuture::isDone);
    finishing.add(CompletableFuture.runAsync(() -> finish(prev, prevIndex), FINISHER));
  }

  // Runs in the background; failures are recorded, never thrown, so that awaiting never fails.
  private void finish(SegmentFile f, int index) {
    try {
      f.syncIfOpen();
    } catch (IOException | RuntimeException e) {
      if (finishFailure == null) {
        finishFailure = new IOException("fsync of finished WAL segment " + index + " failed", e);
      }
    } finally {
      try {
        f.close();
      } catch (IOException | RuntimeException e) {
        if (finishFailure == null) {
          finishFailure = new IOException("close of finished WAL segment " + index + " failed", e);
        }
      }
    }
  }

  // Undoes a failed call so that no torn record stays in the middle of the log.
  private void rollback(int callSegment, long callStart, Throwable cause) {
    staged = 0;
    long to = segment == callSegment ? callStart : 0;
    try {
      file.truncate(to);
      written = to;
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      broken =
          new IOException(
              "a failed write could not be undone in segment " + segment + ": " + e.getMessage(),
              e);
    }
  }

  private static void awaitAll(List<CompletableFuture<Void>> futures) {
    for (CompletableFuture<Void> f : futures) {
      f.join();
    }
  }

  private static IOException addTo(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
