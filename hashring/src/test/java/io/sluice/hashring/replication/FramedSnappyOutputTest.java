// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

class FramedSnappyOutputTest {
  private static byte[] labels(int size) {
    // Remote-write-like bytes: label names and values repeating with small variations.
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; b.size() < size; i++) {
      b.writeBytes(
          ("__name__\u00ffhttp_requests_total\u00ffinstance\u00ffpod-" + (i % 97) + "\u00ff")
              .getBytes(StandardCharsets.UTF_8));
    }
    return Arrays.copyOf(b.toByteArray(), size);
  }

  private static byte[] framed(byte[] in, int writeSize) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream os = new FramedSnappyOutput(out)) {
      for (int off = 0; off < in.length; off += writeSize) {
        os.write(in, off, Math.min(writeSize, in.length - off));
      }
    }
    return out.toByteArray();
  }

  private static byte[] read(byte[] framed) throws IOException {
    // snappy-java's reader, checking every chunk's CRC-32C.
    try (InputStream is = new SnappyFramedInputStream(new ByteArrayInputStream(framed), true)) {
      return is.readAllBytes();
    }
  }

  @Test
  void writesWhatSnappyJavasFramedStreamWritesForCompressibleInput() throws IOException {
    // Both compress 64 KiB blocks with the same snappy and frame them alike: byte for byte equal.
    byte[] in = labels(200_000);
    ByteArrayOutputStream reference = new ByteArrayOutputStream();
    try (OutputStream os = new SnappyFramedOutputStream(reference)) {
      os.write(in);
    }
    assertThat(framed(in, in.length)).isEqualTo(reference.toByteArray());
  }

  @Test
  void chunksEvery64KiBWhateverTheWriteSizes() throws IOException {
    byte[] in = labels(3 * FramedSnappyOutput.BLOCK + 1234);
    byte[] whole = framed(in, in.length);
    assertThat(framed(in, 1)).isEqualTo(whole);
    assertThat(framed(in, 1000)).isEqualTo(whole);
    assertThat(framed(in, FramedSnappyOutput.BLOCK + 7)).isEqualTo(whole);
    assertThat(read(whole)).isEqualTo(in);
    // Stream identifier, then four compressed chunks: three full blocks and the rest.
    assertThat(Arrays.copyOf(whole, 10)).isEqualTo(FramedSnappyOutput.STREAM_IDENTIFIER);
    int chunks = 0;
    for (int p = 10; p < whole.length; chunks++) {
      assertThat(whole[p]).as("chunk type").isEqualTo((byte) 0x00);
      int length = (whole[p + 1] & 0xff) | (whole[p + 2] & 0xff) << 8 | (whole[p + 3] & 0xff) << 16;
      p += 4 + length;
    }
    assertThat(chunks).isEqualTo(4);
  }

  @Test
  void storesWhatDoesNotCompressByAnEighth() throws IOException {
    byte[] in = new byte[100_000];
    new Random(7).nextBytes(in);
    byte[] framed = framed(in, in.length);
    assertThat(framed[10]).as("first chunk type").isEqualTo((byte) 0x01);
    assertThat(framed.length).isEqualTo(10 + 2 * 8 + in.length);
    assertThat(read(framed)).isEqualTo(in);
  }

  @Test
  void anEmptyStreamIsTheStreamIdentifierAlone() throws IOException {
    byte[] framed = framed(new byte[0], 1);
    assertThat(framed).isEqualTo(FramedSnappyOutput.STREAM_IDENTIFIER);
    assertThat(read(framed)).isEmpty();
  }

  @Test
  void twoStreamsOpenOnOneThreadDoNotShareBuffers() throws IOException {
    byte[] a = labels(90_000);
    byte[] b = new byte[90_000];
    new Random(1).nextBytes(b);
    ByteArrayOutputStream outA = new ByteArrayOutputStream();
    ByteArrayOutputStream outB = new ByteArrayOutputStream();
    try (OutputStream sa = new FramedSnappyOutput(outA);
        OutputStream sb = new FramedSnappyOutput(outB)) {
      for (int off = 0; off < a.length; off += 500) {
        sa.write(a, off, 500);
        sb.write(b, off, 500);
      }
    }
    assertThat(read(outA.toByteArray())).isEqualTo(a);
    assertThat(read(outB.toByteArray())).isEqualTo(b);
  }
}
