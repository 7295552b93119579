// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeSource s = new FakeSource();

  private JsonNode section(String name) throws Exception {
    String json = StatusJson.section(s, name);
    assertThat(json).as(name).isNotNull();
    JsonNode root = JSON.readTree(json);
    assertThat(root.get("status").asText()).isEqualTo("success");
    return root.get("data");
  }

  @Test
  void servesTenantsWithTheirFigures() throws Exception {
    s.tenants =
        List.of(
            FakeSource.tenant("acme", 42),
            new Status.Tenant(
                "routed", null, null, null, null, null, null, null, null, null, "boom", 7L));

    JsonNode data = section("tenants");

    assertThat(data).hasSize(2);
    JsonNode acme = data.get(0);
    assertThat(acme.get("tenant").asText()).isEqualTo("acme");
    assertThat(acme.get("headSeries").asLong()).isEqualTo(42);
    assertThat(acme.get("samplesPerSecond").asDouble()).isEqualTo(12.5);
    assertThat(acme.get("walBytes").asLong()).isEqualTo(4096);
    assertThat(acme.get("blocksLocal").asInt()).isEqualTo(3);
    assertThat(acme.get("blocksUploaded").asInt()).isEqualTo(2);
    assertThat(acme.get("blocksPending").asInt()).isEqualTo(1);
    assertThat(acme.get("lastUploadMs").asLong()).isEqualTo(FakeSource.NOW - 30_000);
    JsonNode routed = data.get(1);
    // Unknown is null, not 0: a router has no head.
    assertThat(routed.get("headSeries").isNull()).isTrue();
    assertThat(routed.get("lastError").asText()).isEqualTo("boom");
  }

  @Test
  void servesFlagsAsAnObjectFromNameToValue() throws Exception {
    s.flags =
        List.of(
            new Status.Flag("httpAddress", "127.0.0.1:10902"),
            new Status.Flag("objstore.config.secretKey", EffectiveFlags.REDACTED));

    JsonNode data = section("flags");

    assertThat(data.get("httpAddress").asText()).isEqualTo("127.0.0.1:10902");
    assertThat(data.get("objstore.config.secretKey").asText()).isEqualTo("<redacted>");
  }

  @Test
  void servesTheHashringLimitsBlocksAndOverview() throws Exception {
    s.blocks =
        List.of(new Status.Block("acme", "01JAAAAAAAAAAAAAAAAAAAAAAA", 0, 7_200_000, 99, 1, true));

    assertThat(section("hashring").get("rings").get(0).get("nodes").get(0).get("self").asBoolean())
        .isTrue();
    assertThat(section("limits").get("memory").get("maxHeapBytes").asLong()).isEqualTo(256L << 20);
    assertThat(section("blocks").get(0).get("uploaded").asBoolean()).isTrue();
    assertThat(section("overview").get("mode").asText()).isEqualTo("ingestor");
  }

  @Test
  void knowsNoOtherSection() {
    assertThat(StatusJson.section(s, "tsdb")).isNull();
    assertThat(StatusJson.section(s, "")).isNull();
  }
}
