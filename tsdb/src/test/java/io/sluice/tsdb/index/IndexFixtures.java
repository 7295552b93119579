// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.chunkenc.XorChunk;
import io.sluice.tsdb.chunkenc.XorChunkFormat;
import io.sluice.tsdb.chunkenc.XorIterator;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.testing.Golden;
import io.sluice.tsdb.testing.PromtoolBlocks;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fixtures for index tests: the promtool golden blocks, their input, and chunk segment bytes. */
final class IndexFixtures {
  static final String BLOCKS = "/golden/promtool-2.42.0/blocks/";

  private static final Pattern SAMPLE = Pattern.compile("^([^{ ]+)\\{(.*)\\} (\\S+) (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"([^\"]*)\"");

  private IndexFixtures() {}

  /** The directory of a golden block. */
  static Path goldenBlock(String ulid) {
    return PromtoolBlocks.blockDir(ulid);
  }

  /** A top-level integer field of a small JSON document such as meta.json. */
  static long jsonLong(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?\\d+)").matcher(json);
    assertThat(m.find()).as(field).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** The samples of {@code blocks.om.gz} per series, as {timestamp ms, value bits}, in order. */
  static Map<Labels, List<long[]>> openMetricsInput() {
    return PromtoolBlocks.samples();
  }

  /** One line per sample, "labels t bits", for readable comparisons. */
  static List<String> render(Map<Labels, List<long[]>> series) {
    List<String> out = new ArrayList<>();
    series.forEach(
        (l, samples) -> {
          for (long[] s : samples) {
            out.add(l + " " + s[0] + " " + Long.toHexString(s[1]));
          }
        });
    return out;
  }

  /**
   * An iterator over the chunk at {@code off} of a chunk segment file, after checking its encoding
   * and CRC.
   */
  static XorIterator chunk(byte[] segment, int off) {
    int p = off;
    long len = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = segment[p++];
      len |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        break;
      }
    }
    byte enc = segment[p];
    assertThat(enc).isEqualTo(XorChunkFormat.ENCODING);
    byte[] data = java.util.Arrays.copyOfRange(segment, p + 1, p + 1 + (int) len);
    int crc = ByteBuffer.wrap(segment, p + 1 + (int) len, 4).getInt();
    assertThat(crc).isEqualTo(Golden.chunkCrc(enc, data));
    return XorChunk.iterator(data, 0, data.length);
  }

  /**
   * A chunk segment file (format of {@code chunks/000001}) holding XOR chunks; chunk {@code i}
   * starts at the offset {@link #chunkOffsets} returns.
   */
  static byte[] chunkSegment(List<byte[]> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x85, (byte) 0xBD, 0x40, (byte) 0xDD, 1, 0, 0, 0});
    for (byte[] data : chunks) {
      long len = data.length;
      while ((len & ~0x7FL) != 0) {
        out.write((int) ((len & 0x7F) | 0x80));
        len >>>= 7;
      }
      out.write((int) len);
      out.write(XorChunkFormat.ENCODING);
      out.writeBytes(data);
      out.writeBytes(
          ByteBuffer.allocate(4).putInt(Golden.chunkCrc(XorChunkFormat.ENCODING, data)).array());
    }
    return out.toByteArray();
  }

  /** Offsets of the chunks in {@link #chunkSegment} of the same list. */
  static long[] chunkOffsets(List<byte[]> chunks) {
    long[] offs = new long[chunks.size()];
    long p = 8;
    for (int i = 0; i < offs.length; i++) {
      offs[i] = p;
      int len = chunks.get(i).length;
      int varint = 1;
      for (long v = len; v >= 0x80; v >>>= 7) {
        varint++;
      }
      p += varint + 1 + len + 4;
    }
    return offs;
  }
}
