// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

import java.util.Comparator;

/**
 * UTF-8 helpers for label strings: ordering, validation and encoded lengths without encoding.
 *
 * <p>Prometheus sorts label names, values and label sets by their unsigned UTF-8 bytes. Java's
 * {@link String#compareTo} compares UTF-16 units, which orders supplementary characters (encoded as
 * surrogates, 0xD800–0xDFFF) before U+E000–U+FFFF, unlike UTF-8. {@link #compare} fixes that up
 * without encoding. Stateless and thread-safe.
 */
public final class Utf8 {
  /** Orders strings by their unsigned UTF-8 bytes, as Prometheus and Go do. */
  public static final Comparator<String> ORDER = Utf8::compare;

  private Utf8() {}

  /**
   * Compares two strings as Go compares their UTF-8 encodings (unsigned bytes, shorter prefix
   * first). Equal to code point order for valid strings. Allocates nothing.
   */
  public static int compare(String a, String b) {
    if (a == b) {
      return 0;
    }
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x >= 0xD800 && y >= 0xD800) {
          // Surrogates encode code points above U+FFFF: move them above U+E000–U+FFFF.
          x = fixUp(x);
          y = fixUp(y);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  private static char fixUp(char c) {
    return (char) (c >= 0xE000 ? c - 0x800 : c + 0x2000);
  }

  /**
   * Number of bytes of the UTF-8 encoding of {@code s}, as {@link #encode} writes it. An unpaired
   * surrogate counts as one byte ({@code '?'}), as in {@link String#getBytes}. Allocates nothing.
   */
  public static int encodedLength(String s) {
    int n = s.length();
    int len = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          len += 1;
        } else if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c)
              && i + 1 < n
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            len += 2; // four bytes for two chars
            i++;
          }
        } else {
          len += 2;
        }
      }
    }
    return len;
  }

  /**
   * Writes the UTF-8 encoding of {@code s} into {@code dst} at {@code pos} and returns the position
   * after it. An unpaired surrogate is written as {@code '?'}. Allocates nothing.
   *
   * @throws IndexOutOfBoundsException if {@code dst} is too small ({@link #encodedLength} bytes)
   */
  public static int encode(String s, byte[] dst, int pos) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst[pos++] = (byte) c;
      } else if (c < 0x800) {
        dst[pos++] = (byte) (0xC0 | (c >> 6));
        dst[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          dst[pos++] = (byte) (0xF0 | (cp >> 18));
          dst[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          dst[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          dst[pos++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          dst[pos++] = '?';
        }
      } else {
        dst[pos++] = (byte) (0xE0 | (c >> 12));
        dst[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        dst[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return pos;
  }

  /** Whether {@code s} has an unpaired surrogate, i.e. cannot be encoded as UTF-8 losslessly. */
  public static boolean hasUnpairedSurrogate(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code len} bytes at {@code off} are well-formed UTF-8 (no overlong forms, no encoded
   * surrogates, nothing above U+10FFFF). Allocates nothing.
   */
  public static boolean isValid(byte[] buf, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      int b = buf[i];
      if (b >= 0) {
        i++;
        continue;
      }
      b &= 0xFF;
      if (b < 0xC2) {
        return false;
      }
      if (b < 0xE0) {
        if (i + 1 >= end || !isCont(buf[i + 1])) {
          return false;
        }
        i += 2;
      } else if (b < 0xF0) {
        if (i + 2 >= end || !isCont(buf[i + 1]) || !isCont(buf[i + 2])) {
          return false;
        }
        int b1 = buf[i + 1] & 0xFF;
        if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0)) {
          return false; // overlong, or a surrogate
        }
        i += 3;
      } else if (b < 0xF5) {
        if (i + 3 >= end || !isCont(buf[i + 1]) || !isCont(buf[i + 2]) || !isCont(buf[i + 3])) {
          return false;
        }
        int b1 = buf[i + 1] & 0xFF;
        if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90)) {
          return false; // overlong, or above U+10FFFF
        }
        i += 4;
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean isCont(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
