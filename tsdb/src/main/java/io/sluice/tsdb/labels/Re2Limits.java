// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

/**
 * The size and nesting limits of Go's {@code regexp/syntax}, which RE2/J lacks: RE2/J expands
 * {@code x{n,m}} as Go does but without a bound, so {@code ((a{1000}){1000}){1000}} exhausts the
 * heap while compiling, and a few thousand nested groups overflow the stack. Go rejects both
 * ("expression too large", "expression nests too deeply"); so does {@link #check}, before RE2/J
 * sees the pattern.
 *
 * <p>The size is Go's estimate of the compiled program ({@code parser.calcSize}): a literal rune,
 * class or assertion counts 1, a capture or star 2 plus its operand, plus and quest 1 plus theirs,
 * {@code x{n,m}} {@code m*size(x) + (m-n)}, an alternation the sum plus one per bar; and, as in Go,
 * every node built counts, not only the whole. Go measures the simplified parse tree (it factors
 * common prefixes of alternatives), so this estimate is never below Go's and may reject a pattern
 * near the limit that Go would accept; nesting counts groups, where Go counts tree height. The scan
 * is lenient: what it does not understand it leaves to RE2/J's parser, which reports the syntax
 * error. Stateless.
 */
final class Re2Limits {
  /** Go's {@code maxSize}: 128 MiB of 40-byte instructions. */
  static final long MAX_SIZE = (128L << 20) / 40;

  /** Go's {@code maxHeight}. */
  static final int MAX_DEPTH = 1000;

  /** Go's largest repeat count; larger ones are RE2/J's syntax error to report. */
  private static final int MAX_REPEAT = 1000;

  private Re2Limits() {}

  /** Go's message for a pattern over a limit, or null when {@code re} is within them. */
  static String check(String re) {
    int n = re.length();
    // Per open group: sum of finished alternatives, their number, the current concatenation, the
    // size of its last operand (what a following quantifier applies to) and whether it captures.
    int cap = Math.min(MAX_DEPTH, n) + 1;
    long[] alts = new long[cap];
    int[] bars = new int[cap];
    long[] concat = new long[cap];
    long[] last = new long[cap];
    boolean[] capture = new boolean[cap];
    int d = 0;
    int i = 0;
    while (i < n) {
      char c = re.charAt(i);
      long atom = -1; // size of an operand ending at i, or -1
      long repeated = -1; // size of the last operand after a quantifier, or -1
      switch (c) {
        case '\\' -> {
          if (i + 1 < n && re.charAt(i + 1) == 'Q') {
            int end = re.indexOf("\\E", i + 2);
            int stop = end < 0 ? n : end;
            for (int j = i + 2; j < stop; j += Character.charCount(re.codePointAt(j))) {
              concat[d]++;
              last[d] = 1;
            }
            i = end < 0 ? n : end + 2;
            continue;
          }
          i = skipEscape(re, i);
          atom = 1;
        }
        case '[' -> {
          i = skipClass(re, i);
          atom = 1;
        }
        case '(' -> {
          boolean captures = true;
          int j = i + 1;
          if (j < n && re.charAt(j) == '?') {
            j++;
            if (j < n && (re.charAt(j) == '<' || re.startsWith("P<", j))) {
              int close = re.indexOf('>', j);
              if (close < 0) {
                return null;
              }
              j = close + 1;
            } else {
              while (j < n && isFlag(re.charAt(j))) {
                j++;
              }
              if (j >= n || (re.charAt(j) != ')' && re.charAt(j) != ':')) {
                return null; // lookaround and the like: RE2/J's error
              }
              if (re.charAt(j) == ')') {
                i = j + 1; // (?i): flags for the rest of the group, no operand
                continue;
              }
              captures = false;
              j++;
            }
          } else {
            // plain "(": captures
          }
          if (d + 1 >= cap) {
            return "expression nests too deeply";
          }
          d++;
          alts[d] = 0;
          bars[d] = 0;
          concat[d] = 0;
          last[d] = 0;
          capture[d] = captures;
          i = j;
          continue;
        }
        case ')' -> {
          if (d == 0) {
            return null; // unbalanced: RE2/J's error
          }
          long size = alternation(alts[d], bars[d], concat[d]);
          if (capture[d]) {
            size += 2;
          }
          d--;
          i++;
          atom = size;
        }
        case '|' -> {
          alts[d] += Math.max(1, concat[d]);
          bars[d]++;
          concat[d] = 0;
          last[d] = 0;
          i++;
          continue;
        }
        case '*' -> {
          repeated = 2 + last[d];
          i++;
        }
        case '+', '?' -> {
          repeated = 1 + last[d];
          i++;
        }
        case '{' -> {
          int close = re.indexOf('}', i);
          long[] minMax = close < 0 ? null : repeatCount(re, i + 1, close);
          if (minMax == null) {
            i++;
            atom = 1; // a literal '{' in RE2
          } else {
            long min = minMax[0];
            long max = minMax[1];
            long sub = last[d];
            if (max == -1) {
              repeated = min == 0 ? 2 + sub : 1 + min * sub;
            } else {
              repeated = max * sub + (max - min);
            }
            i = close + 1;
          }
        }
        default -> {
          i += Character.charCount(re.codePointAt(i));
          atom = 1;
        }
      }
      if (atom >= 0) {
        atom = Math.max(1, atom);
        concat[d] += atom;
        last[d] = atom;
        if (atom > MAX_SIZE || concat[d] > MAX_SIZE) {
          return "expression too large";
        }
      } else if (repeated >= 0) {
        if (i < n && re.charAt(i) == '?') {
          i++; // non-greedy: same size
        }
        if (last[d] == 0) {
          continue; // a quantifier without operand: RE2/J's error
        }
        repeated = Math.max(1, repeated);
        concat[d] += repeated - last[d];
        last[d] = repeated;
        if (repeated > MAX_SIZE || concat[d] > MAX_SIZE) {
          return "expression too large";
        }
      }
      if (alts[d] + concat[d] > MAX_SIZE) {
        return "expression too large";
      }
    }
    return null;
  }

