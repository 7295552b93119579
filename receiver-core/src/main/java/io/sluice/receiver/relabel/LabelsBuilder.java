// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import io.sluice.receiver.decode.WriteBatch;
import io.sluice.tsdb.labels.Utf8;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * One series' labels while relabelling changes them: Prometheus' {@code labels.Builder} (the {@code
 * slicelabels} one Thanos is built with), whose exact behaviour relabelling depends on. The base
 * labels are the series' as sent, in request order, read as UTF-8 byte ranges (of a {@link
 * WriteBatch}'s buffer, say); changes are a list of deleted names and a list of added or replaced
 * labels on top, as in Go:
 *
 * <ul>
 *   <li>{@link #reset} deletes base labels with an empty value at once (they count as absent);
 *   <li>{@link #get} looks in the added labels, then the deleted names, then the first base label
 *       of that name;
 *   <li>{@link #set} with an empty value deletes;
 *   <li>a range ({@link #beginRange}) visits the base labels neither deleted nor replaced, in base
 *       order, then the added labels, as they were when it began;
 *   <li>the result ({@link #finish}) is the base unchanged when nothing was deleted or added; else
 *       the base labels neither deleted nor replaced plus the added ones, sorted by name (UTF-8
 *       byte order, stable) when anything was added, in base order otherwise.
 * </ul>
 *
 * <p>Strings are made only where a rule needs them: names come from a cache, values are decoded
 * when read. It also holds what the rules need per thread: a digest, and a memo per rule of what
 * the rule made of recent values ({@link RuleMemo}). Not thread-safe; reused from series to series,
 * so its arrays are allocated once.
 */
public final class LabelsBuilder {
  private final NameCache cache = new NameCache();
  // Values the rules read (__name__, job, cluster...) repeat from series to series as names do.
  private final NameCache valueCache = new NameCache();

  private byte[] buf = new byte[0];
  private int baseCount;
  private int[] nameOff = new int[16];
  private int[] nameLen = new int[16];
  private int[] valueOff = new int[16];
  private int[] valueLen = new int[16];
  private String[] baseNames = new String[16];
  private String[] baseValues = new String[16];

  private String[] del = new String[8];
  private int delCount;
  private String[] addNames = new String[8];
  private String[] addValues = new String[8];
  private int addCount;

  // A range's snapshot: refs are base indexes (>= 0) or -1 - index into the add snapshot.
  private int rangeCount;
  private int[] rangeRefs = new int[16];
  private String[] snapAddNames = new String[8];
  private String[] snapAddValues = new String[8];
  private String[] snapDel = new String[8];
  private int snapDelCount;

  // The result: refs as in a range, into the base and the add list.
  private int outCount;
  private int[] outRefs = new int[16];
  private boolean unchanged;

  private byte[] encoded = new byte[256];
  private final StringBuilder scratch = new StringBuilder();
  private final MessageDigest md5;
  // What the rules of memoOwner made of recent values, one memo per rule.
  private Relabeller memoOwner;
  private RuleMemo[] memos;

  /** Creates an empty builder. */
  public LabelsBuilder() {
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
  }

  /** Starts over with the labels of series {@code series} of {@code batch}, as sent. */
  public void reset(WriteBatch batch, int series) {
    int n = batch.labelCount(series);
    ensureBase(n);
    buf = batch.buffer();
    for (int i = 0; i < n; i++) {
      nameOff[i] = batch.labelNameOffset(series, i);
      nameLen[i] = batch.labelNameLength(series, i);
      valueOff[i] = batch.labelValueOffset(series, i);
      valueLen[i] = batch.labelValueLength(series, i);
    }
    resetBase(n);
  }

  /** Starts over with labels given as alternating names and values, in that order. */
  public void reset(String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of strings: " + nameValuePairs.length);
    }
    int n = nameValuePairs.length / 2;
    ensureBase(n);
    int size = 0;
    for (String s : nameValuePairs) {
      size += Utf8.encodedLength(s);
    }
    if (encoded.length < size) {
      encoded = new byte[Math.max(size, 2 * encoded.length)];
    }
    int p = 0;
    for (int i = 0; i < n; i++) {
      nameOff[i] = p;
      p = Utf8.encode(nameValuePairs[2 * i], encoded, p);
      nameLen[i] = p - nameOff[i];
      valueOff[i] = p;
      p = Utf8.encode(nameValuePairs[2 * i + 1], encoded, p);
      valueLen[i] = p - valueOff[i];
    }
    buf = encoded;
    resetBase(n);
  }

  private void resetBase(int n) {
    baseCount = n;
    Arrays.fill(baseNames, 0, n, null);
    Arrays.fill(baseValues, 0, n, null);
    delCount = 0;
    addCount = 0;
    outCount = 0;
    for (int i = 0; i < n; i++) {
      if (valueLen[i] == 0) {
        appendDel(baseName(i));
      }
    }
  }

  private void ensureBase(int n) {
    if (nameOff.length < n) {
      int c = Math.max(n, 2 * nameOff.length);
      nameOff = new int[c];
      nameLen = new int[c];
      valueOff = new int[c];
      valueLen = new int[c];
      baseNames = new String[c];
      baseValues = new String[c];
    }
  }

  // ---- Go's Builder ----

  /**
   * The value of label {@code name}, or "" when it has none.
   *
   * @param utf8 the UTF-8 bytes of {@code name}
   */
  String get(String name, byte[] utf8) {
    for (int i = 0; i < addCount; i++) {
      if (addNames[i].equals(name)) {
        return addValues[i];
      }
    }
    for (int i = 0; i < delCount; i++) {
      if (del[i].equals(name)) {
        return "";
      }
    }
    for (int i = 0; i < baseCount; i++) {
      if (Arrays.equals(buf, nameOff[i], nameOff[i] + nameLen[i], utf8, 0, utf8.length)) {
        return baseValue(i);
      }
    }
    return "";
  }

  /** Sets label {@code name} to {@code value}; an empty value deletes it. */
  void set(String name, String value) {
    if (value.isEmpty()) {
      del(name);
      return;
    }
    for (int i = 0; i < addCount; i++) {
      if (addNames[i].equals(name)) {
        addValues[i] = value;
        return;
      }
    }
    if (addCount == addNames.length) {
      addNames = Arrays.copyOf(addNames, 2 * addCount);
      addValues = Arrays.copyOf(addValues, 2 * addCount);
    }
    addNames[addCount] = name;
    addValues[addCount] = value;
    addCount++;
  }

  /** Deletes label {@code name}. */
  void del(String name) {
    for (int i = 0; i < addCount; i++) {
      if (addNames[i].equals(name)) {
        System.arraycopy(addNames, i + 1, addNames, i, addCount - i - 1);
        System.arraycopy(addValues, i + 1, addValues, i, addCount - i - 1);
        addCount--;
        addNames[addCount] = null;
        addValues[addCount] = null;
        break;
      }
    }
    appendDel(name);
  }

  private void appendDel(String name) {
    if (delCount == del.length) {
      del = Arrays.copyOf(del, 2 * delCount);
    }
    del[delCount++] = name;
  }

  /**
   * Takes the snapshot a range visits: base labels neither deleted nor replaced, then the added
   * labels, as they are now; {@link #set} and {@link #del} during the range do not change it.
   *
   * @return the number of labels visited, read with {@link #rangeName} and {@link #rangeValue}
   */
  int beginRange() {
    if (snapAddNames.length < addCount) {
      snapAddNames = new String[addNames.length];
      snapAddValues = new String[addNames.length];
    }
    System.arraycopy(addNames, 0, snapAddNames, 0, addCount);
    System.arraycopy(addValues, 0, snapAddValues, 0, addCount);
    if (snapDel.length < delCount) {
      snapDel = new String[del.length];
    }
    System.arraycopy(del, 0, snapDel, 0, delCount);
    snapDelCount = delCount;
    int snapAdd = addCount;
    if (rangeRefs.length < baseCount + snapAdd) {
      rangeRefs = new int[Math.max(baseCount + snapAdd, 2 * rangeRefs.length)];
    }
    int n = 0;
    for (int i = 0; i < baseCount; i++) {
      String name = baseName(i);
      if (!contains(snapDel, snapDelCount, name) && !contains(snapAddNames, snapAdd, name)) {
        rangeRefs[n++] = i;
      }
    }
    for (int i = 0; i < snapAdd; i++) {
      rangeRefs[n++] = -1 - i;
    }
    rangeCount = n;
    return n;
  }

  /** {@return the name of label {@code i} of the current range} */
  String rangeName(int i) {
    int ref = rangeRefs[i];
    return ref >= 0 ? baseName(ref) : snapAddNames[-1 - ref];
  }

  /** {@return the value of label {@code i} of the current range} */
  String rangeValue(int i) {
    int ref = rangeRefs[i];
    return ref >= 0 ? baseValue(ref) : snapAddValues[-1 - ref];
  }

  private static boolean contains(String[] names, int n, String name) {
    for (int i = 0; i < n; i++) {
      if (names[i].equals(name)) {
        return true;
      }
    }
    return false;
  }

  private String baseName(int i) {
    String s = baseNames[i];
    if (s == null) {
      s = baseNames[i] = cache.decode(buf, nameOff[i], nameLen[i]);
    }
    return s;
  }

  private String baseValue(int i) {
    String s = baseValues[i];
    if (s == null) {
      s = baseValues[i] = valueCache.decode(buf, valueOff[i], valueLen[i]);
    }
    return s;
  }

  /** A string builder for joining values; empty when handed out. */
  StringBuilder scratch() {
    scratch.setLength(0);
    return scratch;
  }

  /** An MD5 digest, reset. */
  MessageDigest md5() {
    md5.reset();
    return md5;
  }

  /** The memo of rule {@code rule} of {@code r}, for this builder's thread. */
  RuleMemo memo(Relabeller r, int rule) {
    if (memoOwner != r) {
      memoOwner = r;
      memos = new RuleMemo[r.size()];
    }
    RuleMemo m = memos[rule];
    if (m == null) {
      m = memos[rule] = new RuleMemo();
    }
    return m;
  }

  // ---- The result ----

  /**
   * Computes the result of the changes made since the last {@code reset}, as Go's {@code
   * Builder.Labels}.
   *
   * @return whether the result differs from the base labels as sent (same names and values in the
   *     same order counts as unchanged)
   */
  public boolean finish() {
    outCount = 0;
    if (delCount == 0 && addCount == 0) {
      unchanged = true;
      return false;
    }
    if (outRefs.length < baseCount + addCount) {
      outRefs = new int[Math.max(baseCount + addCount, 2 * outRefs.length)];
    }
    int n = 0;
    for (int i = 0; i < baseCount; i++) {
      String name = baseName(i);
      if (!contains(del, delCount, name) && !contains(addNames, addCount, name)) {
        outRefs[n++] = i;
      }
    }
    for (int i = 0; i < addCount; i++) {
      outRefs[n++] = -1 - i;
    }
    outCount = n;
    if (addCount > 0) {
      sortByName();
    }
    unchanged = sameAsBase();
    return !unchanged;
  }

  // Insertion sort, stable: label sets are small, and the base part is usually sorted already.
  private void sortByName() {
    for (int i = 1; i < outCount; i++) {
      int ref = outRefs[i];
      String name = outName(ref);
      int j = i - 1;
      while (j >= 0 && Utf8.compare(outName(outRefs[j]), name) > 0) {
        outRefs[j + 1] = outRefs[j];
        j--;
      }
      outRefs[j + 1] = ref;
    }
  }

  private String outName(int ref) {
    return ref >= 0 ? baseName(ref) : addNames[-1 - ref];
  }

  private boolean sameAsBase() {
    if (outCount != baseCount) {
      return false;
    }
    for (int i = 0; i < outCount; i++) {
      int ref = outRefs[i];
      if (ref == i) {
        continue;
      }
      if (ref >= 0
          || !addNames[-1 - ref].equals(baseName(i))
          || !addValues[-1 - ref].equals(baseValue(i))) {
        return false;
      }
    }
    return true;
  }

  /** {@return the number of labels of the result; valid after {@link #finish} returned true} */
  public int outputCount() {
    return outCount;
  }

  /**
   * Where label {@code i} of the result comes from: the index of a base label taken over as sent,
   * or -1 when it is a new label ({@link #outputName}, {@link #outputValue}).
   */
  public int outputBaseIndex(int i) {
    int ref = outRefs[i];
    return ref >= 0 ? ref : -1;
  }

  /** {@return the name of label {@code i} of the result} */
  public String outputName(int i) {
    return outName(outRefs[i]);
  }

  /** {@return the value of label {@code i} of the result} */
  public String outputValue(int i) {
    int ref = outRefs[i];
    return ref >= 0 ? baseValue(ref) : addValues[-1 - ref];
  }

  /**
   * The result as alternating names and values, after {@link #finish}: the base labels when it
   * returned false. Allocates; for tests and tools.
   */
  public String[] toNameValuePairs() {
    int n = unchanged ? baseCount : outCount;
    String[] out = new String[2 * n];
    for (int i = 0; i < n; i++) {
      out[2 * i] = unchanged ? baseName(i) : outputName(i);
      out[2 * i + 1] = unchanged ? baseValue(i) : outputValue(i);
    }
    return out;
  }
}
