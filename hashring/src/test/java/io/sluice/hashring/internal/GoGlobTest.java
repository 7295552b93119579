// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class GoGlobTest {
  private static List<String[]> goldenRows() throws IOException {
    try (InputStream in =
        GoGlobTest.class.getResourceAsStream("/golden/go-1.16/filepath-match.tsv")) {
      List<String[]> rows = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          rows.add(line.split("\t", -1));
        }
      }
      return rows;
    }
  }

  @TestFactory
  Stream<DynamicTest> agreesWithGoMatchTests() throws IOException {
    List<String[]> rows = goldenRows();
    assertThat(rows).hasSize(56);
    return rows.stream()
        .map(
            r ->
                DynamicTest.dynamicTest(
                    r[0] + " ~ " + r[1] + " -> " + r[2],
                    () -> {
                      if (r[2].equals("bad-pattern")) {
                        assertThatThrownBy(() -> GoGlob.match(r[0], r[1]))
                            .isInstanceOf(GoGlob.BadPatternException.class)
                            .hasMessage("syntax error in pattern");
                      } else {
                        assertThat(GoGlob.match(r[0], r[1])).isEqualTo(r[2].equals("match"));
                      }
                    }));
  }

  @Test
  void starDoesNotMatchASlash() throws Exception {
    assertThat(GoGlob.match("tenant-*", "tenant-a/b")).isFalse();
    assertThat(GoGlob.match("tenant-*", "tenant-ab")).isTrue();
    assertThat(GoGlob.match("*", "")).isTrue();
  }

  @Test
  void backslashEscapesMetaCharacters() throws Exception {
    assertThat(GoGlob.match("a\\?", "a?")).isTrue();
    assertThat(GoGlob.match("a\\?", "ab")).isFalse();
    assertThat(GoGlob.match("\\[x]", "[x]")).isTrue();
    assertThat(GoGlob.match("[\\^a]", "^")).isTrue();
  }

  @Test
  void onlyCaretNegatesAClass() throws Exception {
    assertThat(GoGlob.match("[^a]", "b")).isTrue();
    assertThat(GoGlob.match("[^a]", "a")).isFalse();
    // Go has no [!...]: '!' is a member of the class.
    assertThat(GoGlob.match("[!a]", "!")).isTrue();
    assertThat(GoGlob.match("[!a]", "a")).isTrue();
    assertThat(GoGlob.match("[!a]", "b")).isFalse();
  }

  @Test
  void rangesCompareCodePoints() throws Exception {
    assertThat(GoGlob.match("t[0-9][0-9]", "t42")).isTrue();
    assertThat(GoGlob.match("t[0-9]", "tx")).isFalse();
    assertThat(GoGlob.match("[α-ω]", "λ")).isTrue();
    assertThat(GoGlob.match("?", "\uD83D\uDE00")).isTrue(); // one character, four UTF-8 bytes
  }

  @Test
  void noBracesAndNoDoubleStar() throws Exception {
    assertThat(GoGlob.match("{a,b}", "a")).isFalse();
    assertThat(GoGlob.match("{a,b}", "{a,b}")).isTrue();
    assertThat(GoGlob.match("**", "a/b")).isFalse();
  }

  @Test
  void reportsAMalformedPatternEvenAfterAMismatch() {
    assertThatThrownBy(() -> GoGlob.match("x[", "a"))
        .isInstanceOf(GoGlob.BadPatternException.class);
    assertThatThrownBy(() -> GoGlob.match("a*[", "abc"))
        .isInstanceOf(GoGlob.BadPatternException.class);
  }
}
