// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class XxHash64Test {

  private static long hash(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return XxHash64.hash(b, 0, b.length);
  }

  /** xxHash's self-test buffer: top byte of a generator multiplied by PRIME64 at every step. */
  static byte[] sanityBuffer(int len) {
    byte[] b = new byte[len];
    long gen = 2654435761L;
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (gen >>> 56);
      gen *= 0x9E3779B185EBCA8DL; // 11400714785074694797
    }
    return b;
  }

  /** Thanos' HashWithPrefix input: tenant 0xFF, then name 0xFF value 0xFF per label. */
  static byte[] thanosHashInput(String tenant, String... nameValues) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(tenant.getBytes(StandardCharsets.UTF_8));
    out.write(0xFF);
    for (String s : nameValues) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      out.write(0xFF);
    }
    return out.toByteArray();
  }

  private static long thanosHash(String tenant, String... nameValues) {
    byte[] b = thanosHashInput(tenant, nameValues);
    return XxHash64.hash(b, 0, b.length);
  }

  @Test
  void hashesTheEmptyStringAndAbcToThePublishedValues() {
    assertThat(hash("")).isEqualTo(0xef46db3751d8e999L);
    assertThat(hash("abc")).isEqualTo(0x44bc2cf5ad770999L);
  }

  @Test
  void matchesXxHashSelfTestVectorsForSeedZero() {
    byte[] buf = sanityBuffer(222);
    assertThat(XxHash64.hash(buf, 0, 0)).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(XxHash64.hash(buf, 0, 1)).isEqualTo(0xE934A84ADB052768L);
    assertThat(XxHash64.hash(buf, 0, 4)).isEqualTo(0x9136A0DCA57457EEL);
    assertThat(XxHash64.hash(buf, 0, 14)).isEqualTo(0x8282DCC4994E35C8L);
    assertThat(XxHash64.hash(buf, 0, 222)).isEqualTo(0xB641AE8CB691C174L);
  }

  @Test
  void matchesLibxxhashForEveryLengthUpTo100AndBeyondOneKibibyte() throws IOException {
    List<long[]> rows = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                getClass().getResourceAsStream("/golden/libxxhash-0.8.1/xxh64.tsv"));
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t");
        rows.add(new long[] {Integer.parseInt(f[0]), Long.parseUnsignedLong(f[1], 16)});
      }
    }
    assertThat(rows).hasSizeGreaterThan(105);
    byte[] buf = sanityBuffer(10_000);
    for (long[] row : rows) {
      int len = (int) row[0];
      assertThat(XxHash64.hash(buf, 0, len)).as("length %d", len).isEqualTo(row[1]);
    }
    assertThat(rows.stream().mapToLong(row -> row[0]).max().getAsLong()).isGreaterThan(1024);
  }

  @Test
  void hashesARangeInsideALargerArrayLikeACopyOfIt() {
    byte[] inner = sanityBuffer(300);
    byte[] outer = new byte[inner.length + 17];
    System.arraycopy(inner, 0, outer, 13, inner.length);
    for (int len = 0; len <= inner.length; len += 7) {
      assertThat(XxHash64.hash(outer, 13, len)).isEqualTo(XxHash64.hash(inner, 0, len));
    }
  }

  @Test
  void reproducesThanosKetamaRingPointHashes() {
    assertThat(hash("receive-0:10901:1")).isEqualTo(0x989ad7f1fbebbbc2L);
    assertThat(hash("receive-0:10901:1000")).isEqualTo(0x73bcc66d224ae4c5L);
    assertThat(hash("node-1:1")).isEqualTo(0x4afb5483c129158bL);
  }

  @Test
  void reproducesThanosHashWithPrefixTable() {
    assertThat(thanosHash("default-tenant", "__name__", "up", "job", "node"))
        .isEqualTo(0x60103fd36f09adebL);
    assertThat(thanosHash("tenant", "pod", "nginx")).isEqualTo(0x25c44c0780c34a23L);
    assertThat(thanosHash("tenant", "foo", "bar", "baz", "qux")).isEqualTo(0xe1136e903d1ed545L);
    assertThat(thanosHash("", "a", "b")).isEqualTo(0xcdcf10c537a73d49L);
    assertThat(thanosHash("default-tenant")).isEqualTo(0x865efb37a9c51d23L);
    assertThat(thanosHash("tenant1", "foo", "bar", "baz", "qux")).isEqualTo(0x2f672c66d60dbcd2L);
    assertThat(thanosHash("tenant2", "foo", "bar", "baz", "qux")).isEqualTo(0xea3bf4fe4c7c1104L);
  }

  @Test
  void rejectsARangeOutsideTheArray() {
    assertThatThrownBy(() -> XxHash64.hash(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
