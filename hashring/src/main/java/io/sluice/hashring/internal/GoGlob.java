// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.internal;

import java.nio.charset.StandardCharsets;

/**
 * Go's {@code path/filepath.Match} on a Unix system (separator {@code '/'}), which Thanos uses for
 * {@code "tenant_matcher_type": "glob"}. Not {@code java.nio} globs: there is no {@code **}, no
 * {@code {a,b}}, and a class is negated with {@code ^} (Go also accepts nothing else; {@code [!a]}
 * is a class of {@code '!'} and {@code 'a'}).
 *
 * <pre>
 * pattern         = { term }
 * term            = '*'          any sequence of non-'/' characters
 *                 | '?'          any single non-'/' character
 *                 | '[' [ '^' ] { character-range } ']'   (non-empty)
 *                 | c            c itself (c != '*', '?', '\\', '[')
 *                 | '\\' c       c itself
 * character-range = c            (c != '\\', '-', ']')
 *                 | '\\' c
 *                 | lo '-' hi    lo &lt;= c &lt;= hi
 * </pre>
 *
 * <p>Like Go (1.16 and later), it works on UTF-8 bytes, matches the whole name, and reports a
 * malformed pattern even when the name fails to match before the malformed part is reached. A
 * {@code '?'} or class consumes one UTF-8 sequence of the name (an invalid byte counts as one
 * character, U+FFFD).
 *
 * <p>Stateless and thread-safe; allocates the UTF-8 forms of its arguments.
 */
public final class GoGlob {
  private static final byte SEPARATOR = '/';
  private static final int RUNE_ERROR = 0xFFFD;

  private GoGlob() {}

