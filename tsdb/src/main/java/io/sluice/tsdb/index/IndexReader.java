// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import io.sluice.tsdb.encoding.Varint;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.query.Matcher;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * Reads an {@code index} file in format v2 ({@link IndexFormat}), as written by Prometheus 2.x and
 * {@link IndexWriter}.
 *
 * <p>The file is memory-mapped read-only in regions of 1 GiB, so files above 2 GiB are read too;
 * reads that straddle two regions are handled. {@link #open} verifies the magic, version, TOC CRC,
 * symbol table CRC and postings offset table CRC, as Prometheus does when it opens a block; the
 * CRCs of a series entry and of a postings list are verified each time they are read. The symbols
 * and the postings offset table (every label name and value with the offset of its postings list)
 * are decoded into memory at open.
 *
 * <p>Thread-safe: any number of threads may read concurrently. The caller closes the reader once no
 * read is in flight; a read after {@link #close()} throws {@link IllegalStateException}.
 */
public final class IndexReader implements Closeable {
  private static final long[] NO_REFS = new long[0];

  private final Path file;
  private final MappedFile seg;
  private final long size;
  private final long[] toc = new long[6];
  private final String[] symbols;
  private final HashMap<String, ValueTable> postingsTable = new HashMap<>();
  private final List<String> labelNames;
  private final long allPostingsOffset;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Values of one label name, in bytewise order, with the offsets of their postings lists. */
  private record ValueTable(String[] values, long[] offsets) {}

  private IndexReader(Path file, MappedFile seg) throws CorruptIndexException {
    this.file = file;
    this.seg = seg;
    this.size = seg.size();
    if (size < IndexFormat.HEADER_SIZE + IndexFormat.TOC_SIZE) {
      throw corrupt("file is too short (" + size + " bytes)");
    }
    int magic = seg.getInt(0);
    if (magic != IndexFormat.MAGIC) {
      throw corrupt(String.format("invalid magic number %08x", magic));
    }
    byte version = seg.get(4);
    if (version != IndexFormat.VERSION) {
      throw corrupt("unsupported version " + version);
    }
    readToc();
    symbols = readSymbols();
    allPostingsOffset = readPostingsTable();
    List<String> names = new ArrayList<>(postingsTable.keySet());
    names.remove(IndexFormat.ALL_POSTINGS_KEY);
    names.sort(Utf8.ORDER);
    labelNames = Collections.unmodifiableList(names);
  }

  /**
   * Maps and verifies {@code file}. The caller closes the reader.
   *
   * @throws CorruptIndexException if the magic, version, TOC, symbol table or postings offset table
   *     is wrong
   * @throws IOException if the file cannot be read
   */
  public static IndexReader open(Path file) throws IOException {
    return open(file, MappedFile.DEFAULT_REGION_SIZE);
  }

  /** Opens with mapped regions of {@code regionSize} bytes (a power of two), for tests. */
  static IndexReader open(Path file, int regionSize) throws IOException {
    MappedFile seg = MappedFile.map(Objects.requireNonNull(file, "file"), regionSize);
    try {
      return new IndexReader(file, seg);
    } catch (IOException | RuntimeException e) {
      seg.close();
      throw e;
    }
  }

  /** The index file. */
  public Path file() {
    return file;
  }

  /** All symbols in ordinal (and bytewise) order; an unmodifiable list. */
  public List<String> symbols() {
    return Collections.unmodifiableList(Arrays.asList(symbols));
  }

  /**
   * The symbol with ordinal {@code i}.
   *
   * @throws IndexOutOfBoundsException if there is no such symbol
   */
  public String symbol(int i) {
    return symbols[Objects.checkIndex(i, symbols.length)];
  }

  /** Label names that occur in some series, in bytewise order; an unmodifiable list. */
  public List<String> labelNames() {
    return labelNames;
  }

  /**
   * Values of label {@code name} that occur in some series, in bytewise order; empty if no series
   * has the label.
   */
  public List<String> labelValues(String name) {
    ValueTable t = postingsTable.get(name);
    if (t == null || name.isEmpty()) {
      return List.of();
    }
    return Collections.unmodifiableList(Arrays.asList(t.values));
  }

  /**
   * Refs of the series that have label {@code name="value"}, ascending; empty if there are none.
   *
   * @throws CorruptIndexException if the postings list does not decode or its CRC is wrong
   */
  public long[] postings(String name, String value) throws CorruptIndexException {
    long off = postingsOffset(name, value);
    return off < 0 ? NO_REFS : readPostings(off);
  }

  /**
   * Number of refs in the postings list of {@code name="value"} (0 if there is none), read from the
   * list's header without decoding it.
   *
   * @throws CorruptIndexException if the list's header is outside the file
   */
  public int postingsCount(String name, String value) throws CorruptIndexException {
    long off = postingsOffset(name, value);
    if (off < 0) {
      return 0;
    }
    if (off > size - 12) {
      throw corrupt("postings list at " + off + " is outside the file");
    }
    return (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(seg.getInt(off + 4)));
  }

  /**
   * The refs of {@code sortedRefs} that are in the postings list of {@code name="value"}, found by
   * binary search in the mapped list (after its CRC check), without decoding it: for intersecting a
   * few candidates with a long list.
   *
   * @throws CorruptIndexException if the postings list does not decode or its CRC is wrong
   */
  public long[] retainPostings(long[] sortedRefs, String name, String value)
      throws CorruptIndexException {
    long off = postingsOffset(name, value);
    if (off < 0 || sortedRefs.length == 0) {
      return NO_REFS;
    }
    long n = checkPostings(off);
    long[] out = new long[sortedRefs.length];
    int found = 0;
    long lo = 0;
    for (long ref : sortedRefs) {
      long hi = n - 1;
      while (lo <= hi) {
        long mid = (lo + hi) >>> 1;
        long v = Integer.toUnsignedLong(seg.getInt(off + 8 + 4 * mid));
        if (v < ref) {
          lo = mid + 1;
        } else if (v > ref) {
          hi = mid - 1;
        } else {
          out[found++] = ref;
          lo = mid + 1;
          break;
        }
      }
    }
    return Arrays.copyOf(out, found);
  }

  private long postingsOffset(String name, String value) {
    ValueTable t = postingsTable.get(name);
    if (t == null || name.isEmpty()) {
      return -1;
    }
    int i = Arrays.binarySearch(t.values, value, Utf8.ORDER);
    return i < 0 ? -1 : t.offsets[i];
  }

  /**
   * Refs of all series, ascending.
   *
   * @throws CorruptIndexException if the postings list does not decode or its CRC is wrong
   */
  public long[] allPostings() throws CorruptIndexException {
    return allPostingsOffset < 0 ? NO_REFS : readPostings(allPostingsOffset);
  }

  /**
   * Refs of the series that have label {@code name} with any value, ascending.
   *
   * @throws CorruptIndexException if a postings list does not decode or its CRC is wrong
   */
  public long[] postingsForLabel(String name) throws CorruptIndexException {
    ValueTable t = postingsTable.get(name);
    if (t == null || name.isEmpty()) {
      return NO_REFS;
    }
    return union(t, null);
  }

  /**
   * Refs of the series that have label {@code matcher.name()} with a value that {@code matcher}
   * matches, ascending: the union of the postings of every matching value.
   *
   * <p>Series that lack the label are never included, even when the matcher matches {@code ""} (for
   * example {@code foo!="x"} or {@code foo=~".*"}), where Prometheus selects them too. The caller
   * handles that case: for a matcher that matches {@code ""}, the selected series are the result of
   * this method plus {@link #allPostings()} minus {@link #postingsForLabel}. For a negative matcher
   * the caller may equally subtract the postings of the inverse positive matcher.
   *
   * @throws CorruptIndexException if a postings list does not decode or its CRC is wrong
   */
  public long[] postingsForMatcher(Matcher matcher) throws CorruptIndexException {
    if (matcher.type() == Matcher.Type.EQ) {
      return postings(matcher.name(), matcher.value());
    }
    ValueTable t = postingsTable.get(matcher.name());
    if (t == null || matcher.name().isEmpty()) {
      return NO_REFS;
    }
    return union(t, matcher);
  }

  private long[] union(ValueTable t, Matcher m) throws CorruptIndexException {
    List<long[]> parts = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < t.values.length; i++) {
      if (m == null || m.matches(t.values[i])) {
        long[] p = readPostings(t.offsets[i]);
        parts.add(p);
        total += p.length;
      }
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    long[] out = new long[total];
    int n = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, out, n, p.length);
      n += p.length;
    }
    // A series has one value per name, so the lists are disjoint: sorting is a union.
    Arrays.sort(out);
    return out;
  }

  /**
   * Reads the series entry {@code ref} (its file offset / 16).
   *
   * @throws CorruptIndexException if the entry does not decode, its CRC is wrong or it refers to a
   *     missing symbol
   */
  public IndexSeries series(long ref) throws CorruptIndexException {
    List<String> nv = new ArrayList<>(16);
    List<ChunkRef> chunks = new ArrayList<>(4);
    series(
        ref,
        new SeriesVisitor() {
          @Override
          public void label(String name, String value) {
            nv.add(name);
            nv.add(value);
          }

          @Override
          public void chunk(long minTime, long maxTime, long cref) {
            chunks.add(new ChunkRef(minTime, maxTime, cref));
          }
        });
    try {
      return new IndexSeries(Labels.of(nv.toArray(new String[0])), chunks);
    } catch (IllegalArgumentException e) {
      throw new CorruptIndexException(file, "series " + ref + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the series entry {@code ref} (its file offset / 16) into {@code visitor}: first every
   * label, then every chunk meta. The CRC is verified before anything is delivered; an entry that
   * passes its CRC but does not decode may deliver a part before the exception.
   *
   * @throws CorruptIndexException if the entry does not decode, its CRC is wrong, it refers to a
   *     missing symbol or a chunk's time range overflows
   */
  public void series(long ref, SeriesVisitor visitor) throws CorruptIndexException {
    long off = ref * IndexFormat.SERIES_ALIGNMENT;
    if (ref < 0 || ref > IndexFormat.MAX_SERIES_REF || off >= size) {
      throw corrupt("series ref " + ref + " is outside the file");
    }
    Decoder d = new Decoder(off, size);
    long len = d.uvarint();
    long bodyStart = d.pos;
    if (len > size - bodyStart - IndexFormat.CRC_SIZE) {
      throw corrupt("series " + ref + ": length " + len + " exceeds the file");
    }
    checkCrc(bodyStart, len, "series " + ref);
    d.end = bodyStart + len;
    int nl = d.count();
    for (int i = 0; i < nl; i++) {
      String name = symbolAt(d.uvarint(), ref);
      visitor.label(name, symbolAt(d.uvarint(), ref));
    }
    int nc = d.count();
    long maxt = 0;
    long cref = 0;
    for (int i = 0; i < nc; i++) {
      long mint;
      if (i == 0) {
        mint = d.varint();
        maxt = mint + d.uvarint();
        cref = d.uvarint();
      } else {
        mint = maxt + d.uvarint();
        maxt = mint + d.uvarint();
        cref += d.varint();
      }
      if (maxt < mint) {
        throw corrupt("series " + ref + ": chunk " + i + " time range overflows");
      }
      visitor.chunk(mint, maxt, cref);
    }
  }

  private String symbolAt(long id, long ref) throws CorruptIndexException {
    if (id < 0 || id >= symbols.length) {
      throw corrupt("series " + ref + ": unknown symbol " + id);
    }
    return symbols[(int) id];
  }

  private long[] readPostings(long off) throws CorruptIndexException {
    long n = checkPostings(off);
    long[] refs = new long[(int) n];
    for (int i = 0; i < n; i++) {
      refs[i] = Integer.toUnsignedLong(seg.getInt(off + 8 + 4L * i));
    }
    return refs;
  }

  // Checks the bounds, length and CRC of the postings list at off; returns its number of refs.
  private long checkPostings(long off) throws CorruptIndexException {
    if (off < 0 || off > size - 12) {
      throw corrupt("postings list at " + off + " is outside the file");
    }
    long len = Integer.toUnsignedLong(seg.getInt(off));
    if (len < 4 || len > size - off - 8 || len % 4 != 0) {
      throw corrupt("postings list at " + off + ": bad length " + len);
    }
    checkCrc(off + 4, len, "postings list at " + off);
    long n = Integer.toUnsignedLong(seg.getInt(off + 4));
    if (n != (len - 4) / 4) {
      throw corrupt("postings list at " + off + ": " + n + " entries in " + len + " bytes");
    }
    return n;
  }

  private void readToc() throws CorruptIndexException {
    long at = size - IndexFormat.TOC_SIZE;
    checkCrc(at, 6 * 8, "TOC");
    for (int i = 0; i < 6; i++) {
      toc[i] = seg.getLong(at + 8L * i);
      if (toc[i] < IndexFormat.HEADER_SIZE || toc[i] > at) {
        throw corrupt("TOC: offset " + toc[i] + " is outside the file");
      }
    }
  }

  private String[] readSymbols() throws CorruptIndexException {
    Decoder d = section(toc[0], "symbol table");
    int n = d.be32count();
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = d.string();
    }
    return out;
  }

  private long readPostingsTable() throws CorruptIndexException {
    Decoder d = section(toc[5], "postings offset table");
    int n = d.be32count();
    long all = -1;
    String name = null;
    List<String> values = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long keys = d.uvarint();
      if (keys != 2) {
        throw corrupt("postings offset table: entry " + i + " has " + keys + " keys");
      }
      String nm = d.string();
      String v = d.string();
      long off = d.uvarint();
      if (nm.isEmpty() && v.isEmpty()) {
        all = off;
        continue;
      }
      if (!nm.equals(name)) {
        addValues(name, values, offsets);
        name = nm;
      }
      values.add(v);
      offsets.add(off);
    }
    addValues(name, values, offsets);
    return all;
  }

  private void addValues(String name, List<String> values, List<Long> offsets)
      throws CorruptIndexException {
    if (name == null) {
      return;
    }
    if (postingsTable.containsKey(name)) {
      throw corrupt("postings offset table: label name \"" + name + "\" is not contiguous");
    }
    long[] offs = new long[offsets.size()];
    for (int i = 0; i < offs.length; i++) {
      offs[i] = offsets.get(i);
    }
    postingsTable.put(name, new ValueTable(values.toArray(new String[0]), offs));
    values.clear();
    offsets.clear();
  }

  /** Checks the length and CRC of a {@code len BE32, body, crc} section; returns a body decoder. */
  private Decoder section(long off, String what) throws CorruptIndexException {
    if (off > size - 8) {
      throw corrupt(what + ": offset " + off + " is outside the file");
    }
    long len = Integer.toUnsignedLong(seg.getInt(off));
    if (len > size - off - 8) {
      throw corrupt(what + ": length " + len + " exceeds the file");
    }
    checkCrc(off + 4, len, what);
    return new Decoder(off + 4, off + 4 + len);
  }

  private void checkCrc(long off, long len, String what) throws CorruptIndexException {
    CRC32C crc = new CRC32C();
    seg.update(crc, off, len);
    int want = seg.getInt(off + len);
    if ((int) crc.getValue() != want) {
      throw corrupt(what + ": invalid checksum");
    }
  }

  private CorruptIndexException corrupt(String reason) {
    return new CorruptIndexException(file, reason);
  }

  /**
   * Releases the mapping. Idempotent. No read may be in flight; later reads throw {@link
   * IllegalStateException}. The pages are unmapped when the garbage collector frees the buffers
   * (Java 21 has no deterministic unmap outside the preview FFM API).
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      seg.close();
    }
  }

  /** A bounds-checked cursor over {@code [pos, end)} of the file. */
  private final class Decoder {
    private final byte[] varint = new byte[Varint.MAX_LEN];
    long pos;
    long end;

    Decoder(long pos, long end) {
      this.pos = pos;
      this.end = end;
    }

    long uvarint() throws CorruptIndexException {
      int avail = (int) Math.min(varint.length, end - pos);
      seg.get(pos, varint, 0, avail);
      int n = Varint.uvarintLength(varint, 0, avail);
      if (n == Varint.TRUNCATED) {
        throw corrupt("truncated varint at " + end);
      }
      if (n < 0) {
        throw corrupt("varint overflows 64 bits at " + (pos - n));
      }
      pos += n;
      return Varint.uvarint(varint, 0);
    }

    long varint() throws CorruptIndexException {
      return Varint.unzigzag(uvarint());
    }

    int count() throws CorruptIndexException {
      long n = uvarint();
      if (n > end - pos) {
        throw corrupt("count " + n + " at " + pos + " exceeds its section");
      }
      return (int) n;
    }

    int be32count() throws CorruptIndexException {
      if (end - pos < 4) {
        throw corrupt("truncated count at " + pos);
      }
      long n = Integer.toUnsignedLong(seg.getInt(pos));
      pos += 4;
      if (n > end - pos) {
        throw corrupt("count " + n + " at " + (pos - 4) + " exceeds its section");
      }
      return (int) n;
    }

    String string() throws CorruptIndexException {
      long n = uvarint();
      if (n > end - pos) {
        throw corrupt("string of " + n + " bytes at " + pos + " exceeds its section");
      }
      byte[] b = new byte[(int) n];
      seg.get(pos, b, 0, (int) n);
      pos += n;
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
