// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A ULID, the id of a block: 48 bits of Unix time in ms followed by 80 random bits, written as 26
 * characters of Crockford base32 ({@code 0-9 A-Z} without {@code I L O U}), most significant first.
 * The first character carries only 3 bits, so it is at most {@code '7'}.
 *
 * <p>Parsing is as strict as the {@code oklog/ulid} {@code ParseStrict} that Prometheus uses for
 * block directory names: exactly 26 characters of the alphabet, lower case accepted, no Crockford
 * aliases ({@code I}, {@code L}, {@code O}) and no first character above {@code '7'}. {@link
 * #toString} is upper case. Ordering and equality are those of the 128-bit value, which is also the
 * order of the strings. Immutable.
 */
public final class Ulid implements Comparable<Ulid> {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final byte[] DECODE = new byte[128];

  static {
    java.util.Arrays.fill(DECODE, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DECODE[ALPHABET[i]] = (byte) i;
      DECODE[Character.toLowerCase(ALPHABET[i])] = (byte) i;
    }
  }

  /** Largest time a ULID can hold, ms since the epoch (2<sup>48</sup> - 1). */
  public static final long MAX_TIME = (1L << 48) - 1;

  private final long hi;
  private final long lo;

  private Ulid(long hi, long lo) {
    this.hi = hi;
    this.lo = lo;
  }

  /** The ULID of the given 128 bits, most significant half first; every value is a ULID. */
  public static Ulid of(long mostSignificantBits, long leastSignificantBits) {
    return new Ulid(mostSignificantBits, leastSignificantBits);
  }

  /**
   * A new ULID with the current time of {@code clock} and 80 bits from {@code random}. Pass a
   * {@link java.security.SecureRandom} in production, as Prometheus uses a cryptographic source.
   *
   * @throws IllegalArgumentException if the time is before the epoch or after {@link #MAX_TIME}
   */
  public static Ulid generate(InstantSource clock, RandomGenerator random) {
    long ms = clock.millis();
    if (ms < 0 || ms > MAX_TIME) {
      throw new IllegalArgumentException("time " + ms + " ms does not fit in a ULID");
    }
    long r = random.nextLong();
    return new Ulid((ms << 16) | (r & 0xFFFF), random.nextLong());
  }

  /**
   * Parses the 26-character form strictly.
   *
   * @throws IllegalArgumentException naming the string if it is not a ULID
   */
  public static Ulid parse(String s) {
    Objects.requireNonNull(s, "ulid");
    if (s.length() != 26) {
      throw new IllegalArgumentException(
          "invalid ULID \"" + s + "\": " + s.length() + " characters, want 26");
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 26; i++) {
      char c = s.charAt(i);
      int v = c < 128 ? DECODE[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException(
            "invalid ULID \"" + s + "\": character '" + c + "' at " + i);
      }
      if (i == 0 && v > 7) {
        throw new IllegalArgumentException(
            "invalid ULID \"" + s + "\": first character above '7' overflows 128 bits");
      }
      // Shift the 130-bit accumulator (hi:lo) left by 5 and add v.
      hi = (hi << 5) | (lo >>> 59);
      lo = (lo << 5) | v;
    }
    return new Ulid(hi, lo);
  }

  /** Whether {@link #parse} accepts {@code s}; false for null. */
  public static boolean isValid(String s) {
    if (s == null || s.length() != 26) {
      return false;
    }
    for (int i = 0; i < 26; i++) {
      char c = s.charAt(i);
      int v = c < 128 ? DECODE[c] : -1;
      if (v < 0 || (i == 0 && v > 7)) {
        return false;
      }
    }
    return true;
  }

  /** The time part, ms since the epoch. */
  public long timestamp() {
    return hi >>> 16;
  }

  /** The time part as an instant. */
  public Instant instant() {
    return Instant.ofEpochMilli(timestamp());
  }

  /** The upper 64 bits. */
  public long mostSignificantBits() {
    return hi;
  }

  /** The lower 64 bits. */
  public long leastSignificantBits() {
    return lo;
  }

  /** The 26-character upper-case form. */
  @Override
  public String toString() {
    char[] out = new char[26];
    long h = hi;
    long l = lo;
    for (int i = 25; i >= 0; i--) {
      out[i] = ALPHABET[(int) (l & 31)];
      l = (l >>> 5) | (h << 59);
      h >>>= 5;
    }
    return new String(out);
  }

  @Override
  public int compareTo(Ulid o) {
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ulid u && u.hi == hi && u.lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi) * 31 + Long.hashCode(lo);
  }
}
