// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bench.rwload.DecodedRequest.Label;
import io.sluice.bench.rwload.DecodedRequest.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xerial.snappy.Snappy;

class RemoteWriteEncoderTest {

  private static final String[] NAMES_A = {"__name__", "instance", "job"};
  private static final String[] VALUES_A = {"up", "node-00001:9100", "node-exporter"};
  private static final String[] NAMES_B = {"__name__", "instance", "job", "mode"};
  private static final String[] VALUES_B = {"cpu", "node-00001:9100", "node-exporter", "idlé"};

  private static RemoteWriteEncoder twoSeries(Protocol protocol) {
    RemoteWriteEncoder encoder = RemoteWriteEncoder.create(protocol);
    encoder.reset();
    encoder.addSeries(NAMES_A, VALUES_A, 3);
    encoder.addSeries(NAMES_B, VALUES_B, 4);
    return encoder;
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void bodyDecodesToEachSeriesWithItsLabelsAndOneSample(Protocol protocol) throws Exception {
    RemoteWriteEncoder encoder = twoSeries(protocol);

    encoder.encode(new double[] {1.0, -2.5}, 1_700_000_000_123L);
    DecodedRequest request = DecodedRequest.decodeSnappy(encoder.compressBody(), protocol);

    assertThat(request.series()).hasSize(2);
    assertThat(request.series().get(0).labels())
        .containsExactly(
            new Label("__name__", "up"),
            new Label("instance", "node-00001:9100"),
            new Label("job", "node-exporter"));
    assertThat(request.series().get(0).samples())
        .containsExactly(new Sample(1.0, 1_700_000_000_123L));
    assertThat(request.series().get(1).labels())
        .containsExactly(
            new Label("__name__", "cpu"),
            new Label("instance", "node-00001:9100"),
            new Label("job", "node-exporter"),
            new Label("mode", "idlé"));
    assertThat(request.series().get(1).samples())
        .containsExactly(new Sample(-2.5, 1_700_000_000_123L));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void laterRoundsReuseTheLabelsWithNewValuesAndTimestamps(Protocol protocol) throws Exception {
    RemoteWriteEncoder encoder = twoSeries(protocol);
    encoder.encode(new double[] {1, 2}, 1000);
    encoder.compressBody();

    encoder.encode(new double[] {3, 4}, 16_000);
    DecodedRequest request = DecodedRequest.decodeSnappy(encoder.compressBody(), protocol);

    assertThat(request.series())
        .extracting(s -> s.samples().get(0))
        .containsExactly(new Sample(3, 16_000), new Sample(4, 16_000));
    assertThat(request.series().get(1).metricName()).isEqualTo("cpu");
  }

  @Test
  void rw2SymbolTableStartsWithTheEmptyStringAndHoldsEachStringOnce() throws Exception {
    RemoteWriteEncoder encoder = twoSeries(Protocol.V2);

    encoder.encode(new double[] {1, 2}, 1000);
    DecodedRequest request = DecodedRequest.decodeSnappy(encoder.compressBody(), Protocol.V2);

    assertThat(request.symbols().get(0)).isEmpty();
    assertThat(request.symbols()).doesNotHaveDuplicates();
    assertThat(request.symbols())
        .containsExactlyInAnyOrder(
            "",
            "__name__",
            "up",
            "instance",
            "node-00001:9100",
            "job",
            "node-exporter",
            "cpu",
            "mode",
            "idlé");
  }

  @Test
  void resetStartsAFreshRw2SymbolTable() throws Exception {
    RemoteWriteEncoder encoder = twoSeries(Protocol.V2);
    encoder.encode(new double[] {1, 2}, 1000);

    encoder.reset();
    encoder.addSeries(new String[] {"__name__"}, new String[] {"x"}, 1);
    encoder.encode(new double[] {7}, 2000);
    DecodedRequest request = DecodedRequest.decodeSnappy(encoder.compressBody(), Protocol.V2);

    assertThat(request.symbols()).containsExactly("", "__name__", "x");
    assertThat(request.series()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void compressedBodyIsASnappyBlockNotTheFramedFormat(Protocol protocol) throws Exception {
    RemoteWriteEncoder encoder = twoSeries(protocol);
    int length = encoder.encode(new double[] {1, 2}, 1000);

    byte[] compressed = encoder.compressBody();

    assertThat(compressed[0]).isNotEqualTo((byte) 0xff);
    assertThat(Snappy.uncompressedLength(compressed)).isEqualTo(length);
    assertThat(Snappy.uncompress(compressed))
        .isEqualTo(java.util.Arrays.copyOf(encoder.body(), length));
  }

  @Test
  void rw1BodyIsEmptyOfRw2FieldsAndViceVersa() throws Exception {
    RemoteWriteEncoder v1 = twoSeries(Protocol.V1);
    RemoteWriteEncoder v2 = twoSeries(Protocol.V2);
    v1.encode(new double[] {1, 2}, 1000);
    v2.encode(new double[] {1, 2}, 1000);

    // Field 1 is a time series in RW1 and reserved in RW2: a v1 reader sees no series in a v2 body.
    byte[] v2Body = java.util.Arrays.copyOf(v2.body(), v2.bodyLength());
    byte[] v1Body = java.util.Arrays.copyOf(v1.body(), v1.bodyLength());

    assertThat(SampleCounter.count(v2Body, 0, v2Body.length, Protocol.V1).series()).isZero();
    assertThat(SampleCounter.count(v1Body, 0, v1Body.length, Protocol.V2).series()).isZero();
    assertThat(List.of(v1Body[0], v2Body[0])).containsExactly((byte) 0x0a, (byte) 0x22);
  }
}
