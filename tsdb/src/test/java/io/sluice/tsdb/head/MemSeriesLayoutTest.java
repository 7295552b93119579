// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.chunkenc.XorAppender;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.testing.MutableClock;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The memory layout of a series that the per-series footprint relies on (structure only: sizes
 * depend on the JVM), and the key order that replaces label comparisons when sorting series.
 */
class MemSeriesLayoutTest {
  private final Head head = new Head(HeadOptions.defaults(new MutableClock(0)));

  private static List<Field> instanceFields(Class<?> c) {
    List<Field> out = new ArrayList<>();
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          out.add(f);
        }
      }
    }
    return out;
  }

  @Test
  void aSeriesHoldsItsLabelsOnlyAsTheKeyAndItsOpenChunkInline() {
    assertThat(XorAppender.class).isAssignableFrom(MemSeries.class);
    List<Class<?>> types = instanceFields(MemSeries.class).stream().map(Field::getType).toList();
    assertThat(types)
        .doesNotContain(Labels.class, String[].class, io.sluice.tsdb.chunkenc.XorChunk.class);
    // One reference for the rarely used out-of-order buffer, not its arrays.
    assertThat(types).doesNotContain(long[].class.arrayType()).containsOnlyOnce(long[].class);
    long wide =
        instanceFields(MemSeries.class).stream()
            .filter(f -> f.getType() == long.class || f.getType() == double.class)
            .count();
    // ref, hash, open chunk min time and cut time; the encoder's last t, delta and value.
    assertThat(wide).isEqualTo(7);
  }

  @Test
  void keyOrderIsLabelOrder() {
    SplittableRandom rnd = new SplittableRandom(3);
    String[] pool = {"", "a", "b", "ab", "\u00e9", "\uff21", "\ud83d\ude00", "z"};
    List<MemSeries> series = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int n = 1 + rnd.nextInt(3);
      List<String> nv = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        nv.add("l" + j + pool[rnd.nextInt(pool.length)]);
        nv.add(pool[rnd.nextInt(pool.length)]);
      }
      Labels l;
      try {
        l = Labels.of(nv.toArray(new String[0]));
      } catch (IllegalArgumentException duplicateName) {
        continue;
      }
      series.add(HeadFixtures.series(head, nv.toArray(new String[0])));
      assertThat(series.get(series.size() - 1).labels()).isEqualTo(l);
    }
    MemSeries[] byKey = series.toArray(new MemSeries[0]);
    Arrays.sort(byKey, MemSeries.KEY_ORDER);
    List<Labels> expected = new ArrayList<>(series.stream().map(MemSeries::labels).toList());
    expected.sort(null);
    assertThat(Arrays.stream(byKey).map(MemSeries::labels).toList()).isEqualTo(expected);
  }

  @Test
  void refusesRefsBeyondFourBytesWithoutCreatingTheSeries() {
    byte[] key = Labels.of("a", "b").toKey();
    assertThatThrownBy(() -> head.getOrCreateWithRef(1L << 31, key, 0, key.length))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2147483648");
    assertThat(head.numSeries()).isZero();
    MemSeries s = head.getOrCreateWithRef(Integer.MAX_VALUE, key, 0, key.length);
    assertThat(s.ref()).isEqualTo(Integer.MAX_VALUE);
    assertThat(head.postings().get("a", "b")).containsExactly(Integer.MAX_VALUE);
    byte[] other = Labels.of("a", "c").toKey();
    assertThatThrownBy(
            () -> head.getOrCreate(head.hash(other, 0, other.length), other, 0, other.length))
        .isInstanceOf(IllegalStateException.class);
    assertThat(head.numSeries()).isEqualTo(1);
  }
}
