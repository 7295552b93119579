// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.WriteStatus;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.wal.WalFormat;
import io.sluice.tsdb.wal.WalOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

class MemoryAdmissionWriterTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String TENANT = "default-tenant";

  @TempDir Path root;

  private MultiTsdb tsdbs;
  private final FakeHeap heap = new FakeHeap(1_000_000_000L);
  private final MemoryAdmission admission =
      new MemoryAdmission(new MemoryLimits(0.80, 0.90), heap, InstantSource.system());
  private MemoryAdmissionWriter writer;

  @BeforeEach
  void open() throws Exception {
    tsdbs =
        new MultiTsdb(
            root,
            prefix ->
                new TsdbOptions(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(T0))),
                    new WalOptions(WalFormat.DEFAULT_SEGMENT_SIZE, true),
                    false,
                    1),
            t -> {});
    tsdbs.open(TENANT);
    writer = new MemoryAdmissionWriter(new LocalWriter(tsdbs), tsdbs, admission);
  }

  @AfterEach
  void close() throws Exception {
    tsdbs.close();
  }

  private void level(double ratio) {
    heap.at(ratio);
    admission.refresh();
  }

  private static RemoteWrite.TimeSeries series(long t, String... nameValues) {
    RemoteWrite.TimeSeries.Builder b = RemoteWrite.TimeSeries.newBuilder();
    for (int i = 0; i < nameValues.length; i += 2) {
      b.addLabels(
          RemoteWrite.Label.newBuilder().setName(nameValues[i]).setValue(nameValues[i + 1]));
    }
    return b.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(1)).build();
  }

  private static WriteBatch batch(RemoteWrite.TimeSeries... series) throws Exception {
    RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
    for (RemoteWrite.TimeSeries s : series) {
      b.addTimeseries(s);
    }
    byte[] body = Snappy.compress(b.build().toByteArray());
    return new RemoteWriteDecoder(1 << 24).decode(body, 0, body.length, RemoteWriteVersion.V1);
  }

  private WriteOutcome write(String tenant, RemoteWrite.TimeSeries... series) throws Exception {
    WriteBatch b = batch(series);
    WriteRequest r = new WriteRequest().resetAll(tenant, 0, b);
    WriteOutcome o = new WriteOutcome();
    o.reset(r.seriesCount());
    writer.write(r, o);
    return o;
  }

  private long seriesInHead() {
    return tsdbs.get(TENANT).head().numSeries();
  }

  @Test
  void passesEveryWriteOnAtTheNormalLevel() throws Exception {
    WriteOutcome o = write(TENANT, series(T0, "__name__", "a"), series(T0, "__name__", "b"));
    assertThat(o.errorKind()).isNull();
    assertThat(o.appended()).isEqualTo(2);
    assertThat(seriesInHead()).isEqualTo(2);
  }

  @Test
  void underPressureWritesKnownSeriesAndRefusesARequestWithANewOneWholly() throws Exception {
    write(TENANT, series(T0, "__name__", "a"), series(T0, "__name__", "b"));
    level(0.85);
    assertThat(admission.level()).isEqualTo(MemoryLevel.KNOWN_SERIES_ONLY);

    WriteOutcome known =
        write(TENANT, series(T0 + 1, "__name__", "b"), series(T0 + 1, "__name__", "a"));
    assertThat(known.errorKind()).isNull();
    assertThat(known.appended()).isEqualTo(2);

    WriteOutcome mixed =
        write(
            TENANT,
            series(T0 + 2, "__name__", "a"),
            series(T0 + 2, "__name__", "c"),
            series(T0 + 2, "__name__", "b"));
    assertThat(mixed.errorKind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(mixed.appended()).as("not even the known series' samples").isZero();
    for (int i = 0; i < 3; i++) {
      assertThat(mixed.seriesError(i)).isEqualTo(ErrorKind.UNAVAILABLE);
    }
    WriteStatus st = WriteStatus.of(mixed);
    assertThat(st.httpStatus()).isEqualTo(503);
    assertThat(st.grpcCode()).isEqualTo("Unavailable");
    assertThat(st.message()).isEqualTo(MemoryAdmissionWriter.NEW_SERIES_REFUSED);
    assertThat(seriesInHead()).isEqualTo(2);
    assertThat(admission.rejections(MemoryLevel.KNOWN_SERIES_ONLY)).isEqualTo(1);

    // The retry of the whole request, once memory is back, writes every sample once.
    level(0.5);
    WriteOutcome retried =
        write(
            TENANT,
            series(T0 + 2, "__name__", "a"),
            series(T0 + 2, "__name__", "c"),
            series(T0 + 2, "__name__", "b"));
    assertThat(retried.errorKind()).isNull();
    assertThat(retried.appended()).isEqualTo(3);
  }

  @Test
  void underPressureRefusesTheFirstWriteOfATenantWithoutCreatingIt() throws Exception {
    level(0.85);
    WriteOutcome o = write("other", series(T0, "__name__", "a"));
    assertThat(o.errorKind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(tsdbs.get("other")).isNull();
    assertThat(Files.exists(root.resolve("other"))).isFalse();
  }

  @Test
  void seriesTheWriterWouldSkipAnywayAreNotNew() throws Exception {
    write(TENANT, series(T0, "__name__", "a"));
    level(0.85);
    RemoteWrite.TimeSeries invalid = series(T0, "__name__", "x", "job", "");
    RemoteWrite.TimeSeries noSamples =
        RemoteWrite.TimeSeries.newBuilder()
            .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue("empty"))
            .build();
    WriteOutcome o = write(TENANT, series(T0 + 1, "__name__", "a"), invalid, noSamples);
    assertThat(o.errorKind()).as("the writer's 409, not 503").isEqualTo(ErrorKind.CONFLICT);
    assertThat(o.appended()).isEqualTo(1);
    assertThat(seriesInHead()).isEqualTo(1);
  }

  @Test
  void findsKnownSeriesWhenALabelIsLeftOutOfTheKey() throws Exception {
    write(TENANT, series(T0, "__name__", "a", "job", "j"));
    level(0.85);
    WriteBatch b = batch(series(T0 + 1, "__name__", "a", "job", "j", "tenant_x", "t"));
    WriteRequest r = new WriteRequest().reset(TENANT, 0, b);
    r.add(0, 0, 2);
    assertThat(writer.createsSeries(r)).isFalse();
    WriteRequest whole = new WriteRequest().resetAll(TENANT, 0, b);
    assertThat(writer.createsSeries(whole)).isTrue();
  }

  @Test
  void refusesEveryWriteAboveTheWritesMark() throws Exception {
    write(TENANT, series(T0, "__name__", "a"));
    level(0.95);
    WriteOutcome o = write(TENANT, series(T0 + 1, "__name__", "a"));
    assertThat(o.errorKind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(o.errorMessage()).isEqualTo(MemoryAdmissionWriter.WRITES_REFUSED);
    assertThat(o.appended()).isZero();
    assertThat(admission.rejections(MemoryLevel.WRITES_REFUSED)).isEqualTo(1);
    level(0.60);
    assertThat(write(TENANT, series(T0 + 1, "__name__", "a")).appended()).isEqualTo(1);
  }
}
