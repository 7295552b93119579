// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.testing.Golden;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class XorChunkTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long STALE_NAN = 0x7ff0000000000002L;

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  private static List<long[]> decode(byte[] data) {
    List<long[]> out = new ArrayList<>();
    XorIterator it = XorChunk.iterator(data, 0, data.length);
    while (it.next()) {
      out.add(new long[] {it.timestamp(), it.valueBits()});
    }
    return out;
  }

  private static byte[] encode(long[] ts, long[] vs) {
    XorChunk c = new XorChunk();
    for (int i = 0; i < ts.length; i++) {
      c.append(ts[i], vs[i]);
    }
    assertThat(c.numSamples()).isEqualTo(ts.length);
    return c.bytes();
  }

  @Test
  void encodesTheReferenceVectorsByteForByteWithTheirCrcs() {
    List<String[]> rows = Golden.rows("promtool-2.42.0/reference-vectors.tsv");
    assertThat(rows).hasSize(4);
    for (String[] row : rows) {
      String[] samples = row[0].split(",");
      long[] ts = new long[samples.length];
      long[] vs = new long[samples.length];
      for (int i = 0; i < samples.length; i++) {
        String[] tv = samples[i].split(":");
        ts[i] = Long.parseLong(tv[0]);
        vs[i] = bits(Double.parseDouble(tv[1]));
      }
      byte[] data = encode(ts, vs);
      assertThat(HEX.formatHex(data)).as(row[0]).isEqualTo(row[1]);
      if (!row[2].equals("-")) {
        assertThat(Golden.chunkCrc(XorChunkFormat.ENCODING, data))
            .as("CRC of %s", row[0])
            .isEqualTo(Integer.parseUnsignedInt(row[2], 16));
      }
      List<long[]> decoded = decode(data);
      for (int i = 0; i < ts.length; i++) {
        assertThat(decoded.get(i)).containsExactly(ts[i], vs[i]);
      }
    }
  }

  @Test
  void reproducesPromtoolsChunkForEveryDodBucketBoundaryAndSpecialValue() {
    List<String[]> samples = Golden.rows("promtool-2.42.0/irregular-samples.tsv");
    List<String[]> chunks = Golden.rows("promtool-2.42.0/irregular-chunks.txt");
    assertThat(chunks).hasSize(1);
    byte[] expected = HEX.parseHex(chunks.get(0)[2]);
    long[] ts = new long[samples.size()];
    long[] vs = new long[samples.size()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = Long.parseLong(samples.get(i)[0]);
      vs[i] = Long.parseUnsignedLong(samples.get(i)[1], 16);
    }

    List<long[]> decoded = decode(expected);
    assertThat(decoded).hasSize(ts.length);
    for (int i = 0; i < ts.length; i++) {
      assertThat(decoded.get(i)).as("sample %d", i).containsExactly(ts[i], vs[i]);
    }
    byte[] data = encode(ts, vs);
    assertThat(HEX.formatHex(data)).isEqualTo(HEX.formatHex(expected));
    assertThat(Golden.chunkCrc(XorChunkFormat.ENCODING, data))
        .isEqualTo(Integer.parseUnsignedInt(chunks.get(0)[3], 16));
  }

  @Test
  void writesTheSpillByteAfterAByteAlignedFirstSample() {
    XorChunk c = new XorChunk();
    c.append(1000, bits(1.0));
    // 2 (count) + 2 (varint 1000) + 8 (value) + 1 spill byte.
    assertThat(c.bytes()).hasSize(13);
    assertThat(c.sizeBytes()).isEqualTo(13);
    assertThat(c.bytes()[12]).isZero();
  }

  @Test
  void emptyChunkIsJustAZeroCount() {
    XorChunk c = new XorChunk();
    assertThat(c.bytes()).containsExactly(0, 0);
    assertThat(XorChunk.iterator(c.bytes(), 0, 2).next()).isFalse();
  }

  @Test
  void keepsTheStaleMarkerAndOtherNaNPayloadsBitExact() {
    long[] vs = {
      STALE_NAN,
      0x7ff8000000000001L,
      0x7ff8000000000000L,
      0xfff8000000000000L,
      STALE_NAN,
      0x7ff0000000000001L,
      bits(1.0),
      STALE_NAN
    };
    long[] ts = new long[vs.length];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = 1_000L * i;
    }
    List<long[]> decoded = decode(encode(ts, vs));
    for (int i = 0; i < vs.length; i++) {
      assertThat(decoded.get(i)[1]).as("value %d", i).isEqualTo(vs[i]);
    }
  }

  @Test
  void roundTripsRandomTimestampsHittingEveryDodBucketAndBoundary() {
    long[] boundaries = {
      0,
      1,
      -1,
      8191,
      8192,
      8193,
      -8191,
      -8192,
      -8193,
      65535,
      65536,
      65537,
      -65535,
      -65536,
      -65537,
      524287,
      524288,
      524289,
      -524287,
      -524288,
      -524289,
      1L << 40,
      -(1L << 40)
    };
    SplittableRandom rnd = new SplittableRandom(7);
    for (int round = 0; round < 300; round++) {
      int n = 1 + rnd.nextInt(300);
      long[] ts = new long[n];
      long[] vs = new long[n];
      ts[0] = rnd.nextLong(-(1L << 50), 1L << 50);
      long delta = rnd.nextLong(0, 1L << 20);
      for (int i = 1; i < n; i++) {
        long dod =
            switch (rnd.nextInt(6)) {
              case 0 -> boundaries[rnd.nextInt(boundaries.length)];
              case 1 -> 0;
              case 2 -> rnd.nextLong(-8191, 8193);
              case 3 -> rnd.nextLong(-65535, 65537);
              case 4 -> rnd.nextLong(-524287, 524289);
              default -> rnd.nextLong(-(1L << 45), 1L << 45);
            };
        delta += dod;
        ts[i] = ts[i - 1] + delta;
      }
      for (int i = 0; i < n; i++) {
        vs[i] = randomValueBits(rnd, i == 0 ? 0 : vs[i - 1]);
      }
      List<long[]> decoded = decode(encode(ts, vs));
      assertThat(decoded).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(decoded.get(i)).as("round %d sample %d", round, i).containsExactly(ts[i], vs[i]);
      }
    }
  }

  @Test
  void roundTripsExtremeTimestampsAndDeltas() {
    long[] ts = {Long.MIN_VALUE / 2, -1, 0, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + 1};
    long[] vs = new long[ts.length];
    List<long[]> decoded = decode(encode(ts, vs));
    for (int i = 0; i < ts.length; i++) {
      assertThat(decoded.get(i)[0]).isEqualTo(ts[i]);
    }
  }

  private static long randomValueBits(SplittableRandom rnd, long prev) {
    return switch (rnd.nextInt(12)) {
      case 0 -> prev;
      case 1 -> STALE_NAN;
      case 2 -> bits(Double.POSITIVE_INFINITY);
      case 3 -> bits(Double.NEGATIVE_INFINITY);
      case 4 -> rnd.nextLong(1, 1L << 52); // positive denormal
      case 5 -> Long.MIN_VALUE | rnd.nextLong(1, 1L << 52); // negative denormal
      case 6 -> bits(-0.0);
      case 7 -> prev ^ (1L << rnd.nextInt(64)); // one flipped bit: small windows
      case 8 -> prev ^ Long.MIN_VALUE ^ 1; // 64 significant bits
      case 9 -> 0x7ff0000000000000L | rnd.nextLong(1, 1L << 52); // any NaN payload
      case 10 -> bits(rnd.nextInt(1000) * 0.25);
      default -> rnd.nextLong();
    };
  }

  @Test
  void resetStartsAnIdenticalFreshChunk() {
    XorChunk c = new XorChunk();
    for (int i = 0; i < 500; i++) {
      c.append(i * 15_000L, bits(Math.sin(i)));
    }
    c.reset();
    c.append(1000, bits(1.0));
    c.append(2000, bits(2.0));
    c.append(3000, bits(3.0));
    assertThat(HEX.formatHex(c.bytes())).isEqualTo("0003d00f3ff0000000000000e807c25fff6c06");
  }

  @Test
  void refusesMoreSamplesThanTheCountCanHold() {
    XorChunk c = new XorChunk();
    for (int i = 0; i < XorChunkFormat.MAX_SAMPLES; i++) {
      c.append(i, 0);
    }
    assertThat(decode(c.bytes())).hasSize(XorChunkFormat.MAX_SAMPLES);
    assertThatThrownBy(() -> c.append(1L << 20, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("65535");
  }

  @Test
  void reportsTruncatedChunksAsCorrupt() {
    byte[] data = HEX.parseHex("0003d00f3ff0000000000000e807c25fff6c06");
    byte[] truncated = Arrays.copyOf(data, data.length - 3);
    XorIterator it = XorChunk.iterator(truncated, 0, truncated.length);
    assertThat(it.next()).isTrue();
    // The second sample's value needs 24 bits, only 16 are left.
    assertThatThrownBy(it::next)
        .isInstanceOf(MalformedChunkException.class)
        .hasMessageContaining("ends early");
    assertThatThrownBy(() -> XorChunk.iterator(data, 0, 1))
        .isInstanceOf(MalformedChunkException.class);
  }

  @Test
  void rejectsATimestampVarintOfMoreThan64BitsAsGoDoes() {
    // One sample whose first timestamp's 10th varint byte is 02: bit 64 set, beyond an int64.
    byte[] data = HEX.parseHex("0001" + "ffffffffffffffffff02" + "3ff0000000000000");
    XorIterator it = XorChunk.iterator(data, 0, data.length);
    assertThatThrownBy(it::next)
        .isInstanceOf(MalformedChunkException.class)
        .hasMessageContaining("does not fit in 64 bits");
    byte[] max = HEX.parseHex("0001" + "ffffffffffffffffff01" + "3ff0000000000000");
    XorIterator ok = XorChunk.iterator(max, 0, max.length);
    assertThat(ok.next()).isTrue();
    assertThat(ok.timestamp()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void iteratesARangeInsideALargerArrayAndCanBeReset() {
    byte[] data = HEX.parseHex("0003d00f3ff0000000000000e807c25fff6c06");
    byte[] padded = new byte[data.length + 8];
    System.arraycopy(data, 0, padded, 4, data.length);
    XorIterator it = XorChunk.iterator(padded, 4, data.length);
    int n = 0;
    while (it.next()) {
      n++;
      assertThat(it.timestamp()).isEqualTo(1000L * n);
      assertThat(Double.longBitsToDouble(it.valueBits())).isEqualTo(n);
    }
    assertThat(n).isEqualTo(3);
    it.reset(data, 0, data.length);
    assertThat(it.numSamples()).isEqualTo(3);
    assertThat(it.next()).isTrue();
    assertThat(it.timestamp()).isEqualTo(1000);
  }
}
