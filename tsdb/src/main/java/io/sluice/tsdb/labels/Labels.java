// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An immutable label set, sorted by name in unsigned UTF-8 byte order, with unique names.
 *
 * <h2>Series key format</h2>
 *
 * <p>The series key is the byte string that identifies a series inside Sluice (head lookup,
 * hashing) and is produced by {@link #toKey()} and parsed by {@link #fromKey}:
 *
 * <pre>
 * key   = *( label )
 * label = UTF-8(name) 0xFF UTF-8(value) 0xFF
 * </pre>
 *
 * <p>Labels appear in sorted order. 0xFF never occurs in well-formed UTF-8, so the key is
 * unambiguous and two label sets are equal exactly when their keys are equal. Prefixed with {@code
 * UTF-8(tenant) 0xFF}, the key is exactly the input of Thanos' placement hash ({@code
 * HashWithPrefix}, see {@link XxHash64}), so a receiver hashes each series once.
 *
 * <p>Instances are immutable and thread-safe. Label names and values are never null; empty strings
 * are kept as given (Prometheus drops empty values before they get here).
 */
public final class Labels implements Comparable<Labels> {
  /** The empty label set. */
  public static final Labels EMPTY = new Labels(new String[0]);

  /** Separator and terminator byte of the series key. */
  public static final byte KEY_SEPARATOR = (byte) 0xFF;

  // name0, value0, name1, value1, ... sorted by name.
  private final String[] nv;
  private int hash;

  private Labels(String[] nv) {
    this.nv = nv;
  }

