// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.shipper;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tsdb.block.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShipperStateTest {
  private static final Ulid A = Ulid.parse("01M7YF9F2DBGH7TB74V9V0FB0Q");
  private static final Ulid B = Ulid.parse("01M7YF9F2DBGH7TB74V9V0FB0R");

  @TempDir Path dir;

  @Test
  void writesNothingUploadedAsGoWritesANilSlice() {
    assertThat(new String(ShipperState.of(List.of()).toJson(), UTF_8))
        .isEqualTo("{\n\t\"version\": 1,\n\t\"uploaded\": null\n}\n");
  }

  @Test
  void writesTabIndentedJsonWithATrailingNewlineAsGoDoes() {
    assertThat(new String(ShipperState.of(List.of(A, B)).toJson(), UTF_8))
        .isEqualTo(
            """
            {
            \t"version": 1,
            \t"uploaded": [
            \t\t"01M7YF9F2DBGH7TB74V9V0FB0Q",
            \t\t"01M7YF9F2DBGH7TB74V9V0FB0R"
            \t]
            }
            """);
  }

  @Test
  void roundTripsThroughTheFileAndLeavesNoTemporaryFile() throws IOException {
    ShipperState.of(List.of(B, A)).write(dir);
    assertThat(ShipperState.read(dir)).contains(ShipperState.of(List.of(B, A)));
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("thanos.shipper.json");
    }
  }

  @Test
  void readsWhatThanosWritesWhenNothingWasUploaded() {
    assertThat(ShipperState.parse("{\"version\":1,\"uploaded\":null}".getBytes(UTF_8)))
        .contains(ShipperState.of(List.of()));
  }

  @Test
  void aMissingFileReadsAsEmpty() {
    assertThat(ShipperState.read(dir)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[]",
        "{\"version\":2,\"uploaded\":[]}",
        "{\"uploaded\":[]}",
        "{\"version\":1,\"uploaded\":[\"nope\"]}",
        "{\"version\":1,\"uploaded\":{}}"
      })
  void aBrokenOrForeignFileReadsAsEmpty(String json) {
    assertThat(ShipperState.parse(json.getBytes(UTF_8))).isEmpty();
  }
}
