// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bench.rwload.DecodedRequest.Series;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoadEncoderTest {

  private static final long BASE = 1_700_000_000_000L;
  private static final int SERIES = 2_000;
  private static final int SHARDS = 3;
  private static final int PER_REQUEST = 300;
  private static final int ROUNDS = 4;

  private static LoadConfig config(Protocol protocol, long seed) {
    return new LoadConfig(
        URI.create("http://127.0.0.1:1/api/v1/receive"),
        SERIES,
        PER_REQUEST,
        SHARDS,
        ROUNDS,
        1,
        Duration.ofSeconds(15),
        Duration.ofSeconds(60),
        0,
        protocol,
        null,
        "bench",
        seed,
        Duration.ofSeconds(30),
        HttpTransport.Kind.NETTY,
        0);
  }

  private static EncodedLoad encode(Protocol protocol, long seed, int threads) {
    LoadConfig config = config(protocol, seed);
    return LoadEncoder.encode(
        config, SeriesCatalog.create(SERIES, config.cluster()), BASE, threads);
  }

  private static String key(SeriesCatalog catalog, long index) {
    String[] names = new String[catalog.maxLabels()];
    String[] values = new String[catalog.maxLabels()];
    int n = catalog.labels(index, names, values);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(names[i]).append('=').append(values[i]).append('\u0000');
    }
    return sb.toString();
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void everySeriesIsInExactlyOneShardTheOneItsIndexModShardsNames(Protocol protocol)
      throws Exception {
    EncodedLoad load = encode(protocol, 1, 2);
    SeriesCatalog catalog = SeriesCatalog.create(SERIES, "bench");
    Map<String, Integer> shardOf = new HashMap<>();
    Map<String, Integer> occurrences = new HashMap<>();

    for (int k = 0; k < load.shards(); k++) {
      for (EncodedLoad.Body body : load.bodies(k, 0)) {
        for (Series s : DecodedRequest.decodeSnappy(body.data(), protocol).series()) {
          shardOf.put(s.key(), k);
          occurrences.merge(s.key(), 1, Integer::sum);
        }
      }
    }

    assertThat(occurrences).hasSize(SERIES);
    assertThat(occurrences.values()).containsOnly(1);
    for (long s = 0; s < SERIES; s++) {
      assertThat(shardOf.get(key(catalog, s))).as("shard of series %d", s).isEqualTo(s % SHARDS);
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void eachShardSendsEverySeriesOncePerRoundWithStrictlyIncreasingTimestamps(Protocol protocol)
      throws Exception {
    EncodedLoad load = encode(protocol, 1, 2);

    for (int k = 0; k < load.shards(); k++) {
      Map<String, List<Long>> timestamps = new HashMap<>();
      for (int r = 0; r < load.rounds(); r++) {
        for (EncodedLoad.Body body : load.bodies(k, r)) {
          for (Series s : DecodedRequest.decodeSnappy(body.data(), protocol).series()) {
            assertThat(s.samples()).hasSize(1);
            timestamps
                .computeIfAbsent(s.key(), x -> new ArrayList<>())
                .add(s.samples().get(0).timestampMillis());
          }
        }
      }
      assertThat(timestamps).hasSize(LoadEncoder.seriesOfShard(SERIES, SHARDS, k));
      for (List<Long> ts : timestamps.values()) {
        assertThat(ts).containsExactly(BASE, BASE + 15_000, BASE + 30_000, BASE + 45_000);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void labelsOfEverySeriesAreSortedAndRw2SymbolTablesStartEmpty(Protocol protocol)
      throws Exception {
    EncodedLoad load = encode(protocol, 1, 1);

    for (int k = 0; k < load.shards(); k++) {
      for (EncodedLoad.Body body : load.bodies(k, 1)) {
        DecodedRequest request = DecodedRequest.decodeSnappy(body.data(), protocol);
        if (protocol == Protocol.V2) {
          assertThat(request.symbols().get(0)).isEmpty();
          assertThat(request.symbols()).doesNotHaveDuplicates();
        }
        for (Series s : request.series()) {
          assertThat(s.labels())
              .extracting(DecodedRequest.Label::name)
              .isSortedAccordingTo(String::compareTo)
              .doesNotHaveDuplicates()
              .startsWith("__name__");
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void requestsHoldAtMostSamplesPerRequestSamplesAndTheirCountsAddUp(Protocol protocol)
      throws Exception {
    EncodedLoad load = encode(protocol, 1, 2);

    for (int k = 0; k < load.shards(); k++) {
      for (int r = 0; r < load.rounds(); r++) {
        for (EncodedLoad.Body body : load.bodies(k, r)) {
          int decoded = DecodedRequest.decodeSnappy(body.data(), protocol).series().size();
          assertThat(body.samples()).isEqualTo(decoded).isBetween(1, PER_REQUEST);
        }
      }
    }
    assertThat(load.samples(0, ROUNDS)).isEqualTo((long) SERIES * ROUNDS);
    // 667, 667 and 666 series per shard: 3 requests of at most 300 each per round.
    assertThat(load.requests(0, ROUNDS)).isEqualTo(3L * SHARDS * ROUNDS);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void countersNeverDecreaseFromOneRoundToTheNext(Protocol protocol) throws Exception {
    EncodedLoad load = encode(protocol, 7, 2);
    Map<String, Double> last = new HashMap<>();
    int checked = 0;

    for (int r = 0; r < load.rounds(); r++) {
      for (EncodedLoad.Body body : load.bodies(0, r)) {
        for (Series s : DecodedRequest.decodeSnappy(body.data(), protocol).series()) {
          if (!s.metricName().endsWith("_total")) {
            continue;
          }
          double v = s.samples().get(0).value();
          Double previous = last.put(s.key(), v);
          if (previous != null) {
            assertThat(v).as(s.key()).isGreaterThanOrEqualTo(previous);
            checked++;
          }
        }
      }
    }

    assertThat(checked).isGreaterThan(100);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void bodiesDependOnTheSeedButNotOnTheNumberOfEncodingThreads(Protocol protocol) {
    EncodedLoad one = encode(protocol, 42, 1);
    EncodedLoad four = encode(protocol, 42, 4);
    EncodedLoad other = encode(protocol, 43, 4);

    for (int k = 0; k < SHARDS; k++) {
      for (int r = 0; r < ROUNDS; r++) {
        assertThat(four.bodies(k, r))
            .extracting(EncodedLoad.Body::data)
            .containsExactlyElementsOf(
                one.bodies(k, r).stream().map(EncodedLoad.Body::data).toList());
      }
    }
    assertThat(other.bodies(0, 1).get(0).data()).isNotEqualTo(one.bodies(0, 1).get(0).data());
  }
}
