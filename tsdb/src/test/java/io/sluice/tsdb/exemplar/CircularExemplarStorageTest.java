// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.exemplar;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.query.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircularExemplarStorageTest {
  private static final Labels A = Labels.of("__name__", "a", "job", "x");
  private static final Labels B = Labels.of("__name__", "b", "job", "x");
  private static final List<List<Matcher>> ALL = List.of(List.of(Matcher.re("__name__", ".+")));

  private static Exemplar ex(String trace, double v, long t) {
    return Exemplar.of(Labels.of("trace_id", trace), v, t);
  }

  private static List<String> dump(CircularExemplarStorage s) {
    return s.select(Long.MIN_VALUE, Long.MAX_VALUE, ALL).stream()
        .flatMap(
            r ->
                r.exemplars().stream()
                    .map(e -> r.seriesLabels().get("__name__") + ":" + e.timestampMs()))
        .toList();
  }

  @Test
  void keepsTheLastExemplarsOfAllSeriesWhenTheRingWrapsAround() {
    CircularExemplarStorage s = new CircularExemplarStorage(3);
    assertThat(s.add(A.toKey(), ex("1", 1, 10))).isEqualTo(ExemplarResult.OK);
    assertThat(s.add(B.toKey(), ex("2", 1, 11))).isEqualTo(ExemplarResult.OK);
    assertThat(s.add(A.toKey(), ex("3", 1, 12))).isEqualTo(ExemplarResult.OK);
    assertThat(dump(s)).containsExactly("a:10", "a:12", "b:11");
    // The fourth takes the oldest slot (a:10); the fifth b's only exemplar, so b disappears.
    assertThat(s.add(A.toKey(), ex("4", 1, 13))).isEqualTo(ExemplarResult.OK);
    assertThat(dump(s)).containsExactly("a:12", "a:13", "b:11");
    assertThat(s.add(A.toKey(), ex("5", 1, 14))).isEqualTo(ExemplarResult.OK);
    assertThat(dump(s)).containsExactly("a:12", "a:13", "a:14");
    assertThat(s.seriesCount()).isEqualTo(1);
    assertThat(s.size()).isEqualTo(3);
    assertThat(s.appendedTotal()).isEqualTo(5);
  }

  @Test
  void aRingOfOneKeepsOnlyTheNewestExemplar() {
    CircularExemplarStorage s = new CircularExemplarStorage(1);
    s.add(A.toKey(), ex("1", 1, 10));
    s.add(A.toKey(), ex("2", 1, 20));
    assertThat(dump(s)).containsExactly("a:20");
    s.add(B.toKey(), ex("3", 1, 5));
    assertThat(dump(s)).containsExactly("b:5");
  }

  @Test
  void rejectsExemplarsNotNewerThanTheSeriesNewestAsOutOfOrder() {
    CircularExemplarStorage s = new CircularExemplarStorage(10);
    s.add(A.toKey(), ex("1", 1, 100));
    assertThat(s.add(A.toKey(), ex("2", 1, 100))).isEqualTo(ExemplarResult.OUT_OF_ORDER);
    assertThat(s.add(A.toKey(), ex("2", 1, 99))).isEqualTo(ExemplarResult.OUT_OF_ORDER);
    assertThat(s.validate(A.toKey(), ex("2", 1, 50))).isEqualTo(ExemplarResult.OUT_OF_ORDER);
    // Counted when add refuses them, not validate.
    assertThat(s.outOfOrderTotal()).isEqualTo(2);
    // Order is per series.
    assertThat(s.add(B.toKey(), ex("2", 1, 50))).isEqualTo(ExemplarResult.OK);
    assertThat(dump(s)).containsExactly("a:100", "b:50");
  }

  @Test
  void theSameExemplarAgainIsADuplicateAndNotStored() {
    CircularExemplarStorage s = new CircularExemplarStorage(10);
    s.add(A.toKey(), ex("1", 1.5, 100));
    assertThat(s.add(A.toKey(), ex("1", 1.5, 100))).isEqualTo(ExemplarResult.DUPLICATE);
    // Another value or other labels at the same time are out of order, not duplicates.
    assertThat(s.add(A.toKey(), ex("1", 2.5, 100))).isEqualTo(ExemplarResult.OUT_OF_ORDER);
    assertThat(s.add(A.toKey(), ex("9", 1.5, 100))).isEqualTo(ExemplarResult.OUT_OF_ORDER);
    assertThat(s.size()).isEqualTo(1);
    assertThat(ExemplarResult.DUPLICATE.isError()).isFalse();
    assertThat(ExemplarResult.OUT_OF_ORDER.isError()).isTrue();
  }

  @Test
  void exemplarsWithoutTimestampsAreDuplicatesWhateverTheirTimes() {
    // Prometheus' Exemplar.Equals ignores the times when neither exemplar has one (WAL replay).
    CircularExemplarStorage s = new CircularExemplarStorage(10);
    Labels l = Labels.of("trace_id", "x");
    s.add(A.toKey(), new Exemplar(l, Double.doubleToRawLongBits(1), 100, false));
    assertThat(s.add(A.toKey(), new Exemplar(l, Double.doubleToRawLongBits(1), 200, false)))
        .isEqualTo(ExemplarResult.DUPLICATE);
    assertThat(s.add(A.toKey(), new Exemplar(l, Double.doubleToRawLongBits(1), 200, true)))
        .isEqualTo(ExemplarResult.OK);
  }

  @Test
  void limitsTheLabelSetTo128RunesCountedInRunesNotBytes() {
    CircularExemplarStorage s = new CircularExemplarStorage(10);
    // "trace_id" is 8 runes; 120 more make 128.
    String ascii = "a".repeat(120);
    assertThat(s.add(A.toKey(), ex(ascii, 1, 1))).isEqualTo(ExemplarResult.OK);
    assertThat(s.add(A.toKey(), ex(ascii + "a", 1, 2))).isEqualTo(ExemplarResult.LABEL_LENGTH);
    // 120 runes of 3 bytes each (360 bytes) still fit; and a 4-byte rune counts once.
    String wide = "€".repeat(119) + "😀";
    assertThat(wide.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isEqualTo(361);
    assertThat(s.add(B.toKey(), ex(wide, 1, 3))).isEqualTo(ExemplarResult.OK);
    assertThat(s.add(B.toKey(), ex(wide + "€", 1, 4))).isEqualTo(ExemplarResult.LABEL_LENGTH);
    assertThat(ExemplarResult.LABEL_LENGTH.message())
        .isEqualTo("label length for exemplar exceeds maximum of 128 UTF-8 characters");
  }

  @Test
  void aStorageOfSizeZeroIsDisabled() {
    CircularExemplarStorage s = new CircularExemplarStorage(0);
    assertThat(s.enabled()).isFalse();
    assertThat(s.add(A.toKey(), ex("1", 1, 1))).isEqualTo(ExemplarResult.DISABLED);
    assertThat(s.validate(A.toKey(), ex("1", 1, 1))).isEqualTo(ExemplarResult.DISABLED);
    assertThat(s.select(Long.MIN_VALUE, Long.MAX_VALUE, ALL)).isEmpty();
  }

  @Test
  void selectsByTimeRangeAndMatcherSetsSortedBySeriesLabels() {
    CircularExemplarStorage s = new CircularExemplarStorage(10);
    s.add(B.toKey(), ex("1", 1, 10));
    s.add(A.toKey(), ex("2", 2, 20));
    s.add(A.toKey(), ex("3", 3, 30));
    s.add(B.toKey(), ex("4", 4, 40));
    List<SeriesExemplars> got = s.select(15, 35, ALL);
    assertThat(got).hasSize(1);
    assertThat(got.get(0).seriesLabels()).isEqualTo(A);
    assertThat(got.get(0).exemplars()).extracting(Exemplar::value).containsExactly(2.0, 3.0);
    assertThat(got.get(0).exemplars().get(0).labels()).isEqualTo(Labels.of("trace_id", "2"));

    // Sets are ORed, matchers within a set ANDed; a missing label is the empty value.
    List<SeriesExemplars> both =
        s.select(
            0,
            100,
            List.of(
                List.of(Matcher.eq("__name__", "b"), Matcher.eq("job", "x")),
                List.of(Matcher.eq("__name__", "a"), Matcher.eq("missing", ""))));
    assertThat(both).extracting(SeriesExemplars::seriesLabels).containsExactly(A, B);
    assertThat(s.select(0, 100, List.of(List.of(Matcher.eq("job", "y"))))).isEmpty();
  }

  @Test
  void resizingKeepsTheNewestExemplarsInAppendOrder() {
    CircularExemplarStorage s = new CircularExemplarStorage(4);
    for (int i = 1; i <= 6; i++) {
      s.add((i % 2 == 0 ? A : B).toKey(), ex("t" + i, i, i));
    }
    assertThat(dump(s)).containsExactly("a:4", "a:6", "b:3", "b:5");
    assertThat(s.resize(2)).isEqualTo(2);
    assertThat(s.capacity()).isEqualTo(2);
    assertThat(dump(s)).containsExactly("a:6", "b:5");
    assertThat(s.resize(5)).isEqualTo(2);
    s.add(A.toKey(), ex("t7", 7, 7));
    assertThat(dump(s)).containsExactly("a:6", "a:7", "b:5");
    // Growing leaves room: nothing is dropped until five are stored.
    s.add(B.toKey(), ex("t8", 8, 8));
    s.add(B.toKey(), ex("t9", 9, 9));
    assertThat(dump(s)).containsExactly("a:6", "a:7", "b:5", "b:8", "b:9");
    s.add(B.toKey(), ex("t10", 10, 10));
    assertThat(dump(s)).containsExactly("a:6", "a:7", "b:8", "b:9", "b:10");
    assertThat(s.resize(0)).isZero();
    assertThat(s.enabled()).isFalse();
  }
}
