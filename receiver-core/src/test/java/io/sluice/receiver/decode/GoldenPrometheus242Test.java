// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.validate.LabelValidator;
import io.sluice.receiver.validate.LabelValidator.LabelError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Prometheus 2.42 bodies in {@code golden/prometheus-2.42/} (see its README). */
class GoldenPrometheus242Test {
  private static final long STALE_NAN = 0x7ff0000000000002L;

  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(1 << 20);

  private static byte[] golden(String name) throws IOException {
    try (InputStream in =
        GoldenPrometheus242Test.class.getResourceAsStream("/golden/prometheus-2.42/" + name)) {
      assertThat(in).as(name).isNotNull();
      return Bodies.hex(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private WriteBatch decodeGolden(String name) throws Exception {
    byte[] body = golden(name);
    return decoder.decode(body, 0, body.length, RemoteWriteVersion.V1);
  }

  /**
   * The label set a scrape of {@code instance} by {@code job} gives {@code name}, with the external
   * label replica="a", sorted by name; {@code extra} are more name, value pairs.
   */
  private static List<String> labels(String instance, String job, String name, String... extra) {
    Map<String, String> sorted = new TreeMap<>();
    sorted.put("__name__", name);
    sorted.put("instance", instance);
    sorted.put("job", job);
    sorted.put("replica", "a");
    for (int i = 0; i < extra.length; i += 2) {
      sorted.put(extra[i], extra[i + 1]);
    }
    List<String> out = new ArrayList<>();
    sorted.forEach(
        (n, v) -> {
          out.add(n);
          out.add(v);
        });
    return out;
  }

  private static void assertLabelsValid(WriteBatch batch) {
    for (int s = 0; s < batch.seriesCount(); s++) {
      assertThat(LabelValidator.validate(batch, s)).as("series %d", s).isEqualTo(LabelError.NONE);
    }
  }

  @Test
  void decompressesTheHandBuiltBodyToTheAnnotatedWriteRequest() throws Exception {
    WriteBatch batch = decodeGolden("body.snappy.hex");

    assertThat(Arrays.copyOf(batch.buffer(), batch.bufferLength()))
        .isEqualTo(golden("write_request.pb.hex"));
  }

  @Test
  void decodesTheHandBuiltBodyAsOneSamplePerSeriesWithTheExternalLabelSortedIn() throws Exception {
    WriteBatch batch = decodeGolden("body.snappy.hex");

    List<String> up = labels("localhost:9090", "prometheus", "up");
    List<String> scraped = labels("localhost:9090", "prometheus", "scrape_samples_scraped");
    assertThat(DecodedSeries.of(batch))
        .containsExactly(
            new DecodedSeries(up, List.of(1_700_000_000_000L), List.of(0x3ff0000000000000L), 0, 0),
            new DecodedSeries(
                scraped, List.of(1_700_000_000_000L), List.of(0x4078700000000000L), 0, 0),
            new DecodedSeries(up, List.of(1_700_000_015_000L), List.of(0x3ff0000000000000L), 0, 0),
            new DecodedSeries(scraped, List.of(1_700_000_030_000L), List.of(STALE_NAN), 0, 0));
    assertThat(batch.totalSamples()).isEqualTo(4);
    assertThat(batch.metadataCount()).isZero();
    assertLabelsValid(batch);
  }

  @Test
  void decodesTheStaleMarkersARealAgentSentWhenItsTargetFailed() throws Exception {
    WriteBatch batch = decodeGolden("captured-stale-markers.body.hex");

    assertThat(batch.bufferLength()).isEqualTo(947);
    String instance = "127.0.0.1:19391";
    List<DecodedSeries> series = DecodedSeries.of(batch);
    assertThat(series)
        .extracting(DecodedSeries::labels)
        .containsExactly(
            labels(
                instance, "golden", "sluice_golden_requests_total", "code", "200", "path", "/café"),
            labels(instance, "golden", "sluice_golden_requests_total", "code", "500", "path", "/"),
            labels(instance, "golden", "sluice_golden_temperature_celsius"),
            labels(instance, "golden", "up"),
            labels(instance, "golden", "scrape_duration_seconds"),
            labels(instance, "golden", "scrape_samples_scraped"),
            labels(instance, "golden", "scrape_samples_post_metric_relabeling"),
            labels(instance, "golden", "scrape_series_added"));
    assertThat(series)
        .extracting(DecodedSeries::timestamps)
        .containsOnly(List.of(1_795_238_228_861L));
    assertThat(series.subList(0, 3))
        .extracting(DecodedSeries::valueBits)
        .containsOnly(List.of(STALE_NAN));
    // up and the sample counts are 0, which the sender leaves out of the Sample entirely.
    assertThat(series.get(3).valueBits()).containsExactly(0L);
    assertThat(series.subList(5, 8)).extracting(DecodedSeries::valueBits).containsOnly(List.of(0L));
    assertThat(Double.longBitsToDouble(series.get(4).valueBits().get(0)))
        .isStrictlyBetween(0.0, 1.0);
    assertLabelsValid(batch);
  }

  @Test
  void decodesTheMetadataOnlyRequestARealAgentSent() throws Exception {
    WriteBatch batch = decodeGolden("captured-metadata.body.hex");

    assertThat(batch.bufferLength()).isEqualTo(101);
    assertThat(batch.seriesCount()).isZero();
    assertThat(batch.metadataCount()).isEqualTo(2);
  }
}
