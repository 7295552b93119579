// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link Labels#compareKeys} must order keys exactly as {@link Labels#compareTo} orders labels. */
class LabelsKeyOrderTest {
  // Short strings from a small alphabet, so that prefixes, equal names and equal values are
  // common; with one-, two-, three- and four-byte UTF-8 characters around the surrogate range.
  private static final String[] ALPHABET = {
    "a",
    "b",
    "z",
    "_",
    "0",
    "\u007f",
    "\u00e9",
    "\u00ff",
    "\u07ff",
    "\u0800",
    "\ud7ff",
    "\ue000",
    "\uff21",
    "\uffff",
    "\ud83d\ude00",
    "\udbff\udfff",
    "\ud800\udc00"
  };

  private static String randomString(SplittableRandom rnd, int maxLen) {
    int n = rnd.nextInt(maxLen + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET[rnd.nextInt(rnd.nextBoolean() ? 3 : ALPHABET.length)]);
    }
    return sb.toString();
  }

  private static Labels randomLabels(SplittableRandom rnd) {
    TreeMap<String, String> m = new TreeMap<>(Utf8.ORDER);
    int n = rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      m.put(randomString(rnd, 3), randomString(rnd, 3));
    }
    List<String> nv = new ArrayList<>();
    m.forEach(
        (k, v) -> {
          nv.add(k);
          nv.add(v);
        });
    return Labels.of(nv.toArray(new String[0]));
  }

  private static int compareKeys(byte[] a, byte[] b) {
    return Labels.compareKeys(a, 0, a.length, b, 0, b.length);
  }

  @Test
  void agreesWithCompareToOnRandomLabelSets() {
    SplittableRandom rnd = new SplittableRandom(42);
    List<Labels> sets = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      sets.add(randomLabels(rnd));
    }
    List<byte[]> keys = sets.stream().map(Labels::toKey).toList();
    for (int i = 0; i < sets.size(); i++) {
      for (int j = 0; j < sets.size(); j++) {
        int expected = Integer.signum(sets.get(i).compareTo(sets.get(j)));
        int actual = Integer.signum(compareKeys(keys.get(i), keys.get(j)));
        assertThat(actual).as("%s vs %s", sets.get(i), sets.get(j)).isEqualTo(expected);
      }
    }
    List<Labels> byLabels = new ArrayList<>(sets);
    byLabels.sort(Comparator.naturalOrder());
    List<byte[]> byKeys = new ArrayList<>(keys);
    byKeys.sort(LabelsKeyOrderTest::compareKeys);
    assertThat(byKeys.stream().map(k -> Labels.fromKey(k, 0, k.length)).toList())
        .isEqualTo(byLabels);
  }

  @Test
  void aShorterStringOrFewerLabelsSortFirst() {
    byte[] a = Labels.of("a", "x").toKey();
    byte[] ab = Labels.of("a", "xy").toKey();
    byte[] a2 = Labels.of("a", "x", "b", "").toKey();
    byte[] aa = Labels.of("aa", "").toKey();
    assertThat(compareKeys(a, ab)).isNegative();
    assertThat(compareKeys(ab, a)).isPositive();
    assertThat(compareKeys(a, a2)).isNegative();
    assertThat(compareKeys(a2, aa)).isNegative();
    assertThat(compareKeys(Labels.EMPTY.toKey(), a)).isNegative();
    assertThat(compareKeys(a, a.clone())).isZero();
  }

  @Test
  void comparesUnsignedUtf8BytesNotUtf16Units() {
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80: UTF-8 puts the emoji last.
    byte[] fullwidth = Labels.of("n", "\uff21").toKey();
    byte[] emoji = Labels.of("n", "\ud83d\ude00").toKey();
    assertThat(compareKeys(fullwidth, emoji)).isNegative();
    assertThat(Labels.of("n", "\uff21").compareTo(Labels.of("n", "\ud83d\ude00"))).isNegative();
  }

  @Test
  void honoursOffsets() {
    byte[] k = Labels.of("a", "b").toKey();
    byte[] padded = new byte[k.length + 4];
    System.arraycopy(k, 0, padded, 2, k.length);
    assertThat(Labels.compareKeys(padded, 2, k.length, k, 0, k.length)).isZero();
  }
}
