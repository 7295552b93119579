// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelFlagTest {
  @Test
  void unquotesGoStringLiterals() {
    assertThat(LabelFlag.parse("replica=\"a\"")).containsExactly("replica", "a");
    assertThat(LabelFlag.parse("x=\"a=b\"")).containsExactly("x", "a=b");
    assertThat(LabelFlag.parse("x=\"tab\\there \\\"q\\\" \\\\\""))
        .containsExactly("x", "tab\there \"q\" \\");
    assertThat(LabelFlag.parse("x=\"\\u00e9\\xc3\\xa9\"")).containsExactly("x", "éé");
    assertThat(LabelFlag.parse("x=`raw \\n`")).containsExactly("x", "raw \\n");
    assertThat(LabelFlag.parse("x=\"\"")).containsExactly("x", "");
  }

  @Test
  void rejectsUnquotedOrBrokenValuesAndBadNames() {
    assertThatThrownBy(() -> LabelFlag.parse("x=a")).hasMessageContaining("quoted");
    assertThatThrownBy(() -> LabelFlag.parse("x=\"a")).hasMessageContaining("quoted");
    assertThatThrownBy(() -> LabelFlag.parse("x=\"a\\q\"")).hasMessageContaining("quoted");
    assertThatThrownBy(() -> LabelFlag.parse("noequals")).hasMessageContaining("name=");
    assertThatThrownBy(() -> LabelFlag.parse("1x=\"a\"")).hasMessageContaining("label name");
  }
}
