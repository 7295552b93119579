// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.tsdb.Tsdb;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.tsdb.record.RecordDecoder;
import io.sluice.tsdb.record.RecordType;
import io.sluice.tsdb.wal.WalFormat;
import io.sluice.tsdb.wal.WalOptions;
import io.sluice.tsdb.wal.WalReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

class LocalWriterDurabilityTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STALE = 0x7ff0000000000002L;
  private static final int SEGMENT = 2 * WalFormat.PAGE_SIZE;

  @TempDir Path root;

  private final List<MultiTsdb> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (MultiTsdb m : open) {
      m.close();
    }
  }

  private MultiTsdb openTsdbs() throws Exception {
    MultiTsdb m =
        new MultiTsdb(
            root,
            prefix ->
                new TsdbOptions(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(T0))),
                    new WalOptions(SEGMENT, true),
                    false,
                    2),
            t -> {});
    m.open("default-tenant");
    open.add(m);
    return m;
  }

  private void close(MultiTsdb m) throws Exception {
    open.remove(m);
    m.close();
  }

  private static RemoteWrite.TimeSeries series(String name, int i, long[] tAndBits) {
    RemoteWrite.TimeSeries.Builder b =
        RemoteWrite.TimeSeries.newBuilder()
            .addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue(name))
            .addLabels(RemoteWrite.Label.newBuilder().setName("i").setValue(Integer.toString(i)));
    for (int k = 0; k < tAndBits.length; k += 2) {
      b.addSamples(
          RemoteWrite.Sample.newBuilder()
              .setTimestamp(tAndBits[k])
              .setValue(Double.longBitsToDouble(tAndBits[k + 1])));
    }
    return b.build();
  }

  private WriteBatch batch(RemoteWrite.TimeSeries... series) throws Exception {
    RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
    for (RemoteWrite.TimeSeries s : series) {
      b.addTimeseries(s);
    }
    byte[] body = Snappy.compress(b.build().toByteArray());
    // A decoder reuses its batch: one per batch, so that batches can be kept.
    return new RemoteWriteDecoder(1 << 24).decode(body, 0, body.length, RemoteWriteVersion.V1);
  }

  private static WriteOutcome write(MultiTsdb m, String tenant, WriteBatch batch) throws Exception {
    WriteOutcome o = new WriteOutcome();
    new LocalWriter(m).write(tenant, batch, o);
    return o;
  }

  /** "ref labels" → "t:bits" of every sample in the tenant's head. */
  private static Map<String, List<String>> dump(MultiTsdb.Tenant t) {
    Map<String, List<String>> out = new TreeMap<>();
    try (Querier q = t.head().querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        byte[] key = s.labels().toKey();
        long ref = t.head().ref(t.head().hash(key, 0, key.length), key, 0, key.length);
        List<String> samples = new ArrayList<>();
        SampleIterator it = s.samples();
        while (it.next()) {
          samples.add(it.timestamp() + ":" + Long.toHexString(it.valueBits()));
        }
        out.put(ref + " " + s.labels(), samples);
      }
    }
    return out;
  }

  @Test
  void writesSurviveCloseAndReopenWithTheSameRefsLabelsAndBitExactSamples() throws Exception {
    MultiTsdb m = openTsdbs();
    for (int r = 0; r < 5; r++) {
      List<RemoteWrite.TimeSeries> ss = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long t = T0 + r * 15_000L;
        long bits = (i % 7 == 0 && r == 4) ? STALE : Double.doubleToRawLongBits(r * 100 + i);
        ss.add(series("m", i, new long[] {t, bits}));
      }
      assertThat(
              write(m, "default-tenant", batch(ss.toArray(RemoteWrite.TimeSeries[]::new)))
                  .failure())
          .isNull();
      assertThat(
              write(m, "other", batch(series("o", r, new long[] {T0, 0x7ff8000000000001L})))
                  .appended())
          .isOne();
    }
    Map<String, List<String>> def = dump(m.get("default-tenant"));
    Map<String, List<String>> other = dump(m.get("other"));
    assertThat(def).hasSize(40);
    assertThat(def.get("1 {__name__=\"m\", i=\"0\"}"))
        .endsWith((T0 + 60_000) + ":7ff0000000000002");
    close(m);

    MultiTsdb reopened = openTsdbs();
    assertThat(reopened.tenants())
        .extracting(MultiTsdb.Tenant::id)
        .containsExactlyInAnyOrder("default-tenant", "other");
    assertThat(dump(reopened.get("default-tenant"))).isEqualTo(def);
    assertThat(dump(reopened.get("other"))).isEqualTo(other);
    assertThat(reopened.get("default-tenant").tsdb().replayStats().failedSamples()).isZero();
  }

  @Test
  void aFailedWalWriteIsAGenericErrorAndARetryAfterRecoveryLogsEverythingItAcknowledges()
      throws Exception {
    MultiTsdb m = openTsdbs();
    String tenant = "default-tenant";
    Path wal = root.resolve(tenant).resolve(Tsdb.WAL_DIR);
    // The WAL was opened in segment 0 or later; block the creation of the next segment, as a full
    // disk or a failing device would.
    int current;
    try (var files = Files.list(wal)) {
      current =
          files.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).max().orElseThrow();
    }
    Path obstruction = wal.resolve(WalFormat.segmentName(current + 1));
    Files.createDirectory(obstruction);

    Map<String, List<String>> acknowledged = new TreeMap<>();
    WriteBatch failed = null;
    int failedRound = -1;
    for (int r = 0; r < 5000 && failed == null; r++) {
      List<RemoteWrite.TimeSeries> ss = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ss.add(
            series("m", i, new long[] {T0 + r, Double.doubleToRawLongBits(Math.sqrt(r * 31 + i))}));
      }
      WriteBatch b = batch(ss.toArray(RemoteWrite.TimeSeries[]::new));
      WriteOutcome o = write(m, tenant, b);
      if (o.failure() != null) {
        // Generic: at replication factor 1 the quorum makes it unavailable, 503 (QuorumTest).
        assertThat(o.errorKind()).isEqualTo(ErrorKind.GENERIC);
        failed = b;
        failedRound = r;
      } else {
        assertThat(WriteStatus.of(o).httpStatus()).isEqualTo(200);
        for (RemoteWrite.TimeSeries s : ss) {
          acknowledged
              .computeIfAbsent(s.getLabels(1).getValue(), k -> new ArrayList<>())
              .add(
                  (T0 + r)
                      + ":"
                      + Long.toHexString(Double.doubleToRawLongBits(s.getSamples(0).getValue())));
        }
      }
    }
    assertThat(failed).as("a write must hit the blocked segment").isNotNull();
    assertThat(write(m, tenant, failed).errorKind())
        .as("still failing while the obstruction is there")
        .isEqualTo(ErrorKind.GENERIC);

    Files.delete(obstruction);
    WriteOutcome retry = write(m, tenant, failed);
    assertThat(WriteStatus.of(retry).httpStatus()).isEqualTo(200);
    assertThat(retry.appended()).isEqualTo(20);
    close(m);

    MultiTsdb reopened = openTsdbs();
    Map<String, List<String>> found = new TreeMap<>();
    dump(reopened.get(tenant))
        .forEach((k, v) -> found.put(k.replaceAll(".*i=\"(\\d+)\".*", "$1"), v));
    for (Map.Entry<String, List<String>> e : acknowledged.entrySet()) {
      List<String> expected = new ArrayList<>(e.getValue());
      int i = Integer.parseInt(e.getKey());
      expected.add(
          (T0 + failedRound)
              + ":"
              + Long.toHexString(Double.doubleToRawLongBits(Math.sqrt(failedRound * 31 + i))));
      assertThat(found.get(e.getKey())).as("series i=%s", e.getKey()).isEqualTo(expected);
    }
    assertThat(found).hasSize(20);
  }

  @Test
  void aSeriesRecordIsLoggedOnlyWithTheFirstRequestThatSeesTheSeries() throws Exception {
    MultiTsdb m = openTsdbs();
    for (int r = 0; r < 3; r++) {
      List<RemoteWrite.TimeSeries> ss = new ArrayList<>();
      for (int i = 0; i < 10 + r; i++) {
        ss.add(series("m", i, new long[] {T0 + r, Double.doubleToRawLongBits(r)}));
      }
      assertThat(
              write(m, "default-tenant", batch(ss.toArray(RemoteWrite.TimeSeries[]::new)))
                  .failure())
          .isNull();
    }
    // A request whose samples are all rejected logs nothing.
    assertThat(write(m, "default-tenant", batch(series("m", 0, new long[] {T0, 0}))).conflict())
        .isTrue();
    close(m);
    List<String> records = new ArrayList<>();
    RecordDecoder dec = new RecordDecoder();
    try (WalReader r = WalReader.open(root.resolve("default-tenant").resolve(Tsdb.WAL_DIR))) {
      while (r.next()) {
        byte[] rec = r.record();
        RecordType type = RecordDecoder.type(rec, 0, rec.length);
        int n =
            type == RecordType.SERIES
                ? dec.series(rec, 0, rec.length, (ref, key, off, len) -> {})
                : dec.samples(rec, 0, rec.length, (ref, t, v) -> {});
        records.add(type + " " + n);
      }
    }
    assertThat(records)
        .containsExactly(
            "SERIES 10", "SAMPLES 10", "SERIES 1", "SAMPLES 11", "SERIES 1", "SAMPLES 12");
  }

  @Test
  void concurrentFirstWritesOfANewTenantCreateItsDatabaseOnce() throws Exception {
    MultiTsdb m = openTsdbs();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<WriteOutcome>> done = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        WriteBatch b = batch(series("w", w, new long[] {T0, Double.doubleToRawLongBits(w)}));
        done.add(pool.submit(() -> write(m, "fresh", b)));
      }
      for (Future<WriteOutcome> f : done) {
        assertThat(f.get().failure()).isNull();
        assertThat(f.get().appended()).isOne();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(m.tenants())
        .extracting(MultiTsdb.Tenant::id)
        .containsExactlyInAnyOrder("default-tenant", "fresh");
    assertThat(m.get("fresh").head().numSeries()).isEqualTo(8);
    assertThat(root.resolve("fresh").resolve(Tsdb.LOCK_FILE)).exists();
  }

  @Test
  void openCreatesTheDefaultTenantAndRemovesStaleLockFiles() throws Exception {
    Files.createDirectories(root.resolve("crashed"));
    Files.writeString(root.resolve("crashed").resolve(Tsdb.LOCK_FILE), "stale");
    Files.createDirectories(root.resolve("lost+found"));
    MultiTsdb m = openTsdbs();
    assertThat(root.resolve("default-tenant")).isDirectory();
    assertThat(m.tenants())
        .extracting(MultiTsdb.Tenant::id)
        .containsExactlyInAnyOrder("default-tenant", "crashed");
    assertThat(root.resolve("default-tenant").resolve(Tsdb.WAL_DIR)).isDirectory();
  }
}
