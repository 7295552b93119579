// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
  private static final HexFormat HEX = HexFormat.of();

  private final RecordDecoder dec = new RecordDecoder();

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  private static byte[] samplesRecord(long[][] samples) {
    RecordEncoder enc = new RecordEncoder();
    enc.beginSamples();
    for (long[] s : samples) {
      enc.sample(s[0], s[1], s[2]);
    }
    return enc.toByteArray(0);
  }

  private WalRecord roundTrip(RecordEncoder enc) throws CorruptRecordException {
    byte[] rec = enc.toByteArray(0);
    byte[] padded = new byte[rec.length + 6];
    System.arraycopy(rec, 0, padded, 3, rec.length);
    return dec.decode(padded, 3, rec.length);
  }

  @Test
  void streamsSamplesWithTheirRawValueBitsIncludingTheStaleMarker() throws Exception {
    long[][] in = {
      {5, 1000, bits(1.5)},
      {2, 999, RecordFormat.STALE_NAN_BITS},
      {Long.MAX_VALUE, Long.MIN_VALUE, 0x7ff8000000000001L},
      {-3, Long.MAX_VALUE, bits(-0.0)},
      {5, 1000, bits(Double.NEGATIVE_INFINITY)}
    };
    byte[] rec = samplesRecord(in);
    List<long[]> out = new ArrayList<>();
    int n = dec.samples(rec, 0, rec.length, (ref, t, v) -> out.add(new long[] {ref, t, v}));
    assertThat(n).isEqualTo(5);
    assertThat(out).containsExactly(in);
  }

  @Test
  void readsAnEmptySamplesRecordAsNoSamples() throws Exception {
    assertThat(dec.samples(new byte[] {2}, 0, 1)).isEmpty();
  }

  @Test
  void roundTripsEveryRecordKind() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    Labels a = Labels.of("__name__", "up", "job", "node", "path", "/ü");
    enc.beginSeries();
    enc.series(1, a);
    enc.series(-1, Labels.EMPTY);
    assertThat(roundTrip(enc))
        .isEqualTo(
            new WalRecord.Series(List.of(new RefSeries(1, a), new RefSeries(-1, Labels.EMPTY))));

    enc.reset();
    enc.beginSamples();
    enc.sample(1, 2, 3);
    assertThat(roundTrip(enc)).isEqualTo(new WalRecord.Samples(List.of(new RefSample(1, 2, 3))));

    enc.reset();
    enc.beginTombstones();
    enc.tombstone(4, Long.MIN_VALUE, Long.MAX_VALUE);
    enc.tombstone(9, -1, 0);
    assertThat(roundTrip(enc))
        .isEqualTo(
            new WalRecord.Tombstones(
                List.of(
                    new Tombstone(4, Long.MIN_VALUE, Long.MAX_VALUE), new Tombstone(9, -1, 0))));

    enc.reset();
    enc.beginExemplars();
    enc.exemplar(3, 100, bits(0.25), Labels.of("trace_id", "abc"));
    enc.exemplar(1, 90, RecordFormat.STALE_NAN_BITS, Labels.EMPTY);
    assertThat(roundTrip(enc))
        .isEqualTo(
            new WalRecord.Exemplars(
                List.of(
                    new RefExemplar(3, 100, bits(0.25), Labels.of("trace_id", "abc")),
                    new RefExemplar(1, 90, RecordFormat.STALE_NAN_BITS, Labels.EMPTY))));

    enc.reset();
    enc.beginMmapMarkers();
    enc.mmapMarker(7, 8);
    assertThat(roundTrip(enc))
        .isEqualTo(new WalRecord.MmapMarkers(List.of(new RefMmapMarker(7, 8))));

    enc.reset();
    enc.beginMetadata();
    enc.metadata(7, RecordFormat.METRIC_TYPE_HISTOGRAM, "bytes", "Size of things.");
    assertThat(roundTrip(enc))
        .isEqualTo(
            new WalRecord.Metadata(
                List.of(new RefMetadata(7, (byte) 3, "bytes", "Size of things."))));

    Histogram h =
        new Histogram(
            (byte) 1,
            3,
            1e-9,
            -1L,
            Long.MAX_VALUE,
            Double.NaN,
            List.of(new HistogramSpan(0, 2), new HistogramSpan(Integer.MIN_VALUE, 0xFFFF_FFFFL)),
            List.of(new HistogramSpan(-1, 1)),
            new long[] {1, -1},
            new long[] {Long.MIN_VALUE});
    enc.reset();
    enc.beginHistogramSamples();
    enc.histogramSample(2, 5, h);
    enc.histogramSample(1, 4, h);
    assertThat(roundTrip(enc))
        .isEqualTo(
            new WalRecord.HistogramSamples(
                List.of(new RefHistogramSample(2, 5, h), new RefHistogramSample(1, 4, h))));

    FloatHistogram fh =
        new FloatHistogram(
            (byte) 3,
            -4,
            0.0,
            1.5,
            10,
            -0.0,
            List.of(),
            List.of(new HistogramSpan(5, 1)),
            new double[0],
            new double[] {Double.longBitsToDouble(RecordFormat.STALE_NAN_BITS)});
    enc.reset();
    enc.beginFloatHistogramSamples();
    enc.floatHistogramSample(9, 9, fh);
    assertThat(roundTrip(enc))
        .isEqualTo(
            new WalRecord.FloatHistogramSamples(List.of(new RefFloatHistogramSample(9, 9, fh))));
  }

  @Test
  void streamsSeriesAsSeriesKeys() throws Exception {
    Labels a = Labels.of("__name__", "up", "job", "node");
    Labels b = Labels.of("__name__", "x".repeat(1000));
    RecordEncoder enc = new RecordEncoder();
    enc.beginSeries();
    enc.series(1, a);
    enc.series(2, b);
    byte[] rec = enc.toByteArray(0);
    List<String> out = new ArrayList<>();
    int n =
        dec.series(
            rec,
            0,
            rec.length,
            (ref, key, off, len) ->
                out.add(ref + " " + HEX.formatHex(Arrays.copyOfRange(key, off, off + len))));
    assertThat(n).isEqualTo(2);
    assertThat(out)
        .containsExactly("1 " + HEX.formatHex(a.toKey()), "2 " + HEX.formatHex(b.toKey()));
  }

  @Test
  void decodesUnknownAndEmptyRecordsAsUnknown() throws Exception {
    assertThat(dec.decode(new byte[] {9, 1, 2}, 0, 3))
        .isEqualTo(new WalRecord.Unknown(9, new byte[] {9, 1, 2}));
    assertThat(dec.decode(new byte[] {0}, 0, 1))
        .isEqualTo(new WalRecord.Unknown(0, new byte[] {0}));
    assertThat(dec.decode(new byte[0], 0, 0)).isEqualTo(new WalRecord.Unknown(-1, new byte[0]));
    assertThat(RecordDecoder.type(new byte[] {(byte) 255}, 0, 1)).isEqualTo(RecordType.UNKNOWN);
    for (RecordType t : RecordType.values()) {
      assertThat(RecordType.ofCode(t.code())).isEqualTo(t);
    }
  }

  @Test
  void skipsMetadataFieldsOtherThanUnitAndHelp() throws Exception {
    byte[] rec =
        HEX.parseHex(
            "06"
                + "05"
                + "02"
                + "03"
                + "01"
                + "41"
                + "01"
                + "42" // A=B
                + "04"
                + HEX.formatHex("HELP".getBytes())
                + "01"
                + "68"
                + "04"
                + HEX.formatHex("UNIT".getBytes())
                + "01"
                + "73");
    assertThat(dec.metadata(rec, 0, rec.length))
        .containsExactly(new RefMetadata(5, (byte) 2, "s", "h"));
  }

  @Test
  void rejectsARecordOfAnotherType() {
    byte[] rec = samplesRecord(new long[][] {{1, 1, 1}});
    assertThatThrownBy(() -> dec.series(rec, 0, rec.length))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("type byte is 2, want 1");
    assertThatThrownBy(() -> dec.samples(new byte[0], 0, 0))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("empty record");
  }

  @Test
  void rejectsEveryTruncationOfASamplesRecordThatCutsASample() throws Exception {
    byte[] rec = samplesRecord(new long[][] {{1, 1000, 1}, {300, 100_000, 2}, {2, 5, 3}});
    List<Integer> whole = new ArrayList<>();
    for (int len = 2; len < rec.length; len++) {
      try {
        dec.samples(rec, 0, len, (r, t, v) -> {});
        whole.add(len);
      } catch (CorruptRecordException e) {
        assertThat(e).hasMessageStartingWith("samples record: truncated");
      }
    }
    // Only cuts at sample boundaries decode: after the base (no samples, as in Prometheus), after
    // the first and after the second sample.
    assertThat(whole).containsExactly(17, 27, 40);
  }

  @Test
  void rejectsAVarintLongerThan64Bits() {
    byte[] overflow10 = HEX.parseHex("02" + "00".repeat(16) + "ffffffffffffffffff02" + "00");
    byte[] overflow11 = HEX.parseHex("02" + "00".repeat(16) + "8080808080808080808001");
    assertThatThrownBy(() -> dec.samples(overflow10, 0, overflow10.length))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("overflows");
    assertThatThrownBy(() -> dec.samples(overflow11, 0, overflow11.length))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("overflows");
  }

  @Test
  void rejectsALabelCountLargerThanTheRecordBeforeAllocating() {
    byte[] rec = HEX.parseHex("01" + "0000000000000001" + "ffffffff0f");
    assertThatThrownBy(() -> dec.series(rec, 0, rec.length))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("exceeds the remaining bytes");
    byte[] longString = HEX.parseHex("01" + "0000000000000001" + "01" + "7f" + "61");
    assertThatThrownBy(() -> dec.series(longString, 0, longString.length))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("string length 127");
  }

  @Test
  void rejectsSeriesLabelsThatAreNotStrictlySortedOrNotUtf8() {
    byte[] unsorted =
        HEX.parseHex("01" + "0000000000000001" + "02" + "0162" + "00" + "0161" + "00");
    byte[] duplicate =
        HEX.parseHex("01" + "0000000000000001" + "02" + "0161" + "00" + "0161" + "00");
    byte[] notUtf8 = HEX.parseHex("01" + "0000000000000001" + "01" + "01ff" + "00");
    for (byte[] rec : List.of(unsorted, duplicate)) {
      assertThatThrownBy(() -> dec.series(rec, 0, rec.length))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("not strictly sorted");
    }
    assertThatThrownBy(() -> dec.series(notUtf8, 0, notUtf8.length))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void sortsExemplarLabelsButRejectsDuplicateNames() throws Exception {
    byte[] unsorted =
        HEX.parseHex(
            "04"
                + "00".repeat(16)
                + "00"
                + "00"
                + "00".repeat(8)
                + "02"
                + "0162"
                + "00"
                + "0161"
                + "00");
    assertThat(dec.exemplars(unsorted, 0, unsorted.length).get(0).labels())
        .isEqualTo(Labels.of("a", "", "b", ""));
    byte[] dup =
        HEX.parseHex(
            "04"
                + "00".repeat(16)
                + "00"
                + "00"
                + "00".repeat(8)
                + "02"
                + "0161"
                + "00"
                + "0161"
                + "00");
    assertThatThrownBy(() -> dec.exemplars(dup, 0, dup.length))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("duplicate");
  }

  @Test
  void rejectsAHistogramSchemaOutsideInt32() {
    byte[] rec =
        HEX.parseHex("07" + "00".repeat(16) + "00" + "00" + "00" + "8080808020" + "00".repeat(30));
    assertThatThrownBy(() -> dec.histogramSamples(rec, 0, rec.length))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("int32");
  }
}