  /**
   * Reports whether {@code name} matches the shell file name {@code pattern}.
   *
   * @throws BadPatternException if the pattern is malformed (Go's {@code ErrBadPattern})
   */
  public static boolean match(String pattern, String name) throws BadPatternException {
    return match(pattern.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean match(byte[] pattern, byte[] name) throws BadPatternException {
    int p = 0; // start of the rest of the pattern
    int s = 0; // start of the rest of the name
    outer:
    while (p < pattern.length) {
      boolean star = false;
      while (p < pattern.length && pattern[p] == '*') {
        p++;
        star = true;
      }
      int chunkEnd = chunkEnd(pattern, p);
      int chunkStart = p;
      p = chunkEnd;
      if (star && chunkStart == chunkEnd) {
        // A trailing star matches the rest of the name unless it has a separator.
        for (int i = s; i < name.length; i++) {
          if (name[i] == SEPARATOR) {
            return false;
          }
        }
        return true;
      }
      // Look for a match at the current position.
      int t = matchChunk(pattern, chunkStart, chunkEnd, name, s);
      // If this is the last chunk, the name must be used up; otherwise a star may still help.
      if (t >= 0 && (t == name.length || p < pattern.length)) {
        s = t;
        continue;
      }
      if (t == BAD) {
        throw new BadPatternException();
      }
      if (star) {
        // Look for a match skipping i+1 bytes; a star cannot skip a separator.
        for (int i = s; i < name.length && name[i] != SEPARATOR; i++) {
          int u = matchChunk(pattern, chunkStart, chunkEnd, name, i + 1);
          if (u >= 0) {
            if (p == pattern.length && u < name.length) {
              continue;
            }
            s = u;
            continue outer;
          }
          if (u == BAD) {
            throw new BadPatternException();
          }
        }
      }
      return false;
    }
    return s == name.length;
  }

  // The end of the non-star chunk starting at p: the next '*' outside a class, or the end.
  private static int chunkEnd(byte[] pattern, int p) {
    boolean inRange = false;
    for (int i = p; i < pattern.length; i++) {
      switch (pattern[i]) {
        case '\\' -> {
          if (i + 1 < pattern.length) {
            i++;
          }
        }
        case '[' -> inRange = true;
        case ']' -> inRange = false;
        case '*' -> {
          if (!inRange) {
            return i;
          }
        }
        default -> {}
      }
    }
    return pattern.length;
  }

  private static final int NO_MATCH = -1;
  private static final int BAD = -2;

  /**
   * Matches the chunk {@code pattern[c, end)} (literals, classes and '?') against the start of
   * {@code name[s..]}. Returns the position after the match, {@link #NO_MATCH}, or {@link #BAD}.
   * After a mismatch the rest of the chunk is still parsed, so that a malformed chunk is reported.
   */
  private static int matchChunk(byte[] pattern, int c, int end, byte[] name, int s) {
    boolean failed = false;
    while (c < end) {
      failed = failed || s == name.length;
      switch (pattern[c]) {
        case '[' -> {
          int r = 0;
          if (!failed) {
            long rn = decodeRune(name, s, name.length);
            r = (int) rn;
            s += (int) (rn >>> 32);
          }
          c++;
          boolean negated = false;
          if (c < end && pattern[c] == '^') {
            negated = true;
            c++;
          }
          boolean match = false;
          int nrange = 0;
          while (true) {
            if (c < end && pattern[c] == ']' && nrange > 0) {
              c++;
              break;
            }
            long lo = getEsc(pattern, c, end);
            if (lo < 0) {
              return BAD;
            }
            c = (int) (lo >>> 32);
            int hiRune = (int) lo;
            int loRune = hiRune;
            if (pattern[c] == '-') {
              long hi = getEsc(pattern, c + 1, end);
              if (hi < 0) {
                return BAD;
              }
              c = (int) (hi >>> 32);
              hiRune = (int) hi;
            }
            match = match || (loRune <= r && r <= hiRune);
            nrange++;
          }
          failed = failed || match == negated;
        }
        case '?' -> {
          if (!failed) {
            failed = name[s] == SEPARATOR;
            s += (int) (decodeRune(name, s, name.length) >>> 32);
          }
          c++;
        }
        default -> {
          if (pattern[c] == '\\') {
            c++;
            if (c == end) {
              return BAD;
            }
          }
          if (!failed) {
            failed = pattern[c] != name[s];
            s++;
          }
          c++;
        }
      }
    }
    return failed ? NO_MATCH : s;
  }

  /**
   * A possibly escaped character of a class at {@code pattern[c]}: returns {@code (next << 32) |
   * rune}, or -1 if malformed (missing, '-' or ']' where a character belongs, invalid UTF-8, or the
   * chunk ends right after it, so the class cannot be closed).
   */
  private static long getEsc(byte[] pattern, int c, int end) {
    if (c >= end || pattern[c] == '-' || pattern[c] == ']') {
      return -1;
    }
    if (pattern[c] == '\\') {
      c++;
      if (c >= end) {
        return -1;
      }
    }
    long rn = decodeRune(pattern, c, end);
    int r = (int) rn;
    int n = (int) (rn >>> 32);
    if (r == RUNE_ERROR && n == 1) {
      return -1;
    }
    int next = c + n;
    if (next >= end) {
      return -1;
    }
    return ((long) next << 32) | r;
  }

  /**
   * Go's {@code utf8.DecodeRuneInString} on {@code b[i, end)}: returns {@code (size << 32) | rune};
   * an invalid or truncated sequence is U+FFFD of size 1, and an empty input is U+FFFD of size 0.
   */
  static long decodeRune(byte[] b, int i, int end) {
    if (i >= end) {
      return RUNE_ERROR;
    }
    int b0 = b[i] & 0xFF;
    if (b0 < 0x80) {
      return (1L << 32) | b0;
    }
    int need;
    int min;
    int cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
      min = 0x80;
      cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      min = 0x800;
      cp = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      min = 0x10000;
      cp = b0 & 0x07;
    } else {
      return (1L << 32) | RUNE_ERROR;
    }
    if (i + need >= end) {
      return (1L << 32) | RUNE_ERROR;
    }
    for (int k = 1; k <= need; k++) {
      int bk = b[i + k] & 0xFF;
      if ((bk & 0xC0) != 0x80) {
        return (1L << 32) | RUNE_ERROR;
      }
      cp = (cp << 6) | (bk & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return (1L << 32) | RUNE_ERROR;
    }
    return ((long) (need + 1) << 32) | cp;
  }

  /** Go's {@code filepath.ErrBadPattern}: the pattern is malformed. */
  public static final class BadPatternException extends Exception {
    private static final long serialVersionUID = 1L;

    BadPatternException() {
      super("syntax error in pattern", null, false, false);
    }
  }
}
