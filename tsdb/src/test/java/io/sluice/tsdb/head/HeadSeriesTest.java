// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static io.sluice.tsdb.head.HeadFixtures.bits;
import static io.sluice.tsdb.head.HeadFixtures.samples;
import static io.sluice.tsdb.head.HeadFixtures.select;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.XxHash64;
import io.sluice.tsdb.query.Matcher;
import io.sluice.tsdb.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeadSeriesTest {
  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  private static byte[] key(String... nameValues) {
    return Labels.of(nameValues).toKey();
  }

  @Test
  void returnsTheSameSeriesForTheSameKeyAndParsesItsLabels() {
    byte[] k = key("__name__", "up", "job", "node");
    long h = head.hash(k, 0, k.length);
    MemSeries a = head.getOrCreate(h, k, 0, k.length);
    byte[] padded = new byte[k.length + 6];
    System.arraycopy(k, 0, padded, 3, k.length);
    MemSeries b = head.getOrCreate(h, padded, 3, k.length);
    assertThat(b).isSameAs(a);
    assertThat(a.labels()).isEqualTo(Labels.of("__name__", "up", "job", "node"));
    assertThat(a.hash()).isEqualTo(h);
    assertThat(head.numSeries()).isEqualTo(1);
  }

  @Test
  void findsOnlySeriesThatExistAndCreatesNone() {
    byte[] k = key("__name__", "up", "job", "node");
    long h = head.hash(k, 0, k.length);
    assertThat(head.get(h, k, 0, k.length)).isNull();
    assertThat(head.numSeries()).isZero();
    MemSeries a = head.getOrCreate(h, k, 0, k.length);
    byte[] padded = new byte[k.length + 4];
    System.arraycopy(k, 0, padded, 2, k.length);
    assertThat(head.get(h, padded, 2, k.length)).isSameAs(a);
    byte[] other = key("__name__", "up", "job", "other");
    assertThat(head.get(h, other, 0, other.length)).as("same hash, other key").isNull();
    assertThat(head.numSeries()).isEqualTo(1);
  }

  @Test
  void doesNotRetainTheCallersKeyArray() {
    byte[] k = key("a", "1");
    long h = head.hash(k, 0, k.length);
    MemSeries a = head.getOrCreate(h, k, 0, k.length);
    byte[] copy = k.clone();
    k[0] = 'b';
    assertThat(head.getOrCreate(h, copy, 0, copy.length)).isSameAs(a);
  }

  @Test
  void givesRefsFromOneUpwardsAndFindsSeriesByRef() {
    for (int i = 0; i < 5000; i++) {
      byte[] k = key("i", Integer.toString(i));
      MemSeries s = head.getOrCreate(head.hash(k, 0, k.length), k, 0, k.length);
      assertThat(s.ref()).isEqualTo(i + 1);
    }
    for (int i = 0; i < 5000; i++) {
      assertThat(head.getByRef(i + 1).labels().get("i")).isEqualTo(Integer.toString(i));
    }
    assertThat(head.getByRef(0)).isNull();
    assertThat(head.getByRef(5001)).isNull();
  }

  @Test
  void keepsTwoKeysWithTheSameHashApart() {
    byte[] k1 = key("__name__", "a");
    byte[] k2 = key("__name__", "b");
    long sameHash = 0x1234_5678_9abc_def0L;
    MemSeries a = head.getOrCreate(sameHash, k1, 0, k1.length);
    MemSeries b = head.getOrCreate(sameHash, k2, 0, k2.length);
    assertThat(b).isNotSameAs(a);
    assertThat(head.getOrCreate(sameHash, k1, 0, k1.length)).isSameAs(a);
    assertThat(head.getOrCreate(sameHash, k2, 0, k2.length)).isSameAs(b);
    head.append(a, 1000, bits(1));
    head.append(b, 1000, bits(2));
    assertThat(samples(head, a).get(0)[1]).isEqualTo(bits(1));
    assertThat(samples(head, b).get(0)[1]).isEqualTo(bits(2));
    assertThat(select(head, 0, 2000, Matcher.re("__name__", "a|b"))).hasSize(2);
  }

  @Test
  void keepsApartKeysWhoseHashesShareTheStripeAndTableSlot() {
    // Same low 14 bits (stripe) and same bits 14..40 (slot): only the key tells them apart.
    MemSeries[] created = new MemSeries[64];
    for (int i = 0; i < created.length; i++) {
      byte[] k = key("i", Integer.toString(i));
      created[i] = head.getOrCreate(((long) i << 50) | 7, k, 0, k.length);
    }
    for (int i = 0; i < created.length; i++) {
      byte[] k = key("i", Integer.toString(i));
      assertThat(head.getOrCreate(((long) i << 50) | 7, k, 0, k.length)).isSameAs(created[i]);
    }
    assertThat(head.numSeries()).isEqualTo(64);
  }

  @Test
  void rejectsAMalformedKeyWithoutCreatingASeries() {
    byte[] bad = "b\u00ff1\u00ffa\u00ff2\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> head.getOrCreate(1, bad, 0, bad.length))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(head.numSeries()).isZero();
    assertThat(head.getByRef(1)).isNull();
  }

  @Test
  void decodesLabelsFromTheKeyAndSharesPostingsStringsAcrossSeries() {
    byte[] k1 = key("job", "node", "i", "1");
    byte[] k2 = key("job", "node", "i", "2");
    MemSeries a = head.getOrCreate(head.hash(k1, 0, k1.length), k1, 0, k1.length);
    MemSeries b = head.getOrCreate(head.hash(k2, 0, k2.length), k2, 0, k2.length);
    assertThat(a.labels()).isEqualTo(Labels.of("job", "node", "i", "1"));
    assertThat(b.labels()).isEqualTo(Labels.of("job", "node", "i", "2"));
    assertThat(a.labels().toKey()).isEqualTo(k1);
    assertThat(head.postings().names()).containsExactly("i", "job");
    assertThat(head.postings().get("job", "node")).containsExactly(a.ref(), b.ref());
  }

  @Test
  void hashesWithThePrefixSoTheResultIsThanosPlacementHash() {
    byte[] prefix = "tenant\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    Head tenantHead = new Head(HeadOptions.defaults(new MutableClock(0)).withHashPrefix(prefix));
    byte[] k = key("pod", "nginx");
    assertThat(tenantHead.hash(k, 0, k.length)).isEqualTo(0x25c44c0780c34a23L);
    assertThat(head.hash(k, 0, k.length)).isEqualTo(XxHash64.hash(k, 0, k.length));
    byte[] big = key("k", "v".repeat(5000));
    byte[] both = new byte[prefix.length + big.length];
    System.arraycopy(prefix, 0, both, 0, prefix.length);
    System.arraycopy(big, 0, both, prefix.length, big.length);
    assertThat(tenantHead.hash(big, 0, big.length)).isEqualTo(XxHash64.hash(both, 0, both.length));
  }
}
