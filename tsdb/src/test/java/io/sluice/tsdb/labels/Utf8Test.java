// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Utf8Test {
  private static final String[] SAMPLES = {
    "",
    "a",
    "ab",
    "b",
    "z",
    "\u007f",
    "\u0080",
    "é",
    "\u07ff",
    "\u0800",
    "\uD7FF",
    "\uE000",
    "\uFF21",
    "\uFFFF",
    "\uD800\uDC00",
    "\uD83D\uDE00",
    "\uDBFF\uDFFF",
    "a\uD83D\uDE00",
    "a\uFFFF"
  };

  @Test
  void comparesLikeUnsignedUtf8Bytes() {
    for (String a : SAMPLES) {
      for (String b : SAMPLES) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        assertThat(Integer.signum(Utf8.compare(a, b)))
            .as("%s vs %s", a, b)
            .isEqualTo(Integer.signum(Arrays.compareUnsigned(x, y)));
      }
    }
  }

  @Test
  void encodesAndMeasuresLikeTheJdk() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = rnd.nextInt(12); j > 0; j--) {
        sb.appendCodePoint(randomCodePoint(rnd));
      }
      String s = sb.toString();
      byte[] expected = s.getBytes(StandardCharsets.UTF_8);
      assertThat(Utf8.encodedLength(s)).isEqualTo(expected.length);
      byte[] out = new byte[expected.length + 3];
      assertThat(Utf8.encode(s, out, 3)).isEqualTo(out.length);
      assertThat(Arrays.copyOfRange(out, 3, out.length)).isEqualTo(expected);
      assertThat(Utf8.isValid(expected, 0, expected.length)).isTrue();
    }
  }

  private static int randomCodePoint(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> rnd.nextInt(0x80);
      case 1 -> rnd.nextInt(0x80, 0x800);
      case 2 -> rnd.nextBoolean() ? rnd.nextInt(0x800, 0xD800) : rnd.nextInt(0xE000, 0x10000);
      default -> rnd.nextInt(0x10000, 0x110000);
    };
  }

  @Test
  void rejectsOverlongSurrogateTruncatedAndOutOfRangeSequences() {
    byte[][] bad = {
      {(byte) 0xC0, (byte) 0x80},
      {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0xE2, (byte) 0x82},
      {(byte) 0x80},
      {(byte) 0xFF},
    };
    for (byte[] b : bad) {
      assertThat(Utf8.isValid(b, 0, b.length)).as(Arrays.toString(b)).isFalse();
    }
  }

  @Test
  void detectsUnpairedSurrogates() {
    assertThat(Utf8.hasUnpairedSurrogate("a\uD83D\uDE00")).isFalse();
    assertThat(Utf8.hasUnpairedSurrogate("a\uD83D")).isTrue();
    assertThat(Utf8.hasUnpairedSurrogate("\uDE00a")).isTrue();
  }
}
