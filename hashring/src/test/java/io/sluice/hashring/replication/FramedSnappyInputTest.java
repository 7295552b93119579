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
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedOutputStream;

class FramedSnappyInputTest {
  private static byte[] payload(int size) {
    byte[] b = new byte[size];
    Random r = new Random(size);
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i % 5 == 0 ? r.nextInt() : i / 700);
    }
    return b;
  }

  // snappy-java's own writer of the framing format: an implementation other than Sluice's.
  private static byte[] referenceFramed(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream os = new SnappyFramedOutputStream(out)) {
      os.write(in);
    }
    return out.toByteArray();
  }

  private static byte[] readInSteps(byte[] framed, int step) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream is = new FramedSnappyInput(new ByteArrayInputStream(framed))) {
      byte[] buf = new byte[step];
      for (int n; (n = is.read(buf, 0, step)) != -1; ) {
        out.write(buf, 0, n);
      }
    }
    return out.toByteArray();
  }

  private static byte[] chunk(int type, byte[] data) {
    byte[] c = new byte[4 + data.length];
    c[0] = (byte) type;
    c[1] = (byte) data.length;
    c[2] = (byte) (data.length >>> 8);
    c[3] = (byte) (data.length >>> 16);
    System.arraycopy(data, 0, c, 4, data.length);
    return c;
  }

  private static byte[] checked(byte[] uncompressed, byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(uncompressed);
    int m = FramedSnappyOutput.mask((int) crc.getValue());
    byte[] out = new byte[4 + data.length];
    out[0] = (byte) m;
    out[1] = (byte) (m >>> 8);
    out[2] = (byte) (m >>> 16);
    out[3] = (byte) (m >>> 24);
    System.arraycopy(data, 0, out, 4, data.length);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] compressBlock(byte[] in) {
    try {
      return Snappy.compress(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final byte[] IDENTIFIER = FramedSnappyOutput.STREAM_IDENTIFIER;

  @Test
  void readsWhatAnotherImplementationWritesWhateverTheReadSize() throws IOException {
    for (int size : new int[] {0, 1, 65_535, 65_536, 65_537, 300_000}) {
      byte[] in = payload(size);
      byte[] framed = referenceFramed(in);
      for (int step : new int[] {1, 1000, 65_536, 1 << 20}) {
        assertThat(readInSteps(framed, step)).as("size %d step %d", size, step).isEqualTo(in);
      }
    }
  }

  @Test
  void readsStoredPaddingSkippableAndRepeatedIdentifierChunks() throws IOException {
    byte[] a = payload(1000);
    byte[] b = payload(2000);
    byte[] framed =
        concat(
            IDENTIFIER,
            chunk(0x01, checked(a, a)),
            chunk(0xfe, new byte[17]),
            IDENTIFIER,
            chunk(0x80, new byte[3]),
            chunk(0x00, checked(b, compressBlock(b))));
    assertThat(readInSteps(framed, 1 << 16)).isEqualTo(concat(a, b));
    assertThat(readInSteps(framed, 7)).isEqualTo(concat(a, b));
  }

  @Test
  void anEmptyStreamAndAStreamOfOnlyTheIdentifierAreEmpty() throws IOException {
    assertThat(readInSteps(new byte[0], 100)).isEmpty();
    assertThat(readInSteps(IDENTIFIER, 100)).isEmpty();
  }

  @Test
  void rejectsCorruptInput() {
    byte[] a = payload(5000);
    byte[] good = concat(IDENTIFIER, chunk(0x00, checked(a, compressBlock(a))));
    byte[] badCrc = good.clone();
    badCrc[IDENTIFIER.length + 4] ^= 1;
    byte[] badData = good.clone();
    badData[good.length - 3] ^= 0x40;
    byte[] tooLarge = payload(65_537);
    byte[][] corrupt = {
      chunk(0x00, checked(a, compressBlock(a))), // no stream identifier
      badCrc,
      badData,
      Arrays.copyOf(good, good.length - 1), // truncated chunk
      Arrays.copyOf(good, IDENTIFIER.length + 2), // truncated header
      concat(IDENTIFIER, chunk(0x02, new byte[4])), // reserved unskippable type
      concat(IDENTIFIER, chunk(0x01, checked(tooLarge, tooLarge))), // stored block over 64 KiB
      concat(IDENTIFIER, chunk(0x00, checked(tooLarge, compressBlock(tooLarge)))),
      concat(new byte[] {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'X'}), // bad identifier
      concat(IDENTIFIER, chunk(0x00, new byte[2])), // chunk shorter than its checksum
    };
    for (byte[] c : corrupt) {
      assertThatThrownBy(() -> readInSteps(c, 1 << 16)).isInstanceOf(IOException.class);
    }
  }
}
