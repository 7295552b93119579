// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.labels.Labels;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordEncoderTest {
  private static final HexFormat HEX = HexFormat.of();

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  private static String hex(RecordEncoder enc, int i) {
    return HEX.formatHex(enc.toByteArray(i));
  }

  @Test
  void encodesSamplesAsBaseRefAndTimeThenZigzagDeltasAndRawBits() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginSamples();
    enc.sample(1, 1000, bits(1.0));
    enc.sample(3, 1500, RecordFormat.STALE_NAN_BITS);
    enc.sample(0, 900, bits(-2.5));
    assertThat(hex(enc, 0))
        .isEqualTo(
            "02"
                + "0000000000000001" // first ref
                + "00000000000003e8" // first t
                + "00"
                + "00"
                + "3ff0000000000000"
                + "04"
                + "e807"
                + "7ff0000000000002" // +2, +500
                + "01"
                + "c701"
                + "c004000000000000"); // -1, -100
  }

  @Test
  void encodesAnEmptySamplesRecordAsItsTypeByteAlone() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginSamples();
    assertThat(hex(enc, 0)).isEqualTo("02");
  }

  @Test
  void encodesSeriesWithUvarintLengthPrefixedUtf8Strings() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginSeries();
    enc.series(5, Labels.of("job", "x", "__name__", "up"));
    enc.series(300, Labels.of("é", ""));
    assertThat(hex(enc, 0))
        .isEqualTo(
            "01"
                + "0000000000000005"
                + "02"
                + "08"
                + HEX.formatHex("__name__".getBytes())
                + "02"
                + "7570"
                + "03"
                + "6a6f62"
                + "01"
                + "78"
                + "000000000000012c"
                + "01"
                + "02"
                + "c3a9"
                + "00");
  }

  @Test
  void encodesASeriesFromItsKeyExactlyAsFromItsLabels() {
    Labels labels = Labels.of("__name__", "http_requests_total", "path", "/api/ü", "code", "200");
    RecordEncoder a = new RecordEncoder();
    a.beginSeries();
    a.series(42, labels);
    RecordEncoder b = new RecordEncoder(0);
    b.beginSeries();
    byte[] key = labels.toKey();
    byte[] padded = new byte[key.length + 4];
    System.arraycopy(key, 0, padded, 2, key.length);
    b.series(42, padded, 2, key.length);
    assertThat(b.toByteArray(0)).isEqualTo(a.toByteArray(0));
  }

  @Test
  void rejectsAMalformedSeriesKey() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginSeries();
    byte[] noTerminator = {'a', (byte) 0xFF, 'b'};
    byte[] nameOnly = {'a', (byte) 0xFF};
    assertThatThrownBy(() -> enc.series(1, noTerminator, 0, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> enc.series(1, nameOnly, 0, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encodesTombstonesAsOneEntryPerInterval() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginTombstones();
    enc.tombstone(7, -5, 100);
    assertThat(hex(enc, 0)).isEqualTo("03" + "0000000000000007" + "09" + "c801");
  }

  @Test
  void encodesExemplarsLikeSamplesFollowedByTheirLabels() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginExemplars();
    enc.exemplar(2, 10, bits(0.5), Labels.of("trace_id", "a"));
    assertThat(hex(enc, 0))
        .isEqualTo(
            "04"
                + "0000000000000002"
                + "000000000000000a"
                + "00"
                + "00"
                + "3fe0000000000000"
                + "01"
                + "08"
                + HEX.formatHex("trace_id".getBytes())
                + "01"
                + "61");
  }

  @Test
  void encodesMetadataWithTheUnitAndHelpFieldsPrometheusWrites() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginMetadata();
    enc.metadata(300, RecordFormat.METRIC_TYPE_COUNTER, "seconds", "");
    assertThat(hex(enc, 0))
        .isEqualTo(
            "06"
                + "ac02"
                + "01"
                + "02"
                + "04"
                + HEX.formatHex("UNIT".getBytes())
                + "07"
                + HEX.formatHex("seconds".getBytes())
                + "04"
                + HEX.formatHex("HELP".getBytes())
                + "00");
  }

  @Test
  void encodesMmapMarkersAsTwoBigEndianLongs() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginMmapMarkers();
    enc.mmapMarker(1, 0x0000000200000008L);
    assertThat(hex(enc, 0)).isEqualTo("05" + "0000000000000001" + "0000000200000008");
  }

  @Test
  void encodesAnIntegerHistogramFieldByField() {
    RecordEncoder enc = new RecordEncoder();
    enc.beginHistogramSamples();
    enc.histogramSample(
        6,
        2000,
        new Histogram(
            (byte) 2,
            -1,
            0.0,
            2,
            10,
            1.0,
            List.of(new HistogramSpan(-2, 2)),
            List.of(),
            new long[] {3, -1},
            new long[0]));
    assertThat(hex(enc, 0))
        .isEqualTo(
            "07"
                + "0000000000000006"
                + "00000000000007d0"
                + "00"
                + "00" // deltas
                + "02" // reset hint
                + "01" // schema -1
                + "0000000000000000" // zero threshold
                + "02"
                + "0a" // zero count, count
                + "3ff0000000000000" // sum
                + "01"
                + "03"
                + "02" // positive spans: (-2, 2)
                + "00" // negative spans
                + "02"
                + "06"
                + "01" // positive buckets 3, -1
                + "00"); // negative buckets
  }

  @Test
  void keepsSeveralRecordsBackToBackWithTheirBounds() {
    RecordEncoder enc = new RecordEncoder(16);
    enc.beginSeries();
    enc.series(1, Labels.of("a", "b"));
    enc.beginSamples();
    for (int i = 0; i < 1000; i++) {
      enc.sample(1, i, i);
    }
    enc.beginSamples();
    assertThat(enc.recordCount()).isEqualTo(3);
    int[] bounds = enc.bounds();
    assertThat(bounds[0]).isZero();
    assertThat(bounds[1]).isEqualTo(enc.recordLength(0));
    assertThat(bounds[2] - bounds[1]).isEqualTo(enc.recordLength(1));
    assertThat(bounds[3]).isEqualTo(enc.size()).isEqualTo(bounds[2] + 1);
    assertThat(enc.buffer()[bounds[2]]).isEqualTo((byte) 2);

    enc.reset();
    assertThat(enc.recordCount()).isZero();
    assertThat(enc.size()).isZero();
    assertThat(enc.bounds()[0]).isZero();
  }

  @Test
  void refusesEntriesForARecordTypeThatIsNotOpen() {
    RecordEncoder enc = new RecordEncoder();
    assertThatThrownBy(() -> enc.sample(1, 1, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SAMPLES");
    enc.beginSeries();
    assertThatThrownBy(() -> enc.sample(1, 1, 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> enc.tombstone(1, 1, 1)).isInstanceOf(IllegalStateException.class);
  }
}
