// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistogramLoadTest {
  private static final long T0 = 1_700_000_000_000L;

  private static RemoteWriteEncoder encoder(Protocol protocol) {
    RemoteWriteEncoder e = RemoteWriteEncoder.create(protocol);
    e.histograms(true);
    e.reset();
    e.addSeries(new String[] {"__name__", "job"}, new String[] {"h", "a"}, 2);
    e.addSeries(new String[] {"__name__", "job"}, new String[] {"h", "b"}, 2);
    return e;
  }

  @Test
  void rw1SeriesCarryOneIntegerHistogramOfTheRoundEach() throws Exception {
    RemoteWriteEncoder e = encoder(Protocol.V1);
    int n = e.encode(new double[] {1.5, -2}, T0, 4);
    RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.parseFrom(Arrays.copyOf(e.body(), n));
    assertThat(req.getTimeseriesCount()).isEqualTo(2);
    RemoteWrite.TimeSeries ts = req.getTimeseries(1);
    assertThat(ts.getSamplesCount()).isZero();
    assertThat(ts.getHistogramsCount()).isOne();
    RemoteWrite.Histogram h = ts.getHistograms(0);
    assertThat(h.getCountInt()).isEqualTo(40);
    assertThat(h.getSum()).isEqualTo(2);
    assertThat(h.getSchema()).isEqualTo(3);
    assertThat(h.getZeroThreshold()).isEqualTo(0x1p-128);
    assertThat(h.getPositiveSpansCount()).isOne();
    assertThat(h.getPositiveSpans(0).getLength()).isEqualTo(8);
    assertThat(h.getPositiveDeltasList()).containsExactly(5L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
    assertThat(h.getTimestamp()).isEqualTo(T0);
  }

  @Test
  void rw2SeriesCarryTheSameHistogramInTheirHistogramsField() throws Exception {
    RemoteWriteEncoder e = encoder(Protocol.V2);
    int n = e.encode(new double[] {1.5, -2}, T0, 0);
    RemoteWriteV2.Request req = RemoteWriteV2.Request.parseFrom(Arrays.copyOf(e.body(), n));
    RemoteWriteV2.Histogram h = req.getTimeseries(0).getHistograms(0);
    assertThat(req.getTimeseries(0).getSamplesCount()).isZero();
    assertThat(h.getCountInt()).isEqualTo(8);
    assertThat(h.getPositiveDeltasList()).containsExactly(1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
    assertThat(h.getTimestamp()).isEqualTo(T0);
  }

  @Test
  void consecutiveRoundsAreValidHistogramsThatSluiceAppendsWithoutConflicts(@TempDir Path dir)
      throws Exception {
    try (MultiTsdb tsdbs =
        new MultiTsdb(
            dir,
            p ->
                TsdbOptions.defaults(
                    HeadOptions.defaults(InstantSource.fixed(java.time.Instant.ofEpochMilli(T0)))
                        .withHashPrefix(p)),
            t -> {})) {
      tsdbs.open("default-tenant");
      LocalWriter writer = new LocalWriter(tsdbs);
      RemoteWriteDecoder decoder = new RemoteWriteDecoder(1 << 20);
      for (Protocol protocol : Protocol.values()) {
        RemoteWriteEncoder e = encoder(protocol);
        for (int round = 0; round < 3; round++) {
          int n = e.encode(new double[] {round, round}, T0 + round * 15_000L, round);
          byte[] body = org.xerial.snappy.Snappy.compress(Arrays.copyOf(e.body(), n));
          WriteOutcome outcome = new WriteOutcome();
          writer.write(
              "t-" + protocol,
              decoder.decode(
                  body,
                  0,
                  body.length,
                  protocol == Protocol.V1 ? RemoteWriteVersion.V1 : RemoteWriteVersion.V2),
              outcome);
          assertThat(outcome.errorKind()).as("%s round %d", protocol, round).isNull();
          assertThat(outcome.histogramsAppended()).isEqualTo(2);
          assertThat(outcome.histogramsDropped()).isZero();
        }
      }
    }
  }
}
