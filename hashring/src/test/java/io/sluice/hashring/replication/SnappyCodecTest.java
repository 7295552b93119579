// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

class SnappyCodecTest {
  // The stream identifier chunk of the snappy framing format.
  private static final byte[] STREAM_IDENTIFIER = {
    (byte) 0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59
  };

  private static byte[] payload() {
    byte[] b = new byte[300_000]; // several 64 KiB chunks
    Random r = new Random(42);
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i % 7 == 0 ? r.nextInt() : i / 1000);
    }
    return b;
  }

  private static byte[] compress(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream os = SnappyCodec.instance().compress(out)) {
      os.write(in);
    }
    return out.toByteArray();
  }

  @Test
  void isNamedSnappyAsInThanos() {
    assertThat(SnappyCodec.instance().getMessageEncoding()).isEqualTo("snappy");
    assertThat(SnappyCodec.compressors().lookupCompressor("snappy"))
        .isSameAs(SnappyCodec.instance());
    assertThat(SnappyCodec.decompressors().lookupDecompressor("snappy"))
        .isSameAs(SnappyCodec.instance());
    assertThat(SnappyCodec.decompressors().getAdvertisedMessageEncodings()).contains("snappy");
  }

  @Test
  void roundTripsAndWritesTheFramingFormat() throws IOException {
    byte[] in = payload();
    byte[] compressed = compress(in);
    assertThat(Arrays.copyOf(compressed, STREAM_IDENTIFIER.length)).isEqualTo(STREAM_IDENTIFIER);
    assertThat(compressed.length).isLessThan(in.length);
    try (InputStream is = SnappyCodec.instance().decompress(new ByteArrayInputStream(compressed))) {
      assertThat(is.readAllBytes()).isEqualTo(in);
    }
  }

  @Test
  void readsAndIsReadBySnappyFramedStreams() throws IOException {
    byte[] in = payload();
    try (InputStream is = new SnappyFramedInputStream(new ByteArrayInputStream(compress(in)))) {
      assertThat(is.readAllBytes()).isEqualTo(in);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream os = new SnappyFramedOutputStream(out)) {
      os.write(in);
    }
    try (InputStream is =
        SnappyCodec.instance().decompress(new ByteArrayInputStream(out.toByteArray()))) {
      assertThat(is.readAllBytes()).isEqualTo(in);
    }
  }

  @Test
  void rejectsASnappyBlockAndACorruptChunk() throws IOException {
    byte[] block = org.xerial.snappy.Snappy.compress(payload());
    assertThatThrownBy(
            () -> SnappyCodec.instance().decompress(new ByteArrayInputStream(block)).readAllBytes())
        .isInstanceOf(IOException.class);
    byte[] framed = compress(payload());
    framed[framed.length / 2] ^= 0x55;
    assertThatThrownBy(
            () ->
                SnappyCodec.instance().decompress(new ByteArrayInputStream(framed)).readAllBytes())
        .isInstanceOf(IOException.class);
  }
}