  /**
   * Builds a label set from alternating names and values, sorting by name.
   *
   * @throws IllegalArgumentException if the count is odd, an element is null, a name occurs twice,
   *     or a string has an unpaired surrogate (cannot be UTF-8)
   */
  public static Labels of(String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException(
          "odd number of name/value strings: " + nameValuePairs.length);
    }
    if (nameValuePairs.length == 0) {
      return EMPTY;
    }
    int n = nameValuePairs.length / 2;
    String[] nv = nameValuePairs.clone();
    for (String s : nv) {
      if (s == null) {
        throw new IllegalArgumentException("null label name or value");
      }
      if (Utf8.hasUnpairedSurrogate(s)) {
        throw new IllegalArgumentException("label string is not valid Unicode: " + quote(s));
      }
    }
    // Insertion sort of pairs: label sets are small.
    for (int i = 1; i < n; i++) {
      String name = nv[2 * i];
      String value = nv[2 * i + 1];
      int j = i - 1;
      while (j >= 0 && Utf8.compare(nv[2 * j], name) > 0) {
        nv[2 * j + 2] = nv[2 * j];
        nv[2 * j + 3] = nv[2 * j + 1];
        j--;
      }
      nv[2 * j + 2] = name;
      nv[2 * j + 3] = value;
    }
    for (int i = 1; i < n; i++) {
      if (nv[2 * i].equals(nv[2 * i - 2])) {
        throw new IllegalArgumentException("duplicate label name " + quote(nv[2 * i]));
      }
    }
    return new Labels(nv);
  }

  /**
   * Parses a series key (see the class comment).
   *
   * @throws IllegalArgumentException if the key is malformed: a missing terminator, invalid UTF-8,
   *     or names not strictly ascending
   */
  public static Labels fromKey(byte[] key, int off, int len) {
    return fromKey(key, off, len, UnaryOperator.identity());
  }

  /**
   * Parses a series key, passing every decoded name and value through {@code interner} (for example
   * a head-wide symbol table), so that equal strings share one instance.
   *
   * @throws IllegalArgumentException if the key is malformed: a missing terminator, invalid UTF-8,
   *     or names not strictly ascending
   */
  public static Labels fromKey(byte[] key, int off, int len, UnaryOperator<String> interner) {
    Objects.checkFromIndexSize(off, len, key.length);
    int end = off + len;
    int fields = 0;
    for (int i = off; i < end; i++) {
      if (key[i] == KEY_SEPARATOR) {
        fields++;
      }
    }
    if (len > 0 && key[end - 1] != KEY_SEPARATOR) {
      throw new IllegalArgumentException("series key does not end with 0xFF");
    }
    if (fields % 2 != 0) {
      throw new IllegalArgumentException("series key has a name without a value");
    }
    if (fields == 0) {
      return EMPTY;
    }
    String[] nv = new String[fields];
    int start = off;
    int prevNameStart = -1;
    int prevNameLen = 0;
    int f = 0;
    for (int i = off; i < end; i++) {
      if (key[i] != KEY_SEPARATOR) {
        continue;
      }
      int flen = i - start;
      if (!Utf8.isValid(key, start, flen)) {
        throw new IllegalArgumentException("series key has invalid UTF-8 at byte " + (start - off));
      }
      if (f % 2 == 0) {
        if (prevNameStart >= 0
            && Arrays.compareUnsigned(
                    key, prevNameStart, prevNameStart + prevNameLen, key, start, start + flen)
                >= 0) {
          throw new IllegalArgumentException(
              "series key label names are not strictly ascending at byte " + (start - off));
        }
        prevNameStart = start;
        prevNameLen = flen;
      }
      nv[f++] = interner.apply(new String(key, start, flen, StandardCharsets.UTF_8));
      start = i + 1;
    }
    return new Labels(nv);
  }

  /** Returns a new array holding the series key of this label set (see the class comment). */
  public byte[] toKey() {
    int len = 0;
    for (String s : nv) {
      len += Utf8.encodedLength(s) + 1;
    }
    byte[] key = new byte[len];
    int pos = 0;
    for (String s : nv) {
      pos = Utf8.encode(s, key, pos);
      key[pos++] = KEY_SEPARATOR;
    }
    return key;
  }

  /** Number of labels. */
  public int size() {
    return nv.length / 2;
  }

  /** Whether there are no labels. */
  public boolean isEmpty() {
    return nv.length == 0;
  }

  /**
   * Name of the {@code i}-th label in sorted order.
   *
   * @throws IndexOutOfBoundsException if {@code i} is not in [0, size)
   */
  public String name(int i) {
    Objects.checkIndex(i, size());
    return nv[2 * i];
  }

  /**
   * Value of the {@code i}-th label in sorted order.
   *
   * @throws IndexOutOfBoundsException if {@code i} is not in [0, size)
   */
  public String value(int i) {
    Objects.checkIndex(i, size());
    return nv[2 * i + 1];
  }

  /** The value of label {@code name}, or null if there is no such label. */
  public String get(String name) {
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Utf8.compare(nv[2 * mid], name);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return nv[2 * mid + 1];
      }
    }
    return null;
  }

  /**
   * Compares as Prometheus' {@code labels.Compare}: label by label, name then value, in unsigned
   * UTF-8 byte order; a label set that is a prefix of the other sorts first.
   */
  @Override
  public int compareTo(Labels o) {
    int n = Math.min(nv.length, o.nv.length);
    for (int i = 0; i < n; i++) {
      int c = Utf8.compare(nv[i], o.nv[i]);
      if (c != 0) {
        return c;
      }
    }
    return nv.length - o.nv.length;
  }

  /**
   * Compares two series keys (see the class comment) so that the result has the sign of {@link
   * #compareTo} of the label sets they encode, without decoding them: bytes are compared unsigned,
   * with the separator 0xFF below every other byte (well-formed UTF-8 never holds 0xFF, so a string
   * that ends first sorts first), and a key that is a prefix of the other sorts first (fewer
   * labels). Allocates nothing.
   */
  public static int compareKeys(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
    int i = Arrays.mismatch(a, aOff, aOff + aLen, b, bOff, bOff + bLen);
    if (i < 0) {
      return 0;
    }
    if (i == aLen || i == bLen) {
      return aLen - bLen;
    }
    // 0xFF becomes 0, every other byte b becomes b + 1.
    return ((a[aOff + i] + 1) & 0xFF) - ((b[bOff + i] + 1) & 0xFF);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Labels other) || other.nv.length != nv.length) {
      return false;
    }
    for (int i = 0; i < nv.length; i++) {
      if (!nv[i].equals(other.nv[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(nv);
      hash = h;
    }
    return h;
  }

  /** Prometheus' text form, e.g. {@code {__name__="up", job="node"}}, values quoted as Go does. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(16 * nv.length).append('{');
    for (int i = 0; i < nv.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(nv[i]).append('=');
      appendQuoted(sb, nv[i + 1]);
    }
    return sb.append('}').toString();
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    appendQuoted(sb, s);
    return sb.toString();
  }

  private static void appendQuoted(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 0x07 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case 0x0B -> sb.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7F) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
