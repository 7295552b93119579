// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Encodings as Go's {@code binary.PutUvarint} / {@code binary.PutVarint} write them. */
class VarintTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest(name = "uvarint {0} = {1}")
  @CsvSource({
    "0,                    00",
    "1,                    01",
    "127,                  7f",
    "128,                  8001",
    "300,                  ac02",
    "16383,                ff7f",
    "16384,                808001",
    "4294967295,           ffffffff0f",
    "9223372036854775807,  ffffffffffffffff7f",
    "18446744073709551615, ffffffffffffffffff01",
  })
  void writesAndReadsUvarintsAsGo(String unsigned, String hex) {
    long v = Long.parseUnsignedLong(unsigned);
    byte[] b = new byte[Varint.MAX_LEN + 2];
    int end = Varint.putUvarint(b, 1, v);
    assertThat(HEX.formatHex(b, 1, end)).isEqualTo(hex);
    assertThat(Varint.uvarintSize(v)).isEqualTo(end - 1);
    StringBuilder oneByOne = new StringBuilder();
    for (int i = 0; i < Varint.uvarintSize(v); i++) {
      oneByOne.append(HEX.toHexDigits((byte) Varint.uvarintByte(v, i)));
    }
    assertThat(oneByOne).hasToString(hex);
    assertThat(Varint.uvarintLength(b, 1, b.length)).isEqualTo(end - 1);
    assertThat(Varint.uvarint(b, 1)).isEqualTo(v);
  }

  @ParameterizedTest(name = "varint {0} = {1}")
  @CsvSource({
    "0,                    00",
    "-1,                   01",
    "1,                    02",
    "-2,                   03",
    "-64,                  7f",
    "64,                   8001",
    "9223372036854775807,  feffffffffffffffff01",
    "-9223372036854775808, ffffffffffffffffff01",
  })
  void writesAndReadsZigzagVarintsAsGo(long v, String hex) {
    byte[] b = new byte[Varint.MAX_LEN];
    int end = Varint.putVarint(b, 0, v);
    assertThat(HEX.formatHex(b, 0, end)).isEqualTo(hex);
    assertThat(Varint.unzigzag(Varint.zigzag(v))).isEqualTo(v);
    assertThat(Varint.varint(b, 0)).isEqualTo(v);
  }

  @ParameterizedTest(name = "{0}: length {1}")
  @CsvSource({
    "'',                     0", // nothing
    "80,                     0", // truncated
    "ffffffffff,             0",
    "8000,                   2", // not minimal, accepted as Go does
    "01ff,                   1", // what follows is not read
    "ffffffffffffffffff01,   10",
    "ffffffffffffffffff02,   -10", // 10th byte above 1: more than 64 bits
    "ffffffffffffffffff7f,   -10",
    "ffffffffffffffffff80,   -10", // not ended after 10 bytes
    "ffffffffffffffffff8001, -10",
  })
  void checksLengthsAsGoBinaryUvarint(String hex, int length) {
    byte[] b = HEX.parseHex(hex);
    assertThat(Varint.uvarintLength(b, 0, b.length)).isEqualTo(length);
  }

  @Test
  void checksOnlyUpToTheGivenEnd() {
    byte[] b = HEX.parseHex("ac02");
    assertThat(Varint.uvarintLength(b, 0, 1)).isEqualTo(Varint.TRUNCATED);
    assertThat(Varint.uvarintLength(b, 1, 2)).isEqualTo(1);
    assertThat(Varint.uvarint(HEX.parseHex("8000"), 0)).isZero();
  }
}
