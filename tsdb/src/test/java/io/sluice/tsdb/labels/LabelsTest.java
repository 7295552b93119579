// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void sortsLabelsByNameWhenBuilt() {
    Labels l = Labels.of("job", "node", "__name__", "up", "instance", "a:9100");
    assertThat(l.size()).isEqualTo(3);
    assertThat(l.name(0)).isEqualTo("__name__");
    assertThat(l.name(1)).isEqualTo("instance");
    assertThat(l.name(2)).isEqualTo("job");
    assertThat(l.value(0)).isEqualTo("up");
    assertThat(l.get("job")).isEqualTo("node");
    assertThat(l.get("missing")).isNull();
  }

  @Test
  void sortsNamesByUtf8BytesNotByUtf16Units() {
    // U+1F600 (surrogates D83D DE00, UTF-8 F0..) sorts after U+FF21 (UTF-8 EF BC A1) in UTF-8.
    Labels l = Labels.of("\uD83D\uDE00", "emoji", "\uFF21", "fullwidth-a");
    assertThat(l.name(0)).isEqualTo("\uFF21");
    assertThat(l.name(1)).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void writesTheSeriesKeyAsNameFfValueFf() {
    Labels l = Labels.of("job", "node", "__name__", "up");
    byte[] expected = "__name__\u0000up\u0000job\u0000node\u0000".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] == 0) {
        expected[i] = (byte) 0xFF;
      }
    }
    assertThat(HexFormat.of().formatHex(l.toKey())).isEqualTo(HexFormat.of().formatHex(expected));
    assertThat(Labels.EMPTY.toKey()).isEmpty();
  }

  @Test
  void parsesAKeyBackIntoEqualLabels() {
    Labels l = Labels.of("a", "", "b", "ü€\uD83D\uDE00", "c", "x y");
    byte[] key = l.toKey();
    byte[] padded = new byte[key.length + 10];
    System.arraycopy(key, 0, padded, 5, key.length);
    Labels parsed = Labels.fromKey(padded, 5, key.length);
    assertThat(parsed).isEqualTo(l).hasSameHashCodeAs(l);
    assertThat(parsed.compareTo(l)).isZero();
    assertThat(Labels.fromKey(new byte[0], 0, 0)).isSameAs(Labels.EMPTY);
  }

  @Test
  void internsParsedStringsThroughTheGivenInterner() {
    ConcurrentHashMap<String, String> symbols = new ConcurrentHashMap<>();
    byte[] key = Labels.of("job", "node").toKey();
    Labels first = Labels.fromKey(key, 0, key.length, s -> symbols.computeIfAbsent(s, x -> x));
    Labels second = Labels.fromKey(key, 0, key.length, s -> symbols.computeIfAbsent(s, x -> x));
    assertThat(second.name(0)).isSameAs(first.name(0));
    assertThat(second.value(0)).isSameAs(first.value(0));
  }

  @Test
  void rejectsMalformedKeys() {
    byte[] noTerminator = "a\u00ffb".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Labels.fromKey(noTerminator, 0, noTerminator.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0xFF");
    byte[] nameOnly = "a\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Labels.fromKey(nameOnly, 0, nameOnly.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without a value");
    byte[] unsorted = "b\u00ff1\u00ffa\u00ff2\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Labels.fromKey(unsorted, 0, unsorted.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ascending");
    byte[] duplicate = "a\u00ff1\u00ffa\u00ff2\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Labels.fromKey(duplicate, 0, duplicate.length))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] badUtf8 = {'a', (byte) 0xFF, (byte) 0xC0, (byte) 0x80, (byte) 0xFF};
    assertThatThrownBy(() -> Labels.fromKey(badUtf8, 0, badUtf8.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void rejectsOddCountsNullsDuplicateNamesAndUnpairedSurrogates() {
    assertThatThrownBy(() -> Labels.of("a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Labels.of("a", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Labels.of("a", "1", "a", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate");
    assertThatThrownBy(() -> Labels.of("a", "\uD800")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void comparesLabelByLabelNameThenValueWithShorterPrefixFirst() {
    List<Labels> sorted =
        List.of(
            Labels.EMPTY,
            Labels.of("a", "1"),
            Labels.of("a", "1", "b", "1"),
            Labels.of("a", "1", "c", "0"),
            Labels.of("a", "2"),
            Labels.of("a", "\uFF21"),
            Labels.of("a", "\uD83D\uDE00"),
            Labels.of("aa", "0"),
            Labels.of("b", "0"));
    List<Labels> shuffled = new ArrayList<>(sorted);
    Collections.reverse(shuffled);
    Collections.sort(shuffled);
    assertThat(shuffled).containsExactlyElementsOf(sorted);
  }

  @Test
  void comparesAShorterNameBeforeALongerOneEvenThoughItsKeyBytesSortLater() {
    // Key bytes: "a" FF ... versus "ab" FF ...: 0xFF > 'b', but Prometheus puts "a" first.
    assertThat(Labels.of("a", "z").compareTo(Labels.of("ab", "a"))).isNegative();
  }

  @Test
  void printsInPrometheusForm() {
    assertThat(Labels.of("job", "node", "__name__", "up"))
        .hasToString("{__name__=\"up\", job=\"node\"}");
    assertThat(Labels.of("a", "q\"b\\\n\u0001ü")).hasToString("{a=\"q\\\"b\\\\\\n\\x01ü\"}");
    assertThat(Labels.EMPTY).hasToString("{}");
  }

  @Test
  void isEqualOnlyToTheSameLabels() {
    assertThat(Labels.of("a", "1")).isEqualTo(Labels.of("a", "1"));
    assertThat(Labels.of("a", "1")).isNotEqualTo(Labels.of("a", "2"));
    assertThat(Labels.of("a", "1")).isNotEqualTo(Labels.of("a", "1", "b", "1"));
  }
}
