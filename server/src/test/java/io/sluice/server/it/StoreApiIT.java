// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static io.sluice.server.it.StoreClient.eq;
import static io.sluice.server.it.StoreClient.frames;
import static io.sluice.server.it.StoreClient.request;
import static io.sluice.server.it.StoreClient.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.receiver.admission.BodyBudget;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.thanos.LabelTypes.Label;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelNamesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.LabelValuesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesRequest;
import io.sluice.receiver.proto.thanos.StoreRpc.SeriesResponse;
import io.sluice.receiver.proto.thanos.StoreTypes.AggrChunk;
import io.sluice.receiver.proto.thanos.StoreTypes.Chunk;
import io.sluice.receiver.proto.thanos.StoreTypes.LabelMatcher;
import io.sluice.receiver.proto.thanos.StoreTypes.PartialResponseStrategy;
import io.sluice.receiver.proto.thanos.StoreTypes.Series;
import io.sluice.receiver.proto.thanos.info.InfoRpc.InfoRequest;
import io.sluice.receiver.proto.thanos.info.InfoRpc.InfoResponse;
import io.sluice.receiver.store.MultiTenantExemplars;
import io.sluice.receiver.store.MultiTenantStore;
import io.sluice.receiver.store.SeriesStream;
import io.sluice.server.Receiver;
import io.sluice.server.grpc.GrpcServer;
import io.sluice.tsdb.labels.XxHash64;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StoreAPI of an in-process receiver over a real socket, called with the generated stubs:
 * conformance statements 40–45 of the reference (thanos-receive.md §15), bad requests, health,
 * metrics, flow control and cancellation. Data is remote-written over HTTP first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreApiIT {
  private static final int BIG_SAMPLES = 180_000;
  private static final int SLOW_SERIES = 20_000;

  private Receiver receiver;
  private StoreClient client;
  private long base;
  private final List<long[]> bigWritten = new ArrayList<>();

  private static RemoteWrite.TimeSeries.Builder series(String... labels) {
    RemoteWrite.TimeSeries.Builder s = RemoteWrite.TimeSeries.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      s.addLabels(RemoteWrite.Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
    }
    return s;
  }

  private void write(String tenant, RemoteWrite.TimeSeries.Builder... series) throws Exception {
    RemoteWrite.WriteRequest.Builder r = RemoteWrite.WriteRequest.newBuilder();
    for (RemoteWrite.TimeSeries.Builder s : series) {
      r.addTimeseries(s);
    }
    assertThat(ItFixtures.remoteWrite(receiver.remoteWriteAddress().getPort(), tenant, r.build()))
        .isEqualTo(200);
  }

  private static RemoteWrite.Sample sample(long t, double v) {
    return RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(v).build();
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    receiver = Receiver.start(ItFixtures.config(dir.resolve("data")), InstantSource.system());
    client = new StoreClient(receiver.grpcAddress());
    base = System.currentTimeMillis() - 3_600_000;
    write(
        "a",
        series("__name__", "up", "instance", "1", "job", "api").addSamples(sample(base, 1)),
        series("__name__", "up", "instance", "2", "job", "api", "replica", "agent")
            .addSamples(sample(base, 0)));
    write("b", series("__name__", "up", "instance", "1", "job", "api").addSamples(sample(base, 1)));
    Random rnd = new Random(7);
    for (int from = 0; from < BIG_SAMPLES; from += 10_000) {
      RemoteWrite.TimeSeries.Builder s = series("__name__", "big");
      for (int i = from; i < from + 10_000; i++) {
        double v = rnd.nextDouble();
        s.addSamples(sample(base + i, v));
        bigWritten.add(new long[] {base + i, Double.doubleToRawLongBits(v)});
      }
      write("big", s);
    }
    for (int from = 0; from < 200; from += 100) {
      List<RemoteWrite.TimeSeries.Builder> many = new ArrayList<>();
      for (int i = from; i < from + 100; i++) {
        many.add(
            series("__name__", "many", "i", String.format("%03d", i)).addSamples(sample(base, i)));
      }
      write("many", many.toArray(RemoteWrite.TimeSeries.Builder[]::new));
    }
    for (int from = 0; from < SLOW_SERIES; from += 2000) {
      List<RemoteWrite.TimeSeries.Builder> slow = new ArrayList<>();
      for (int i = from; i < from + 2000; i++) {
        slow.add(
            series("__name__", "slow", "i", String.format("%05d", i)).addSamples(sample(base, i)));
      }
      write("slow", slow.toArray(RemoteWrite.TimeSeries.Builder[]::new));
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  // 40
  @Test
  void infoAnnouncesReceiveWithOneLabelSetPerTenantAndMaxTimeMaxInt64() {
    InfoResponse info = client.info.info(InfoRequest.getDefaultInstance());
    assertThat(info.getComponentType()).isEqualTo("receive");
    assertThat(info.getLabelSetsList())
        .extracting(
            s -> s.getLabelsList().stream().map(l -> l.getName() + "=" + l.getValue()).toList())
        .containsExactlyInAnyOrder(
            List.of("replica=it", "tenant_id=a"),
            List.of("replica=it", "tenant_id=b"),
            List.of("replica=it", "tenant_id=big"),
            List.of("replica=it", "tenant_id=many"),
            List.of("replica=it", "tenant_id=slow"),
            List.of("replica=it", "tenant_id=default-tenant"));
    assertThat(info.getStore().getMaxTime()).isEqualTo(9223372036854775807L);
    assertThat(info.getStore().getMinTime()).isEqualTo(base);
    assertThat(info.getStore().getSupportsSharding()).isTrue();
    assertThat(info.getStore().getSupportsWithoutReplicaLabels()).isTrue();
    assertThat(info.getStore().getTsdbInfosCount()).isEqualTo(6);
  }

  // 40
  @Test
  void infoFailsWhileNotReadyAndHealthIsNotServing() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (GrpcServer server =
            GrpcServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new MultiTenantStore(List::of, SeriesStream.FRAME_BYTES),
                new MultiTenantExemplars(List::of),
                () -> false,
                registry,
                null,
                BodyBudget.unlimited());
        StoreClient c = new StoreClient(server.address())) {
      assertThatThrownBy(() -> c.info.info(InfoRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).isEqualTo("Not ready");
              });
      assertThat(
              HealthGrpc.newBlockingStub(c.channel)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
    }
  }

  @Test
  void reflectionListsTheServicesByTheirThanosNames() throws Exception {
    List<String> names = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(client.channel)
            .serverReflectionInfo(
                new StreamObserver<ServerReflectionResponse>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    r.getListServicesResponse()
                        .getServiceList()
                        .forEach(s -> names.add(s.getName()));
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(names).contains("thanos.Store", "thanos.info.Info", "grpc.health.v1.Health");
  }

  @Test
  void healthIsServingWhenReady() {
    assertThat(
            HealthGrpc.newBlockingStub(client.channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  // 41
  @Test
  void onlyTheTenantMatcherIsAWarningUnderWarnAndInvalidArgumentUnderAbort() {
    List<SeriesResponse> warn = client.series(request(eq("tenant_id", "a")));
    assertThat(warn).hasSize(1);
    assertThat(warn.get(0).getWarning())
        .contains("no matchers specified (excluding external labels)");
    assertThatThrownBy(
            () ->
                client.series(
                    request(eq("tenant_id", "a"))
                        .setPartialResponseStrategy(PartialResponseStrategy.ABORT)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("no matchers specified (excluding external labels)");
            });
  }

  // 41
  @Test
  void aTenantMatcherSelectsThatTenantsSeriesWithAllExternalLabelsOverridingSeriesLabels() {
    assertThat(frames(client.series(request(eq("tenant_id", "a"), eq("__name__", "up")))))
        .extracting(StoreClient::text)
        .containsExactly(
            "{__name__=\"up\", instance=\"1\", job=\"api\", replica=\"it\", tenant_id=\"a\"}",
            "{__name__=\"up\", instance=\"2\", job=\"api\", replica=\"it\", tenant_id=\"a\"}");
  }

  // 42
  @Test
  void seriesAreSortedByFullLabelSetAndWithoutReplicaLabelsDropsThem() {
    List<String> all =
        frames(client.series(request(eq("__name__", "up")))).stream()
            .map(StoreClient::text)
            .toList();
    assertThat(all)
        .containsExactly(
            "{__name__=\"up\", instance=\"1\", job=\"api\", replica=\"it\", tenant_id=\"a\"}",
            "{__name__=\"up\", instance=\"1\", job=\"api\", replica=\"it\", tenant_id=\"b\"}",
            "{__name__=\"up\", instance=\"2\", job=\"api\", replica=\"it\", tenant_id=\"a\"}");
    assertThat(
            frames(
                    client.series(
                        request(eq("__name__", "up"))
                            .addWithoutReplicaLabels("replica")
                            .addWithoutReplicaLabels("instance")))
                .stream()
                .map(StoreClient::text))
        .containsExactly(
            "{__name__=\"up\", job=\"api\", tenant_id=\"a\"}",
            "{__name__=\"up\", job=\"api\", tenant_id=\"a\"}",
            "{__name__=\"up\", job=\"api\", tenant_id=\"b\"}");
  }

  // 43
  @Test
  void chunksComeAsStoredWithXxHashSplitOverFramesAndDecodeToTheWrittenSamples() {
    List<Series> frames = frames(client.series(request(eq("__name__", "big"))));
    assertThat(frames).hasSizeGreaterThanOrEqualTo(2);
    List<AggrChunk> chunks = new ArrayList<>();
    for (Series f : frames) {
      assertThat(text(f)).isEqualTo("{__name__=\"big\", replica=\"it\", tenant_id=\"big\"}");
      chunks.addAll(f.getChunksList());
    }
    assertThat(frames.get(0).getSerializedSize()).isBetween(1_000_000, 1_100_000);
    for (AggrChunk c : chunks) {
      byte[] data = c.getRaw().getData().toByteArray();
      assertThat(c.getRaw().getType()).isEqualTo(Chunk.Encoding.XOR);
      assertThat(c.getRaw().getHash()).isEqualTo(XxHash64.hash(data, 0, data.length));
    }
    List<long[]> got = StoreClient.samples(chunks);
    assertThat(got).hasSize(bigWritten.size());
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).as("sample %d", i).isEqualTo(bigWritten.get(i));
    }
  }

  // 44
  @Test
  void responseBatchSize64PacksSeriesBatchesAndZeroSendsSingleSeries() {
    List<SeriesResponse> batched =
        client.series(request(eq("__name__", "many")).setResponseBatchSize(64));
    assertThat(batched).allMatch(SeriesResponse::hasBatch);
    assertThat(batched)
        .extracting(r -> r.getBatch().getSeriesCount())
        .containsExactly(64, 64, 64, 8);
    List<SeriesResponse> single = client.series(request(eq("__name__", "many")));
    assertThat(single).hasSize(200).allMatch(SeriesResponse::hasSeries);
    assertThat(frames(batched)).isEqualTo(frames(single));
  }

  // 45
  @Test
  void labelValuesOfTheTenantLabelAndLabelNamesWithExternalNames() {
    assertThat(
            client
                .store
                .labelValues(
                    LabelValuesRequest.newBuilder()
                        .setLabel("tenant_id")
                        .setStart(Long.MIN_VALUE)
                        .setEnd(Long.MAX_VALUE)
                        .addMatchers(eq("__name__", "up"))
                        .build())
                .getValuesList())
        .containsExactly("a", "b");
    assertThat(
            client
                .store
                .labelNames(
                    LabelNamesRequest.newBuilder()
                        .setStart(Long.MIN_VALUE)
                        .setEnd(Long.MAX_VALUE)
                        .addMatchers(eq("__name__", "up"))
                        .build())
                .getNamesList())
        .containsExactly("__name__", "instance", "job", "replica", "tenant_id");
  }

  private void assertInvalid(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }

  @Test
  void badRequestsGetInvalidArgumentAndTheServerKeepsServing() throws Exception {
    assertInvalid(
        () -> client.store.labelValues(LabelValuesRequest.newBuilder().setLabel("").build()),
        "label name parameter cannot be empty");
    assertInvalid(
        () ->
            client.series(
                request(
                    LabelMatcher.newBuilder()
                        .setType(LabelMatcher.Type.RE)
                        .setName("job")
                        .setValue("(")
                        .build())),
        "job");
    assertInvalid(
        () -> client.series(request(eq("__name__", "up")).setMinTime(10).setMaxTime(5)),
        "min_time 10 is after max_time 5");
    assertInvalid(
        () ->
            client.series(
                request(
                    LabelMatcher.newBuilder()
                        .setTypeValue(7)
                        .setName("job")
                        .setValue("x")
                        .build())),
        "unknown label matcher type 7");
    assertInvalid(() -> client.series(request()), "no matchers specified");
    assertThat(frames(client.series(request(eq("__name__", "up"))))).hasSize(3);

    String metrics = ItFixtures.get(receiver.httpAddress().getPort(), "/metrics").body();
    assertThat(metrics)
        .contains(
            "grpc_server_handled_total{grpc_code=\"InvalidArgument\",grpc_method=\"Series\",grpc_service=\"thanos.Store\",grpc_type=\"server_stream\"}")
        .contains(
            "grpc_server_handled_total{grpc_code=\"InvalidArgument\",grpc_method=\"LabelValues\",grpc_service=\"thanos.Store\",grpc_type=\"unary\"}")
        .contains("grpc_server_handling_seconds_bucket{grpc_code=\"OK\"")
        .contains("grpc_server_started_total{");
  }

  private static LabelMatcher re(String name, String regex) {
    return LabelMatcher.newBuilder()
        .setType(LabelMatcher.Type.RE)
        .setName(name)
        .setValue(regex)
        .build();
  }

  // The reported defect: with a backtracking engine this Series call never returned (the client's
  // 10 s deadline expired, the server kept a core busy) and, the query holding the head's postings
  // lock, a write of new series got no answer. RE2 answers at once; the timeouts are hang guards.
  @Test
  void aPathologicalRegexAnswersPromptlyAndWritesOfNewSeriesAreAnsweredMeanwhile()
      throws Exception {
    List<RemoteWrite.TimeSeries.Builder> aas = new ArrayList<>();
    for (int n = 42; n <= 46; n++) {
      aas.add(series("__name__", "re2", "job", "a".repeat(n)).addSamples(sample(base, n)));
    }
    write("many", aas.toArray(RemoteWrite.TimeSeries.Builder[]::new));
    List<SeriesResponse> got =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () -> {
              List<SeriesResponse> out = new ArrayList<>();
              client
                  .store
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .series(request(re("job", "(.*a){25}x")).build())
                  .forEachRemaining(out::add);
              return out;
            });
    assertThat(frames(got)).isEmpty();
    assertThat(frames(client.series(request(eq("__name__", "re2"), re("job", "(.*a){25}")))))
        .hasSize(5);
    List<RemoteWrite.TimeSeries.Builder> fresh = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      fresh.add(
          series("__name__", "re2_new", "i", Integer.toString(i)).addSamples(sample(base, i)));
    }
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> write("many", fresh.toArray(RemoteWrite.TimeSeries.Builder[]::new)));
    assertThat(frames(client.series(request(eq("__name__", "re2_new"))))).hasSize(20);
  }

  @Test
  void aRegexGoRejectsIsInvalidArgumentWithTheReason() {
    assertInvalid(() -> client.series(request(re("job", "(a)\\1"))), "invalid escape sequence");
    assertInvalid(
        () -> client.series(request(re("job", "((a{1000}){1000}){1000}"))), "expression too large");
  }

  private double seriesSent() {
    Counter c =
        receiver
            .metrics()
            .registry()
            .find("grpc.server.msg.sent")
            .tag("grpc_method", "Series")
            .counter();
    return c == null ? 0 : c.count();
  }

  private double seriesHandled(String code) {
    Counter c =
        receiver
            .metrics()
            .registry()
            .find("grpc.server.handled")
            .tag("grpc_method", "Series")
            .tag("grpc_code", code)
            .counter();
    return c == null ? 0 : c.count();
  }

  /** Polls the sent-messages counter until it stays the same for 10 polls in a row. */
  private double settledSent() throws InterruptedException {
    double last = -1;
    int same = 0;
    while (same < 10) {
      Thread.sleep(100);
      double now = seriesSent();
      same = now == last ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  @Test
  void aClientThatStopsReadingStopsTheServerAndCancellingEndsTheCall() throws Exception {
    try (StoreClient slow =
        new StoreClient(
            NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcAddress().getPort())
                .flowControlWindow(64 * 1024))) {
      double before = settledSent();
      double canceledBefore = seriesHandled("Canceled");
      AtomicInteger received = new AtomicInteger();
      AtomicReference<ClientCallStreamObserver<SeriesRequest>> call = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<Throwable> error = new AtomicReference<>();
      slow.async.series(
          request(eq("__name__", "slow")).build(),
          new ClientResponseObserver<SeriesRequest, SeriesResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SeriesRequest> c) {
              c.disableAutoRequestWithInitial(1);
              call.set(c);
            }

            @Override
            public void onNext(SeriesResponse value) {
              received.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
              error.set(t);
              done.countDown();
            }

            @Override
            public void onCompleted() {
              done.countDown();
            }
          });
      double stalled = settledSent() - before;
      // 20,000 frames of ~100 bytes are ~2 MB; a 64 KiB window lets the server get ahead by a
      // window plus gRPC's on-ready threshold (32 KiB) and the transport's queue, not more.
      assertThat(received.get()).isEqualTo(1);
      assertThat(stalled).isGreaterThan(0).isLessThan(SLOW_SERIES / 4.0);
      call.get().cancel("test stops reading", null);
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(error.get()).isInstanceOf(StatusRuntimeException.class);
      double afterCancel = settledSent() - before;
      assertThat(afterCancel).isLessThan(SLOW_SERIES / 4.0);
      assertThat(seriesHandled("Canceled")).isEqualTo(canceledBefore + 1);
    }
  }

  @Test
  void aCallWhoseDeadlinePassesIsCountedOnceAsDeadlineExceededOrCanceled() throws Exception {
    try (StoreClient slow =
        new StoreClient(
            NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcAddress().getPort())
                .flowControlWindow(64 * 1024))) {
      double before = seriesHandled("DeadlineExceeded") + seriesHandled("Canceled");
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<Throwable> error = new AtomicReference<>();
      slow.async
          .withDeadlineAfter(500, TimeUnit.MILLISECONDS)
          .series(
              request(eq("__name__", "slow")).build(),
              new ClientResponseObserver<SeriesRequest, SeriesResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<SeriesRequest> c) {
                  c.disableAutoRequestWithInitial(1);
                }

                @Override
                public void onNext(SeriesResponse value) {}

                @Override
                public void onError(Throwable t) {
                  error.set(t);
                  done.countDown();
                }

                @Override
                public void onCompleted() {
                  done.countDown();
                }
              });
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Status.fromThrowable(error.get()).getCode())
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      // The client cancels the stream when its deadline passes; the server's own deadline (the
      // timeout counted from the request's arrival) passes a little later. Which one the server
      // sees first is a race, in grpc-go as here: the call counts as DeadlineExceeded when the
      // server's deadline fired first, else as Canceled. That it is counted once whichever of the
      // handler's close and gRPC's cancellation comes second is GrpcServerMetricsTest's: this
      // connection gives no sign of when the server's last callback for the call has run.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (seriesHandled("DeadlineExceeded") + seriesHandled("Canceled") == before
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(seriesHandled("DeadlineExceeded") + seriesHandled("Canceled"))
          .isEqualTo(before + 1);
    }
  }

  @Test
  void aSlowClientThatKeepsReadingGetsEverySeries() throws Exception {
    try (StoreClient slow =
        new StoreClient(
            NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcAddress().getPort())
                .flowControlWindow(64 * 1024))) {
      List<String> got = new ArrayList<>();
      for (Series s : frames(slow.series(request(eq("__name__", "slow"))))) {
        Label i = s.getLabels(1);
        assertThat(i.getName()).isEqualTo("i");
        got.add(i.getValue());
      }
      assertThat(got).hasSize(SLOW_SERIES).isSorted();
    }
  }
}
