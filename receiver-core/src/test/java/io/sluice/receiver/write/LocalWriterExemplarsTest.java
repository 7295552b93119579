// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.exemplar.Exemplar;
import io.sluice.tsdb.exemplar.ExemplarResult;
import io.sluice.tsdb.exemplar.SeriesExemplars;
import io.sluice.tsdb.head.AppendResult;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.query.Matcher;
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

/** Thanos' writer for exemplars (thanos-receive.md §5.3). */
class LocalWriterExemplarsTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String TENANT = "default-tenant";

  @TempDir Path root;

  private final List<MultiTsdb> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (MultiTsdb m : open) {
      m.close();
    }
  }

  private MultiTsdb openTsdbs(long maxExemplars) throws Exception {
    MultiTsdb m =
        new MultiTsdb(
            root,
            prefix ->
                new TsdbOptions(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(T0)))
                        .withMaxExemplars(maxExemplars),
                    WalOptions.defaults(),
                    false,
                    2),
            t -> {});
    m.open(TENANT);
    open.add(m);
    return m;
  }

  private static RemoteWrite.Label label(String n, String v) {
    return RemoteWrite.Label.newBuilder().setName(n).setValue(v).build();
  }

  /** A series "m" with a sample at {@code sampleT} (none if negative) and exemplars. */
  private static RemoteWrite.TimeSeries series(
      String name, long sampleT, RemoteWrite.Exemplar... exemplars) {
    RemoteWrite.TimeSeries.Builder s =
        RemoteWrite.TimeSeries.newBuilder().addLabels(label("__name__", name));
    if (sampleT >= 0) {
      s.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(sampleT).setValue(1));
    }
    for (RemoteWrite.Exemplar e : exemplars) {
      s.addExemplars(e);
    }
    return s.build();
  }

  private static RemoteWrite.Exemplar ex(String trace, double v, long t) {
    return RemoteWrite.Exemplar.newBuilder()
        .addLabels(label("trace_id", trace))
        .setValue(v)
        .setTimestamp(t)
        .build();
  }

  private static WriteOutcome write(MultiTsdb m, RemoteWrite.TimeSeries... series)
      throws Exception {
    RemoteWrite.WriteRequest.Builder r = RemoteWrite.WriteRequest.newBuilder();
    for (RemoteWrite.TimeSeries s : series) {
      r.addTimeseries(s);
    }
    byte[] body = Snappy.compress(r.build().toByteArray());
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 24).decode(body, 0, body.length, RemoteWriteVersion.V1);
    WriteOutcome o = new WriteOutcome();
    new LocalWriter(m).write(TENANT, batch, o);
    return o;
  }

  private static List<String> stored(MultiTsdb m) {
    List<String> out = new ArrayList<>();
    for (SeriesExemplars s :
        m.get(TENANT)
            .head()
            .exemplars()
            .select(
                Long.MIN_VALUE, Long.MAX_VALUE, List.of(List.of(Matcher.re("__name__", ".+"))))) {
      for (Exemplar e : s.exemplars()) {
        out.add(s.seriesLabels() + " " + e.labels() + " " + e.value() + " " + e.timestampMs());
      }
    }
    return out;
  }

  @Test
  void storesExemplarsWithTheSamplesAndReplaysThemAfterARestart() throws Exception {
    MultiTsdb m = openTsdbs(100);
    WriteOutcome o = write(m, series("m", T0, ex("abc123", 0.5, T0)));
    assertThat(WriteStatus.of(o)).isEqualTo(WriteStatus.ok());
    assertThat(o.exemplarsAppended()).isEqualTo(1);
    assertThat(stored(m)).containsExactly("{__name__=\"m\"} {trace_id=\"abc123\"} 0.5 " + T0);
    m.close();
    open.clear();
    assertThat(stored(openTsdbs(100)))
        .containsExactly("{__name__=\"m\"} {trace_id=\"abc123\"} 0.5 " + T0);
  }

  @Test
  void anExemplarOnlySeriesIsStoredForAnExistingSeriesAndNeverCreatesOne() throws Exception {
    MultiTsdb m = openTsdbs(100);
    // As a Prometheus agent sends them: exemplars in a TimeSeries of their own.
    WriteOutcome o = write(m, series("unknown", -1, ex("a", 1, T0)));
    assertThat(WriteStatus.of(o)).isEqualTo(WriteStatus.ok());
    assertThat(m.get(TENANT).head().numSeries()).isZero();
    assertThat(stored(m)).isEmpty();

    write(m, series("m", T0));
    o = write(m, series("m", -1, ex("b", 2, T0 + 1)));
    assertThat(WriteStatus.of(o)).isEqualTo(WriteStatus.ok());
    assertThat(stored(m)).containsExactly("{__name__=\"m\"} {trace_id=\"b\"} 2.0 " + (T0 + 1));
  }

  @Test
  void outOfOrderExemplarsAndLongLabelSetsAreConflictsWithThanosText() throws Exception {
    MultiTsdb m = openTsdbs(100);
    write(m, series("m", T0, ex("a", 1, T0)));
    WriteOutcome o =
        write(
            m,
            series("m", T0 + 1, ex("b", 1, T0 - 1), ex("c".repeat(121), 1, T0 + 1)),
            series("n", T0 + 1));
    WriteStatus s = WriteStatus.of(o);
    assertThat(s.httpStatus()).isEqualTo(409);
    assertThat(s.grpcCode()).isEqualTo("AlreadyExists");
    assertThat(s.message())
        .isEqualTo(
            "2 errors: add 1 exemplars: label length for exemplar exceeds maximum of 128 UTF-8"
                + " characters; add 1 exemplars: out of order exemplar");
    assertThat(o.exemplars(ExemplarResult.OUT_OF_ORDER)).isOne();
    assertThat(o.seriesError(0)).isEqualTo(ErrorKind.CONFLICT);
    assertThat(o.seriesError(1)).isNull();
    // The samples are written all the same.
    assertThat(o.appended()).isEqualTo(2);
  }

  @Test
  void aDuplicateExemplarIsNoError() throws Exception {
    MultiTsdb m = openTsdbs(100);
    write(m, series("m", T0, ex("a", 1, T0)));
    WriteOutcome o = write(m, series("m", T0, ex("a", 1, T0)));
    assertThat(WriteStatus.of(o)).isEqualTo(WriteStatus.ok());
    assertThat(o.exemplars(ExemplarResult.DUPLICATE)).isOne();
    assertThat(stored(m)).hasSize(1);
  }

  @Test
  void theExemplarsOfASeriesWhoseLastSampleWasRejectedAreDropped() throws Exception {
    MultiTsdb m = openTsdbs(100);
    write(m, series("m", T0 + 10));
    WriteOutcome o = write(m, series("m", T0, ex("a", 1, T0)));
    assertThat(o.rejected(AppendResult.OUT_OF_ORDER)).isOne();
    assertThat(WriteStatus.of(o).message()).isEqualTo("add 1 samples: out of order sample");
    assertThat(stored(m)).isEmpty();
  }

  @Test
  void withExemplarStorageOffExemplarsAreDroppedSilentlyAndSamplesStored() throws Exception {
    MultiTsdb m = openTsdbs(0);
    WriteOutcome o = write(m, series("m", T0, ex("a", 1, T0)), series("m", -1, ex("b", 1, T0)));
    assertThat(WriteStatus.of(o)).isEqualTo(WriteStatus.ok());
    assertThat(o.appended()).isOne();
    assertThat(stored(m)).isEmpty();
  }

  @Test
  void anExemplarOnlySeriesWithInvalidLabelsIsALabelConflict() throws Exception {
    MultiTsdb m = openTsdbs(100);
    RemoteWrite.TimeSeries bad =
        RemoteWrite.TimeSeries.newBuilder()
            .addLabels(label("b", "1"))
            .addLabels(label("a", "1"))
            .addExemplars(ex("x", 1, T0))
            .build();
    WriteStatus s = WriteStatus.of(write(m, bad));
    assertThat(s.httpStatus()).isEqualTo(409);
    assertThat(s.message()).isEqualTo("add 1 series: out of order labels");
  }
}
