// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.sluice.receiver.MultiTsdb;
import io.sluice.server.Receiver;
import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.SampleIterator;
import io.sluice.tsdb.query.Series;
import io.sluice.tsdb.query.SeriesSet;
import io.sluice.upstream.thanos.labelpb.Types.Label;
import io.sluice.upstream.thanos.prompb.Types.Sample;
import io.sluice.upstream.thanos.prompb.Types.TimeSeries;
import io.sluice.upstream.thanos.storepb.Rpc.TimeSeriesTenantTuple;
import io.sluice.upstream.thanos.storepb.Rpc.WriteRequest;
import io.sluice.upstream.thanos.storepb.Rpc.WriteResponse;
import io.sluice.upstream.thanos.storepb.WriteableStoreGrpc;
import io.sluice.upstream.thanos.storepb.WriteableStoreGrpc.WriteableStoreBlockingStub;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code thanos.WriteableStore/RemoteWrite} of an in-process receiver, called with stubs generated
 * from Thanos' own .proto files ({@code src/test/proto/thanos-upstream}): the legacy single-tenant
 * form of v0.42 and the field-4 tuples of 0.43, replica numbers 1–3, snappy compression on and off,
 * and the statuses of bad input. Data is read back from the tenants' databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteableServiceIT {
  private static final long T0 = 1_700_000_000_000L;

  private Path dir;
  private Receiver receiver;
  private ManagedChannel channel;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    this.dir = dir;
    receiver =
        Receiver.start(
            ItFixtures.config(dir.resolve("data")), InstantSource.fixed(Instant.ofEpochMilli(T0)));
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcAddress().getPort())
            .usePlaintext()
            .compressorRegistry(FramedSnappy.compressors())
            .decompressorRegistry(FramedSnappy.decompressors())
            .build();
  }

  @AfterAll
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    receiver.close();
  }

  private WriteableStoreBlockingStub stub(boolean snappy) {
    WriteableStoreBlockingStub s =
        WriteableStoreGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    return snappy ? s.withCompression("snappy") : s;
  }

  static TimeSeries series(String name, String job, long t, double v) {
    return TimeSeries.newBuilder()
        .addLabels(Label.newBuilder().setName("__name__").setValue(name))
        .addLabels(Label.newBuilder().setName("job").setValue(job))
        .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v))
        .build();
  }

  /** Every sample of a tenant as {@code labels t v}; empty when the tenant does not exist. */
  static List<String> samples(Receiver r, String tenant) {
    List<String> out = new ArrayList<>();
    MultiTsdb.Tenant t = r.tsdbs().get(tenant);
    if (t == null) {
      return out;
    }
    try (Querier q = t.tsdb().querier()) {
      SeriesSet set = q.select(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
      while (set.hasNext()) {
        Series s = set.next();
        SampleIterator it = s.samples();
        while (it.next()) {
          out.add(s.labels() + " " + it.timestamp() + " " + it.value());
        }
      }
    }
    return out;
  }

  @Test
  void legacyRequestsWithReplicas1To3AreWritten() {
    for (int replica = 1; replica <= 3; replica++) {
      WriteResponse resp =
          stub(replica != 2)
              .remoteWrite(
                  WriteRequest.newBuilder()
                      .setTenant("legacy")
                      .setReplica(replica)
                      .addTimeseries(series("up", "a", T0 + replica, replica))
                      .addTimeseries(series("up", "b", T0 + replica, -replica))
                      .build());
      assertThat(resp).isEqualTo(WriteResponse.getDefaultInstance());
    }
    assertThat(samples(receiver, "legacy"))
        .containsExactly(
            "{__name__=\"up\", job=\"a\"} " + (T0 + 1) + " 1.0",
            "{__name__=\"up\", job=\"a\"} " + (T0 + 2) + " 2.0",
            "{__name__=\"up\", job=\"a\"} " + (T0 + 3) + " 3.0",
            "{__name__=\"up\", job=\"b\"} " + (T0 + 1) + " -1.0",
            "{__name__=\"up\", job=\"b\"} " + (T0 + 2) + " -2.0",
            "{__name__=\"up\", job=\"b\"} " + (T0 + 3) + " -3.0");
  }

  @Test
  void tuplesWriteTwoTenantsOfOneRequestWithAndWithoutSnappy() {
    for (boolean snappy : new boolean[] {true, false}) {
      long t = snappy ? T0 : T0 + 1000;
      stub(snappy)
          .remoteWrite(
              WriteRequest.newBuilder()
                  .setReplica(2)
                  // Ignored once tuples are present, as in Thanos.
                  .setTenant("never")
                  .addTimeseries(series("never", "x", t, 0))
                  .addTimeseriesTenantData(
                      TimeSeriesTenantTuple.newBuilder()
                          .setTenant("tuple-a")
                          .addTimeseries(series("m", "1", t, 1))
                          .addTimeseries(series("m", "2", t, 2)))
                  .addTimeseriesTenantData(
                      TimeSeriesTenantTuple.newBuilder()
                          .setTenant("tuple-b")
                          .addTimeseries(series("n", "3", t, 3)))
                  .build());
    }
    assertThat(samples(receiver, "tuple-a"))
        .containsExactly(
            "{__name__=\"m\", job=\"1\"} " + T0 + " 1.0",
            "{__name__=\"m\", job=\"1\"} " + (T0 + 1000) + " 1.0",
            "{__name__=\"m\", job=\"2\"} " + T0 + " 2.0",
            "{__name__=\"m\", job=\"2\"} " + (T0 + 1000) + " 2.0");
    assertThat(samples(receiver, "tuple-b"))
        .containsExactly(
            "{__name__=\"n\", job=\"3\"} " + T0 + " 3.0",
            "{__name__=\"n\", job=\"3\"} " + (T0 + 1000) + " 3.0");
    assertThat(receiver.tsdbs().get("never")).isNull();
  }

  @Test
  void anOutOfOrderSampleIsAlreadyExistsWithThanosText() {
    stub(true)
        .remoteWrite(
            WriteRequest.newBuilder()
                .setTenant("conflict")
                .addTimeseries(series("c", "a", T0 + 10, 1))
                .build());
    assertThatThrownBy(
            () ->
                stub(true)
                    .remoteWrite(
                        WriteRequest.newBuilder()
                            .setTenant("conflict")
                            .addTimeseries(series("c", "a", T0 + 5, 2))
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("add 1 samples: out of order sample");
            });
    assertThat(samples(receiver, "conflict"))
        .containsExactly("{__name__=\"c\", job=\"a\"} " + (T0 + 10) + " 1.0");
  }

  @Test
  void anInvalidTenantIsInternalAndNothingIsStored() throws IOException {
    for (String tenant : List.of("../x", "a/b", "..", "")) {
      assertThatThrownBy(
              () ->
                  stub(false)
                      .remoteWrite(
                          WriteRequest.newBuilder()
                              .setTenant(tenant)
                              .addTimeseries(series("bad", "a", T0, 1))
                              .build()))
          .as("tenant %s", tenant)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                assertThat(e.getStatus().getDescription()).isEqualTo("tenant name not valid");
              });
    }
    assertThat(dir.resolve("x")).doesNotExist();
    assertThat(dir.resolve("data/a")).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("data");
    }
    for (MultiTsdb.Tenant t : receiver.tsdbs().tenants()) {
      assertThat(samples(receiver, t.id())).noneMatch(s -> s.contains("bad"));
    }
  }

  @Test
  void severalFailedTenantsAreCountedAndTheFirstIsReportedWhileValidOnesAreWritten() {
    assertThatThrownBy(
            () ->
                stub(true)
                    .remoteWrite(
                        WriteRequest.newBuilder()
                            .addTimeseriesTenantData(
                                TimeSeriesTenantTuple.newBuilder()
                                    .setTenant("../one")
                                    .addTimeseries(series("bad", "1", T0, 1)))
                            .addTimeseriesTenantData(
                                TimeSeriesTenantTuple.newBuilder()
                                    .setTenant("fine")
                                    .addTimeseries(series("ok", "1", T0, 1)))
                            .addTimeseriesTenantData(
                                TimeSeriesTenantTuple.newBuilder()
                                    .setTenant("../two")
                                    .addTimeseries(series("bad", "2", T0, 2)))
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "got 2 errors while writing to multiple tenants, first one: tenant name not"
                          + " valid");
            });
    assertThat(samples(receiver, "fine"))
        .containsExactly("{__name__=\"ok\", job=\"1\"} " + T0 + " 1.0");
  }

  @Test
  void garbageBytesAreInternalUnmarshallingErrorsAndNothingIsStored() {
    MethodDescriptor<byte[], byte[]> raw =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("thanos.WriteableStore/RemoteWrite")
            .setRequestMarshaller(new Bytes())
            .setResponseMarshaller(new Bytes())
            .build();
    int tenantsBefore = receiver.tsdbs().tenants().size();
    // A TimeSeries (field 1) whose length runs past the end of the message; then a bad wire type.
    byte[] truncated = {0x0a, 0x7f, 0x0a, 0x02};
    byte[] wrongType = "\u001a\u0001x".getBytes(StandardCharsets.ISO_8859_1);
    for (byte[] garbage : List.of(truncated, wrongType)) {
      for (boolean snappy : new boolean[] {true, false}) {
        CallOptions o = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
        CallOptions opts = snappy ? o.withCompression("snappy") : o;
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, raw, opts, garbage))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                  assertThat(e.getStatus().getDescription())
                      .startsWith("grpc: error unmarshalling request: ");
                });
      }
    }
    assertThat(receiver.tsdbs().tenants()).hasSize(tenantsBefore);
  }

  @Test
  void thePendingWriteRequestsGaugeIsExposed() {
    assertThat(receiver.metrics().scrape())
        .contains("# HELP thanos_receive_pending_write_requests The number of pending write")
        .contains("thanos_receive_pending_write_requests 0.0");
  }

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
