// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashringFileTest {
  private static List<HashringConfig> parse(String json) throws HashringConfigException {
    return HashringFile.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static HashringConfigException parseError(String json) {
    try {
      parse(json);
    } catch (HashringConfigException e) {
      return e;
    }
    throw new AssertionError("parsed: " + json);
  }

  @Test
  void readsEveryKey() throws Exception {
    List<HashringConfig> c =
        parse(
            """
            [{"hashring": "r1", "tenants": ["a", "b*"], "tenant_matcher_type": "glob",
              "endpoints": ["n1:10901", {"address": "n2:10901", "capnproto_address": "n2:7", "az": "z"}],
              "algorithm": "ketama", "external_labels": {"team": "x", "env": "p"},
              "shuffle_sharding_config": {"shard_size": 2, "cache_size": 7,
                "zone_awareness_disabled": true,
                "overrides": [{"shard_size": 1, "tenants": ["a"], "tenant_matcher_type": "exact"}]}},
             {"endpoints": ["n3"]}]
            """);
    assertThat(c).hasSize(2);
    HashringConfig r1 = c.get(0);
    assertThat(r1.hashring()).isEqualTo("r1");
    assertThat(r1.tenants()).containsExactly("a", "b*");
    assertThat(r1.globMatcher()).isTrue();
    assertThat(r1.endpoints())
        .containsExactly(
            new Endpoint("n1:10901", "n1:19391", ""), new Endpoint("n2:10901", "n2:7", "z"));
    assertThat(r1.algorithm()).isEqualTo("ketama");
    assertThat(r1.externalLabels()).containsExactly(Map.entry("env", "p"), Map.entry("team", "x"));
    assertThat(r1.shuffleShardingConfig())
        .isEqualTo(
            new ShuffleShardingConfig(
                2, 7, true, List.of(new ShuffleShardingOverride(1, List.of("a"), "exact"))));
    HashringConfig r2 = c.get(1);
    assertThat(r2).isEqualTo(HashringConfig.of(List.of(Endpoint.of("n3"))));
    assertThat(r2.exactMatcher()).isTrue();
    assertThat(r2.shuffleShardingConfig().enabled()).isFalse();
  }

  @Test
  void endpointsUnmarshalAsThanosTestUnmarshalEndpointSliceSays() throws Exception {
    assertThat(parse("[{\"endpoints\": [\"node-1\"]}]").get(0).endpoints())
        .containsExactly(new Endpoint("node-1", "node-1:19391", ""));
    assertThat(
            parse("[{\"endpoints\": [{\"address\": \"node-1\", \"az\": \"az-1\"}]}]")
                .get(0)
                .endpoints())
        .containsExactly(new Endpoint("node-1", "node-1:19391", "az-1"));
    assertThat(parse("[{\"endpoints\": [\"node-1:80\"]}]").get(0).endpoints())
        .containsExactly(new Endpoint("node-1:80", "node-1:19391", ""));
    assertThat(
            parse(
                    "[{\"endpoints\": [{\"address\": \"node-1\", \"capnproto_address\": \"node-1:81\"}]}]")
                .get(0)
                .endpoints())
        .containsExactly(new Endpoint("node-1", "node-1:81", ""));
    assertThat(parseError("[{\"endpoints\": [{\"az\": \"az-1\"}]}]"))
        .hasMessage(
            "failed to parse configuration file: endpoint address must be set: configuration file"
                + " is not parsable");
  }

  @Test
  void ignoresUnknownKeysAndMatchesKeysCaseInsensitivelyAsGo() throws Exception {
    List<HashringConfig> c =
        parse("[{\"Hashring\": \"x\", \"ENDPOINTS\": [\"a\"], \"extra\": {\"deep\": [1, 2]}}]");
    assertThat(c.get(0).hashring()).isEqualTo("x");
    assertThat(c.get(0).endpoints()).containsExactly(Endpoint.of("a"));
  }

  @Test
  void nullLeavesZeroValuesAndTheLastRepeatedKeyWins() throws Exception {
    HashringConfig c =
        parse(
                "[{\"hashring\": \"a\", \"hashring\": null, \"tenants\": null,"
                    + " \"endpoints\": [\"x\"], \"endpoints\": [\"y\"], \"external_labels\": null,"
                    + " \"shuffle_sharding_config\": null}]")
            .get(0);
    assertThat(c.hashring()).isEqualTo("a");
    assertThat(c.tenants()).isEmpty();
    assertThat(c.endpoints()).containsExactly(Endpoint.of("y"));
    assertThat(parse("[null]")).containsExactly(HashringConfig.of(List.of()));
  }

  @Test
  void aRingWithoutEndpointsParses() throws Exception {
    // Thanos accepts it too; every lookup on it then fails.
    assertThat(parse("[{\"hashring\": \"empty\"}]").get(0).endpoints()).isEmpty();
  }

  @Test
  void wrongTypesAreNotParsable() {
    for (String json :
        List.of(
            "{}",
            "[1]",
            "[{\"tenants\": \"a\"}]",
            "[{\"tenants\": [1]}]",
            "[{\"endpoints\": [1]}]",
            "[{\"endpoints\": [null]}]",
            "[{\"hashring\": 5}]",
            "[{\"external_labels\": {\"a\": 1}}]",
            "[{\"shuffle_sharding_config\": {\"shard_size\": 1.5}}]",
            "[{\"shuffle_sharding_config\": {\"shard_size\": \"2\"}}]",
            "[{\"shuffle_sharding_config\": {\"zone_awareness_disabled\": 1}}]",
            "[{\"endpoints\": [\"a\"]}] x",
            "[{\"endpoints\": [\"a\"]",
            "",
            "   ")) {
      HashringConfigException e = parseError(json);
      assertThat(e.kind()).as(json).isEqualTo(HashringConfigException.Kind.PARSE);
      assertThat(e.getMessage())
          .as(json)
          .startsWith("failed to parse configuration file: ")
          .endsWith(": configuration file is not parsable");
    }
    assertThat(parseError("[{\"tenants\": 5}]"))
        .hasMessageContaining(
            "json: cannot unmarshal number into Go struct field HashringConfig.tenants of type"
                + " []string");
  }

  @Test
  void loadRejectsEmptyDocumentsWithThanosMessage(@TempDir Path dir) throws Exception {
    for (String json : List.of("[]", "null", " [ ] ")) {
      Path file = dir.resolve("hashrings.json");
      Files.writeString(file, json);
      assertThatThrownBy(() -> HashringFile.load(file))
          .isInstanceOf(HashringConfigException.class)
          .hasMessage(
              "failed to load configuration file, path: " + file + ": configuration file is empty")
          .extracting(e -> ((HashringConfigException) e).kind())
          .isEqualTo(HashringConfigException.Kind.EMPTY);
    }
  }

  @Test
  void loadReportsAMissingFile(@TempDir Path dir) {
    assertThatThrownBy(() -> HashringFile.load(dir.resolve("nope.json")))
        .isInstanceOf(HashringConfigException.class)
        .hasMessageStartingWith("failed to read configuration file: ")
        .extracting(e -> ((HashringConfigException) e).kind())
        .isEqualTo(HashringConfigException.Kind.READ);
  }

  @Test
  void configHashIsTheFirstSixBytesOfSha256LittleEndian() throws Exception {
    byte[] content = "[{\"endpoints\": [\"a\"]}]".getBytes(StandardCharsets.UTF_8);
    byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(content);
    long expected = 0;
    for (int i = 0; i < 6; i++) {
      expected |= (sha[i] & 0xFFL) << (8 * i);
    }
    assertThat(HashringFile.configHash(content)).isEqualTo((double) expected);
    assertThat(HashringFile.load(content, "x").configHash()).isEqualTo((double) expected);
    // SHA-256("") starts e3 b0 c4 42 98 fc: 0xfc9842c4b0e3.
    assertThat(HashringFile.configHash(new byte[0])).isEqualTo((double) 0xfc9842c4b0e3L);
  }
}
