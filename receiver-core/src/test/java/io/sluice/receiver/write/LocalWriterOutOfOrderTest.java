// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.wal.WalOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

class LocalWriterOutOfOrderTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long WINDOW = 600_000L;
  private static final String TENANT = "default-tenant";

  @TempDir Path root;

  private final List<MultiTsdb> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (MultiTsdb m : open) {
      m.close();
    }
  }

  private MultiTsdb openTsdbs(long windowMs) throws Exception {
    MultiTsdb m =
        new MultiTsdb(
            root,
            prefix ->
                new TsdbOptions(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(T0)))
                        .withOutOfOrder(windowMs, HeadOptions.DEFAULT_OOO_CAP_MAX),
                    WalOptions.defaults(),
                    false,
                    2),
            t -> {});
    m.open(TENANT);
    open.add(m);
    return m;
  }

  private static WriteOutcome write(MultiTsdb m, long... tAndValue) throws Exception {
    RemoteWrite.TimeSeries.Builder s =
        RemoteWrite.TimeSeries.newBuilder()
            .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("m"));
    for (int k = 0; k < tAndValue.length; k += 2) {
      s.addSamples(
          RemoteWrite.Sample.newBuilder().setTimestamp(tAndValue[k]).setValue(tAndValue[k + 1]));
    }
    byte[] body =
        Snappy.compress(
            RemoteWrite.WriteRequest.newBuilder().addTimeseries(s).build().toByteArray());
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 24).decode(body, 0, body.length, RemoteWriteVersion.V1);
    WriteOutcome o = new WriteOutcome();
    new LocalWriter(m).write(TENANT, batch, o);
    return o;
  }

  private static List<Long> timestamps(MultiTsdb m) {
    List<Long> out = new ArrayList<>();
    try (Querier q = m.get(TENANT).head().querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        SampleIterator it = set.next().samples();
        while (it.next()) {
          out.add(it.timestamp());
        }
      }
    }
    return out;
  }

  @Test
  void anOutOfOrderSampleInsideTheWindowIsAcceptedWith200AndSurvivesARestart() throws Exception {
    MultiTsdb m = openTsdbs(WINDOW);
    assertThat(WriteStatus.of(write(m, T0, 2)).httpStatus()).isEqualTo(200);
    WriteOutcome late = write(m, T0 - WINDOW, 1);
    assertThat(late.appended()).isOne();
    assertThat(WriteStatus.of(late)).isEqualTo(new WriteStatus(200, "OK", ""));
    assertThat(timestamps(m)).containsExactly(T0 - WINDOW, T0);
    open.remove(m);
    m.close();

    MultiTsdb reopened = openTsdbs(WINDOW);
    assertThat(timestamps(reopened)).containsExactly(T0 - WINDOW, T0);
    assertThat(reopened.get(TENANT).tsdb().replayStats().failedSamples()).isZero();
  }

  @Test
  void aSampleOlderThanTheWindowIsAConflictWith409TooOldSample() throws Exception {
    MultiTsdb m = openTsdbs(WINDOW);
    write(m, T0, 2);
    WriteOutcome o = write(m, T0 - WINDOW - 1, 1);
    assertThat(o.rejected(AppendResult.TOO_OLD)).isOne();
    assertThat(WriteStatus.of(o))
        .isEqualTo(new WriteStatus(409, "AlreadyExists", "add 1 samples: too old sample"));
  }

  @Test
  void withoutAWindowAnOlderSampleIsStillA409OutOfOrderSample() throws Exception {
    MultiTsdb m = openTsdbs(0);
    write(m, T0, 2);
    assertThat(WriteStatus.of(write(m, T0 - 1, 1)).message())
        .isEqualTo("add 1 samples: out of order sample");
  }
}
