// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.write.LocalWriter;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import io.sluice.tsdb.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.xerial.snappy.Snappy;

/** Real tenant databases in a directory, written through the receiver's own write path. */
final class Tenants implements AutoCloseable {
  static final long T0 = 1_700_000_000_000L;

  final MultiTsdb tsdbs;
  private final LocalWriter writer;

  Tenants(Path root) throws Exception {
    tsdbs =
        new MultiTsdb(
            root,
            prefix ->
                new TsdbOptions(
                    HeadOptions.defaults(InstantSource.fixed(Instant.ofEpochMilli(T0))),
                    WalOptions.defaults(),
                    false,
                    1),
            t -> {});
    tsdbs.open("default-tenant");
    writer = new LocalWriter(tsdbs);
  }

  /**
   * A store with {@code replica="r0"} as the only flag label and tenant label {@code tenant_id}.
   */
  MultiTenantStore store() {
    return MultiTenantStore.of(tsdbs, Map.of("replica", "r0"), "tenant_id");
  }

  /**
   * Writes {@code count} samples {@code (T0 + i * step, value(i))} to one series.
   *
   * @param labels alternating names and values
   */
  void write(
      String tenant,
      int count,
      long step,
      java.util.function.IntToDoubleFunction value,
      String... labels)
      throws Exception {
    for (int from = 0; from < count; from += 10_000) {
      RemoteWrite.TimeSeries.Builder s = RemoteWrite.TimeSeries.newBuilder();
      for (int i = 0; i < labels.length; i += 2) {
        s.addLabels(RemoteWrite.Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
      }
      for (int i = from; i < Math.min(count, from + 10_000); i++) {
        s.addSamples(
            RemoteWrite.Sample.newBuilder()
                .setTimestamp(T0 + i * step)
                .setValue(value.applyAsDouble(i)));
      }
      write(tenant, RemoteWrite.WriteRequest.newBuilder().addTimeseries(s).build());
    }
  }

  /** Writes one sample {@code (T0, 1)} to each series. */
  void writeOne(String tenant, String... labels) throws Exception {
    write(tenant, 1, 1, i -> 1, labels);
  }

  private void write(String tenant, RemoteWrite.WriteRequest req) throws IOException, Exception {
    byte[] body = Snappy.compress(req.toByteArray());
    WriteBatch batch =
        new RemoteWriteDecoder(1 << 26).decode(body, 0, body.length, RemoteWriteVersion.V1);
    WriteOutcome o = new WriteOutcome();
    writer.write(tenant, batch, o);
    assertThat(o.appended()).as("appended").isEqualTo(req.getTimeseries(0).getSamplesCount());
  }

  @Override
  public void close() throws IOException {
    tsdbs.close();
  }
}
