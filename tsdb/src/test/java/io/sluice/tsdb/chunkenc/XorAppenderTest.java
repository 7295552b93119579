// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The embeddable form starts without a buffer, grows from a small one, and encodes the same. */
class XorAppenderTest {
  private static final class Embedded extends XorAppender {}

  @Test
  void encodesExactlyAsXorChunkWhileGrowingFromNothing() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int round = 0; round < 50; round++) {
      Embedded e = new Embedded();
      XorChunk c = new XorChunk();
      assertThat(e.xorNumSamples()).isZero();
      assertThat(e.xorBytes()).containsExactly(0, 0);
      long t = rnd.nextLong(1L << 42);
      double v = rnd.nextDouble() * 1000;
      int n = 1 + rnd.nextInt(400);
      for (int i = 0; i < n; i++) {
        t += 15_000 + rnd.nextInt(-2000, 2000) * (rnd.nextInt(10) == 0 ? 1000 : 1);
        v =
            switch (rnd.nextInt(4)) {
              case 0 -> v;
              case 1 -> v + rnd.nextInt(100);
              case 2 -> rnd.nextDouble();
              default -> Double.longBitsToDouble(rnd.nextLong());
            };
        long bits = Double.doubleToRawLongBits(v);
        e.xorAppend(t, bits);
        c.append(t, bits);
        assertThat(e.xorSizeBytes()).isEqualTo(c.sizeBytes());
      }
      assertThat(e.xorBytes()).isEqualTo(c.bytes());
      assertThat(e.xorNumSamples()).isEqualTo(n);
      assertThat(e.xorLastTimestamp()).isEqualTo(t);
    }
  }

  @Test
  void resetKeepsEncodingAndReleaseStartsOver() {
    Embedded e = new Embedded();
    XorChunk c = new XorChunk();
    for (int pass = 0; pass < 3; pass++) {
      for (int i = 0; i < 200; i++) {
        e.xorAppend(1000L * i, Double.doubleToRawLongBits(i * 0.1));
        c.append(1000L * i, Double.doubleToRawLongBits(i * 0.1));
      }
      assertThat(e.xorBytes()).isEqualTo(c.bytes());
      if (pass == 1) {
        e.xorRelease();
        assertThat(e.xorBytes()).containsExactly(0, 0);
      } else {
        e.xorReset();
      }
      c.reset();
      assertThat(e.xorNumSamples()).isZero();
    }
  }
}
