// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogSetupTest {
  private static final List<String[]> FIELDS =
      List.of(
          new String[] {"ts", "2026-01-01T00:00:00Z"},
          new String[] {"level", "info"},
          new String[] {"msg", "receiver \"ready\"\n"},
          new String[] {"tenant", "a"},
          new String[] {"empty", ""});

  @Test
  void writesLogfmtQuotingOnlyWhatNeedsIt() {
    assertThat(LogSetup.LineLayout.logfmt(FIELDS))
        .isEqualTo(
            "ts=2026-01-01T00:00:00Z level=info msg=\"receiver \\\"ready\\\"\\n\" tenant=a"
                + " empty=\"\"\n");
  }

  @Test
  void writesOneValidJsonObjectPerLine() throws Exception {
    String line = LogSetup.LineLayout.json(FIELDS);
    assertThat(line).endsWith("}\n").doesNotContain("\n{");
    JsonNode n = new ObjectMapper().readTree(line);
    assertThat(n.get("msg").asText()).isEqualTo("receiver \"ready\"\n");
    assertThat(n.get("tenant").asText()).isEqualTo("a");
  }
}