  private static long alternation(long finished, int bars, long concat) {
    if (bars == 0) {
      return Math.max(1, concat);
    }
    return finished + Math.max(1, concat) + bars;
  }

  private static boolean isFlag(char c) {
    return c == 'i' || c == 'm' || c == 's' || c == 'U' || c == '-';
  }

  // {n}, {n,} or {n,m} between from and close (exclusive), as {min, max or -1}; null when the text
  // is not a repeat (RE2 reads it literally) or a count is beyond what RE2 accepts.
  private static long[] repeatCount(String re, int from, int close) {
    int comma = re.indexOf(',', from);
    if (comma > close) {
      comma = -1;
    }
    long min = number(re, from, comma < 0 ? close : comma);
    if (min < 0) {
      return null;
    }
    long max = min;
    if (comma >= 0) {
      max = comma + 1 == close ? -1 : number(re, comma + 1, close);
      if (max < -1 || (comma + 1 != close && max < 0)) {
        return null;
      }
    }
    if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
      return null;
    }
    return new long[] {min, max};
  }

  // The decimal number in [from, to), or -2 if there is none or it has more than 4 digits.
  private static long number(String re, int from, int to) {
    if (from >= to || to - from > 4) {
      return -2;
    }
    long v = 0;
    for (int j = from; j < to; j++) {
      char c = re.charAt(j);
      if (c < '0' || c > '9') {
        return -2;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  // The index after the escape at i (a backslash).
  private static int skipEscape(String re, int i) {
    int n = re.length();
    if (i + 1 >= n) {
      return n;
    }
    char e = re.charAt(i + 1);
    if ((e == 'x' || e == 'p' || e == 'P') && i + 2 < n && re.charAt(i + 2) == '{') {
      int close = re.indexOf('}', i + 3);
      return close < 0 ? n : close + 1;
    }
    if (e == 'x') {
      return Math.min(n, i + 4);
    }
    if (e == 'p' || e == 'P') {
      return Math.min(n, i + 3);
    }
    int j = i + 1 + Character.charCount(re.codePointAt(i + 1));
    if (e >= '0' && e <= '7') {
      while (j < n && j < i + 4 && re.charAt(j) >= '0' && re.charAt(j) <= '7') {
        j++;
      }
    }
    return j;
  }

  // The index after the character class opening at i.
  private static int skipClass(String re, int i) {
    int n = re.length();
    int j = i + 1;
    if (j < n && re.charAt(j) == '^') {
      j++;
    }
    if (j < n && re.charAt(j) == ']') {
      j++; // a leading ']' is literal
    }
    while (j < n) {
      char c = re.charAt(j);
      if (c == ']') {
        return j + 1;
      }
      if (c == '\\') {
        j = skipEscape(re, j);
      } else if (c == '[' && re.startsWith("[:", j)) {
        int end = re.indexOf(":]", j + 2);
        j = end < 0 ? j + 1 : end + 2;
      } else {
        j++;
      }
    }
    return n;
  }
}
