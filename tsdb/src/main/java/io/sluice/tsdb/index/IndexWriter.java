// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import io.sluice.tsdb.encoding.Varint;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes the {@code index} file of one block in format v2 ({@link IndexFormat}), byte-identical to
 * Prometheus 2.42's {@code index.Writer} given the same symbols, series and chunk refs.
 *
 * <p>Lifecycle: {@link #addSymbol} every label name and value in ascending order, then {@link
 * #addSeries} every series in label-set order, then {@link #close()}, which writes the label
 * indices, postings and tables, fsyncs and closes the file. The symbol {@code ""} is always symbol
 * 0, as in every Prometheus-written index (it is the all-postings key).
 *
 * <p>Memory: the symbol table (a map from string to ordinal) and, per label pair, the series refs
 * that carry it, as primitive {@code int} arrays (4 bytes per label of every series, plus 4 per
 * series for the all-postings list). No per-series object is retained. Entries are streamed to the
 * file through a 64 KiB buffer.
 *
 * <p>Not thread-safe: one thread writes an index. If any method throws an {@link IOException}, the
 * file is unusable; close the writer and delete the file. {@link IllegalArgumentException}s reject
 * an argument and leave the writer usable.
 */
public final class IndexWriter implements Closeable {
  private static final int BUFFER_SIZE = 1 << 16;
  private static final int STAGE_SYMBOLS = 0;
  private static final int STAGE_SERIES = 1;
  private static final int STAGE_DONE = 2;

  private final Path file;
  private final FileChannel channel;
  private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
  private final CRC32C crc = new CRC32C();
  private long flushed;
  private boolean crcActive;
  private int crcMark;

  private int stage = STAGE_SYMBOLS;
  private final HashMap<String, Integer> symbolIds = new HashMap<>();
  private final ArrayList<String> symbols = new ArrayList<>();
  private String lastSymbol;

  private final long[] toc = new long[6];

  private Labels lastSeries;
  private byte[] scratch = new byte[256];
  private final byte[] varint = new byte[Varint.MAX_LEN];
  private int[] allRefs = new int[1024];
  private int seriesCount;
  private final PairPostings postings = new PairPostings();

  /**
   * Creates (or truncates) {@code file} and writes the header.
   *
   * @param file the index file to write; its parent directory must exist
   * @throws IOException if the file cannot be created
   */
  public IndexWriter(Path file) throws IOException {
    this.file = Objects.requireNonNull(file, "file");
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    try {
      buf.putInt(IndexFormat.MAGIC);
      buf.put(IndexFormat.VERSION);
      toc[0] = position();
      buf.putInt(0); // length, patched when the table is complete
      buf.putInt(0); // count, ditto
      appendSymbol(IndexFormat.ALL_POSTINGS_KEY);
    } catch (RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The file being written. */
  public Path file() {
    return file;
  }

  /**
   * Adds the next symbol. Symbols must be strictly ascending in unsigned UTF-8 byte order and must
   * include every label name and value of the series added later. Adding {@code ""} first is
   * allowed (it is already there).
   *
   * @throws IllegalArgumentException if {@code symbol} is not greater than the previous symbol or
   *     is not valid Unicode
   * @throws IllegalStateException if a series was already added or the writer is closed
   * @throws IOException if writing fails
   */
  public void addSymbol(String symbol) throws IOException {
    Objects.requireNonNull(symbol, "symbol");
    if (stage != STAGE_SYMBOLS) {
      throw new IllegalStateException("symbols must be added before series");
    }
    if (symbol.isEmpty() && symbols.size() == 1) {
      return;
    }
    if (Utf8.hasUnpairedSurrogate(symbol)) {
      throw new IllegalArgumentException("symbol is not valid Unicode: \"" + symbol + "\"");
    }
    if (Utf8.compare(symbol, lastSymbol) <= 0) {
      throw new IllegalArgumentException(
          "symbol out of order: \"" + symbol + "\" after \"" + lastSymbol + "\"");
    }
    appendSymbol(symbol);
  }

  /**
   * Adds symbols in iteration order, as {@link #addSymbol}.
   *
   * @throws IllegalArgumentException if a symbol is out of order; the symbols before it are added
   * @throws IOException if writing fails
   */
  public void addSymbols(Iterable<String> symbols) throws IOException {
    for (String s : symbols) {
      addSymbol(s);
    }
  }

  private void appendSymbol(String symbol) throws IOException {
    int len = Utf8.encodedLength(symbol);
    ensureScratch(len);
    Utf8.encode(symbol, scratch, 0);
    putUvarint(len);
    put(scratch, 0, len);
    symbolIds.put(symbol, symbols.size());
    symbols.add(symbol);
    lastSymbol = symbol;
  }

  /**
   * Adds the next series and returns its series ref (file offset / 16).
   *
   * @param labels the label set: not empty, no empty label name, every name and value a symbol,
   *     greater than the previous series' label set ({@link Labels#compareTo})
   * @param chunks the chunk metas in time order, at least one, not overlapping (each {@code
   *     minTime} greater than the previous {@code maxTime})
   * @return the series ref
   * @throws IllegalArgumentException if an argument breaks a rule above; nothing is written then
   * @throws IllegalStateException if the writer is closed
   * @throws IOException if writing fails or the index would exceed 64 GiB
   */
  public long addSeries(Labels labels, List<ChunkRef> chunks) throws IOException {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(chunks, "chunks");
    if (stage == STAGE_DONE) {
      throw new IllegalStateException("index writer is closed");
    }
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("series has no labels");
    }
    if (lastSeries != null && labels.compareTo(lastSeries) <= 0) {
      throw new IllegalArgumentException("out-of-order series " + labels + " after " + lastSeries);
    }
    if (chunks.isEmpty()) {
      throw new IllegalArgumentException("series " + labels + " has no chunks");
    }
    int n = encodeSeries(labels, chunks);

    if (stage == STAGE_SYMBOLS) {
      finishSymbols();
      stage = STAGE_SERIES;
      toc[1] = position();
    }
    pad(IndexFormat.SERIES_ALIGNMENT);
    long pos = position();
    long ref = pos / IndexFormat.SERIES_ALIGNMENT;
    if (ref > IndexFormat.MAX_SERIES_REF) {
      throw new IOException("index " + file + " exceeds the maximum size: series offset " + pos);
    }
    putUvarint(n);
    put(scratch, 0, n);
    crc.reset();
    crc.update(scratch, 0, n);
    putInt((int) crc.getValue());

    int iref = (int) ref;
    if (seriesCount == allRefs.length) {
      allRefs = Arrays.copyOf(allRefs, seriesCount * 2);
    }
    allRefs[seriesCount++] = iref;
    for (int i = 0; i < labels.size(); i++) {
      long key = ((long) symbolIds.get(labels.name(i)) << 32) | symbolIds.get(labels.value(i));
      postings.add(key, iref);
    }
    lastSeries = labels;
    return ref;
  }

  /**
   * Encodes the body of a series entry into {@link #scratch}, validating it, and returns its
   * length.
   */
  private int encodeSeries(Labels labels, List<ChunkRef> chunks) {
    int p = 0;
    ensureScratch(10 + labels.size() * 10 + chunks.size() * 30);
    p = uvarint(scratch, p, labels.size());
    for (int i = 0; i < labels.size(); i++) {
      String name = labels.name(i);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("series " + labels + " has an empty label name");
      }
      p = uvarint(scratch, p, symbolId(name, labels));
      p = uvarint(scratch, p, symbolId(labels.value(i), labels));
    }
    p = uvarint(scratch, p, chunks.size());
    ChunkRef prev = null;
    for (ChunkRef c : chunks) {
      Objects.requireNonNull(c, "chunk");
      if (prev == null) {
        p = varint(scratch, p, c.minTime());
        p = uvarint(scratch, p, c.maxTime() - c.minTime());
        p = uvarint(scratch, p, c.ref());
      } else {
        if (c.minTime() <= prev.maxTime()) {
          throw new IllegalArgumentException(
              "series " + labels + ": chunk " + c + " overlaps or precedes " + prev);
        }
        p = uvarint(scratch, p, c.minTime() - prev.maxTime());
        p = uvarint(scratch, p, c.maxTime() - c.minTime());
        p = varint(scratch, p, c.ref() - prev.ref());
      }
      prev = c;
    }
    return p;
  }

  private int symbolId(String s, Labels labels) {
    Integer id = symbolIds.get(s);
    if (id == null) {
      throw new IllegalArgumentException(
          "series " + labels + ": \"" + s + "\" is not in the symbol table");
    }
    return id;
  }

  /**
   * Writes label indices, postings lists, the label offset table, the postings offset table and the
   * TOC, fsyncs and closes the file. Idempotent.
   *
   * @throws IOException if writing fails; the file is then unusable
   */
  @Override
  public void close() throws IOException {
    if (stage == STAGE_DONE) {
      return;
    }
    try {
      if (stage == STAGE_SYMBOLS) {
        finishSymbols();
        toc[1] = position();
      }
      stage = STAGE_DONE;
      long[] keys = postings.sortedKeys();

      toc[2] = position();
      int names = 0;
      for (int i = 0; i < keys.length; i = nextName(keys, i)) {
        names++;
      }
      int[] labelIndexNames = new int[names];
      long[] labelIndexOffsets = new long[names];
      int li = 0;
      for (int i = 0; i < keys.length; ) {
        int end = nextName(keys, i);
        pad(IndexFormat.POSTINGS_ALIGNMENT);
        labelIndexNames[li] = (int) (keys[i] >>> 32);
        labelIndexOffsets[li++] = position();
        long lenPos = beginSection();
        putInt(1);
        putInt(end - i);
        for (int j = i; j < end; j++) {
          putInt((int) keys[j]);
        }
        endSection(lenPos);
        i = end;
      }

      toc[4] = position();
      pad(IndexFormat.POSTINGS_ALIGNMENT);
      long[] postingsOffsets = new long[keys.length + 1];
      postingsOffsets[0] = position();
      writePostings(allRefs, seriesCount);
      for (int i = 0; i < keys.length; i++) {
        postingsOffsets[i + 1] = position();
        int slot = postings.slot(keys[i]);
        writePostings(postings.refs(slot), postings.size(slot));
      }
      allRefs = null;

      toc[3] = position();
      long lenPos = beginSection();
      putInt(names);
      for (int i = 0; i < names; i++) {
        putUvarint(1);
        putString(symbols.get(labelIndexNames[i]));
        putUvarint(labelIndexOffsets[i]);
      }
      endSection(lenPos);

      toc[5] = position();
      lenPos = beginSection();
      putInt(keys.length + 1);
      putUvarint(2);
      putString(IndexFormat.ALL_POSTINGS_KEY);
      putString(IndexFormat.ALL_POSTINGS_KEY);
      putUvarint(postingsOffsets[0]);
      for (int i = 0; i < keys.length; i++) {
        putUvarint(2);
        putString(symbols.get((int) (keys[i] >>> 32)));
        putString(symbols.get((int) keys[i]));
        putUvarint(postingsOffsets[i + 1]);
      }
      endSection(lenPos);

      startCrc();
      for (long off : toc) {
        putLong(off);
      }
      putInt(takeCrc());
      flush();
      channel.force(true);
    } finally {
      channel.close();
    }
  }

  private static int nextName(long[] keys, int i) {
    long name = keys[i] >>> 32;
    int j = i + 1;
    while (j < keys.length && keys[j] >>> 32 == name) {
      j++;
    }
    return j;
  }

  private void writePostings(int[] refs, int n) throws IOException {
    long lenPos = beginSection();
    putInt(n);
    for (int i = 0; i < n; i++) {
      putInt(refs[i]);
    }
    endSection(lenPos);
  }

  /** Patches the symbol table's length and count and appends its CRC, re-reading the table. */
  private void finishSymbols() throws IOException {
    long start = toc[0];
    long end = position();
    if (end - start - 4 > 0xFFFF_FFFFL) {
      throw new IOException("symbol table of " + file + " exceeds 4 GiB");
    }
    flush();
    ByteBuffer head = ByteBuffer.allocate(8);
    head.putInt((int) (end - start - 4)).putInt(symbols.size()).flip();
    writeFully(head, start);
    crc.reset();
    ByteBuffer in = ByteBuffer.allocate(BUFFER_SIZE);
    for (long p = start + 4; p < end; ) {
      in.clear().limit((int) Math.min(in.capacity(), end - p));
      int r = channel.read(in, p);
      if (r < 0) {
        throw new IOException("unexpected end of " + file + " while re-reading symbols");
      }
      in.flip();
      crc.update(in);
      p += r;
    }
    putInt((int) crc.getValue());
  }

  // ---- buffered output -------------------------------------------------------------------

  private long position() {
    return flushed + buf.position();
  }

  private void need(int n) throws IOException {
    if (buf.remaining() < n) {
      flush();
    }
  }

  private void flush() throws IOException {
    if (crcActive) {
      crc.update(buf.array(), crcMark, buf.position() - crcMark);
      crcMark = 0;
    }
    buf.flip();
    flushed += writeFully(buf, flushed);
    buf.clear();
  }

  private int writeFully(ByteBuffer b, long at) throws IOException {
    int n = 0;
    while (b.hasRemaining()) {
      n += channel.write(b, at + n);
    }
    return n;
  }

  private void startCrc() {
    crc.reset();
    crcActive = true;
    crcMark = buf.position();
  }

  private int takeCrc() {
    crc.update(buf.array(), crcMark, buf.position() - crcMark);
    crcActive = false;
    return (int) crc.getValue();
  }

  /** Writes a length placeholder, starts the CRC and returns where the length goes. */
  private long beginSection() throws IOException {
    need(4);
    long lenPos = position();
    buf.putInt(0);
    startCrc();
    return lenPos;
  }

  private void endSection(long lenPos) throws IOException {
    long len = position() - lenPos - 4;
    if (len > 0xFFFF_FFFFL) {
      throw new IOException("index section at " + lenPos + " exceeds 4 GiB: " + len + " bytes");
    }
    putInt(takeCrc());
    if (lenPos >= flushed) {
      buf.putInt((int) (lenPos - flushed), (int) len);
    } else {
      writeFully(ByteBuffer.allocate(4).putInt(0, (int) len), lenPos);
    }
  }

  private void pad(int alignment) throws IOException {
    int n = (int) ((alignment - position() % alignment) % alignment);
    need(n);
    for (int i = 0; i < n; i++) {
      buf.put((byte) 0);
    }
  }

  private void putInt(int v) throws IOException {
    need(4);
    buf.putInt(v);
  }

  private void putLong(long v) throws IOException {
    need(8);
    buf.putLong(v);
  }

  private void putUvarint(long v) throws IOException {
    need(Varint.MAX_LEN);
    buf.put(varint, 0, Varint.putUvarint(varint, 0, v));
  }

  private void put(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (!buf.hasRemaining()) {
        flush();
      }
      int n = Math.min(len, buf.remaining());
      buf.put(b, off, n);
      off += n;
      len -= n;
    }
  }

  private void putString(String s) throws IOException {
    int len = Utf8.encodedLength(s);
    ensureScratch(len);
    Utf8.encode(s, scratch, 0);
    putUvarint(len);
    put(scratch, 0, len);
  }

  private void ensureScratch(int n) {
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, scratch.length * 2)];
    }
  }

  private static int uvarint(byte[] b, int p, long v) {
    return Varint.putUvarint(b, p, v);
  }

  private static int varint(byte[] b, int p, long v) {
    return Varint.putVarint(b, p, v);
  }

  /** Series refs per label pair: an open-addressing map from pair key to a growable int list. */
  private static final class PairPostings {
    private long[] keys = new long[1024];
    private int[] slots = new int[1024]; // 0 = empty, else list index + 1
    private int[][] lists = new int[256][];
    private int[] sizes = new int[256];
    private int count;

    void add(long key, int ref) {
      int s = slot(key);
      if (s < 0) {
        s = insert(key);
      }
      int[] l = lists[s];
      if (sizes[s] == l.length) {
        l = Arrays.copyOf(l, l.length * 2);
        lists[s] = l;
      }
      l[sizes[s]++] = ref;
    }

    int slot(long key) {
      int mask = keys.length - 1;
      for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
        if (slots[i] == 0) {
          return -1;
        }
        if (keys[i] == key) {
          return slots[i] - 1;
        }
      }
    }

    int[] refs(int slot) {
      return lists[slot];
    }

    int size(int slot) {
      return sizes[slot];
    }

    long[] sortedKeys() {
      long[] out = new long[count];
      int n = 0;
      for (int i = 0; i < keys.length; i++) {
        if (slots[i] != 0) {
          out[n++] = keys[i];
        }
      }
      // Name and value ordinals are below 2^31, so signed order is (name, value) order, which is
      // bytewise order because symbols are sorted.
      Arrays.sort(out);
      return out;
    }

    private int insert(long key) {
      if (2 * (count + 1) > keys.length) {
        rehash(keys.length * 2);
      }
      if (count == lists.length) {
        lists = Arrays.copyOf(lists, count * 2);
        sizes = Arrays.copyOf(sizes, count * 2);
      }
      lists[count] = new int[2];
      put(keys, slots, key, count + 1);
      return count++;
    }

    private void rehash(int capacity) {
      long[] k = new long[capacity];
      int[] s = new int[capacity];
      for (int i = 0; i < keys.length; i++) {
        if (slots[i] != 0) {
          put(k, s, keys[i], slots[i]);
        }
      }
      keys = k;
      slots = s;
    }

    private static void put(long[] k, int[] s, long key, int slot) {
      int mask = k.length - 1;
      int i = hash(key) & mask;
      while (s[i] != 0) {
        i = (i + 1) & mask;
      }
      k[i] = key;
      s[i] = slot;
    }

    private static int hash(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }
  }
}
