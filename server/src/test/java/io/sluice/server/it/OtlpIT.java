// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static io.sluice.server.it.StoreClient.eq;
import static io.sluice.server.it.StoreClient.frames;
import static io.sluice.server.it.StoreClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.sluice.receiver.otlp.OtlpSettings;
import io.sluice.receiver.proto.thanos.StoreTypes.LabelMatcher;
import io.sluice.receiver.proto.thanos.StoreTypes.Series;
import io.sluice.server.Receiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/otlp} end to end: the OpenTelemetry Java SDK's OTLP/HTTP metric exporter (a
 * real client, protobuf over the JDK's HTTP client) pushes to a receiver, and the series are read
 * back through the StoreAPI with the names and labels Thanos' translation gives them. A JSON body
 * is also sent by hand.
 */
class OtlpIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TENANT = "team-otel";
  // The labels every series of the resource below carries: job, instance, the promoted
  // attribute, and the receiver's external labels.
  private static final String RESOURCE_LABELS =
      "deployment_environment=\"prod\", instance=\"pod-1\", job=\"shop/checkout\"";
  private static final String EXTERNAL = "replica=\"it\", tenant_id=\"" + TENANT + "\"";

  private Receiver receiver;
  private StoreClient client;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    receiver =
        Receiver.start(
            ItFixtures.config(dir.resolve("data"))
                .withOtlp(new OtlpSettings(true, List.of("deployment.environment"))),
            InstantSource.system());
    client = new StoreClient(receiver.grpcAddress());
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private String endpoint() {
    return "http://127.0.0.1:" + receiver.remoteWriteAddress().getPort() + "/api/v1/otlp";
  }

  /** A meter provider exporting only when flushed, with the checkout service's resource. */
  private SdkMeterProvider provider(boolean exponential) {
    OtlpHttpMetricExporter exporter =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(endpoint())
            .addHeader("THANOS-TENANT", TENANT)
            .setTimeout(Duration.ofSeconds(30))
            .build();
    Resource resource =
        Resource.create(
            Attributes.builder()
                .put("service.name", "checkout")
                .put("service.namespace", "shop")
                .put("service.instance.id", "pod-1")
                .put("deployment.environment", "prod")
                .put("host.name", "node-7")
                .build());
    SdkMeterProviderBuilder b =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofDays(1)).build());
    if (exponential) {
      b.registerView(
          InstrumentSelector.builder().setName("payload.size").build(),
          View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build());
    }
    return b.build();
  }

  private static boolean flush(SdkMeterProvider p) {
    CompletableResultCode r = p.forceFlush().join(60, TimeUnit.SECONDS);
    return r.isSuccess();
  }

  /** Every series of {@code tenant}, as its label text mapped to its sample values. */
  private Map<String, List<Double>> stored(String tenant) {
    Map<String, List<Double>> out = new TreeMap<>();
    LabelMatcher any =
        LabelMatcher.newBuilder()
            .setType(LabelMatcher.Type.RE)
            .setName("__name__")
            .setValue(".+")
            .build();
    for (Series s : frames(client.series(request(eq("tenant_id", tenant), any)))) {
      out.put(
          StoreClient.text(s),
          StoreClient.samples(s.getChunksList()).stream()
              .map(p -> Double.longBitsToDouble(p[1]))
              .toList());
    }
    return out;
  }

  private static String series(String name, String labels) {
    return "{__name__=\"" + name + "\", " + labels + "}";
  }

  @Test
  void theOpenTelemetrySdkExporterPushesCountersGaugesAndHistogramsThatReadBackTranslated() {
    try (SdkMeterProvider provider = provider(false)) {
      Meter meter = provider.get("io.sluice.it");
      meter
          .counterBuilder("orders.placed")
          .setUnit("{order}")
          .build()
          .add(3, Attributes.of(AttributeKey.stringKey("payment.method"), "card"));
      var queue = meter.upDownCounterBuilder("queue.items").setUnit("{item}").build();
      queue.add(5);
      queue.add(-2);
      meter.gaugeBuilder("cpu.utilization").setUnit("1").build().set(0.25);
      var latency =
          meter
              .histogramBuilder("http.server.request.duration")
              .setUnit("s")
              .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 1.0))
              .build();
      latency.record(0.0625);
      latency.record(0.25);
      latency.record(2.0);

      assertThat(flush(provider)).as("the exporter's push succeeded (200)").isTrue();

      Map<String, List<Double>> got = stored(TENANT);
      String labels = RESOURCE_LABELS + ", " + EXTERNAL;
      String hist = "http_server_request_duration_seconds";
      assertThat(got)
          .containsExactlyInAnyOrderEntriesOf(
              Map.ofEntries(
                  Map.entry(
                      "{__name__=\"orders_placed_total\", deployment_environment=\"prod\","
                          + " instance=\"pod-1\", job=\"shop/checkout\", payment_method=\"card\", "
                          + EXTERNAL
                          + "}",
                      List.of(3.0)),
                  Map.entry(series("queue_items", labels), List.of(3.0)),
                  Map.entry(series("cpu_utilization_ratio", labels), List.of(0.25)),
                  Map.entry(series(hist + "_sum", labels), List.of(2.3125)),
                  Map.entry(series(hist + "_count", labels), List.of(3.0)),
                  Map.entry(bucket(hist, "0.1"), List.of(1.0)),
                  Map.entry(bucket(hist, "0.5"), List.of(2.0)),
                  Map.entry(bucket(hist, "1"), List.of(2.0)),
                  Map.entry(bucket(hist, "+Inf"), List.of(3.0)),
                  // The resource's other attributes; promotion does not apply to target_info.
                  Map.entry(
                      "{__name__=\"target_info\", deployment_environment=\"prod\","
                          + " host_name=\"node-7\", instance=\"pod-1\", job=\"shop/checkout\", "
                          + EXTERNAL
                          + "}",
                      List.of(1.0))));
      // Only the tenant of the header got them.
      assertThat(stored("default-tenant")).isEmpty();
    }
  }

  private static String bucket(String name, String le) {
    return "{__name__=\""
        + name
        + "_bucket\", deployment_environment=\"prod\", instance=\"pod-1\","
        + " job=\"shop/checkout\", le=\""
        + le
        + "\", "
        + EXTERNAL
        + "}";
  }

  @Test
  void exponentialHistogramsAreStoredAsNativeHistograms() throws Exception {
    try (SdkMeterProvider provider = provider(true)) {
      var sizes =
          provider.get("io.sluice.it").histogramBuilder("payload.size").setUnit("By").build();
      sizes.record(100);
      sizes.record(3000);
      assertThat(flush(provider)).isTrue();
    }
    assertThat(histogramChunkTypes(TENANT, "payload_size_bytes")).containsOnly("HISTOGRAM");

    String json =
        """
        {"resourceMetrics":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"sensor"}}]},
         "scopeMetrics":[{"metrics":[{"name":"payload.size","unit":"By",
          "exponentialHistogram":{"aggregationTemporality":2,"dataPoints":[
           {"timeUnixNano":"%d","count":"2","sum":3100,"scale":2,
            "positive":{"offset":26,"bucketCounts":["1","1"]}}]}}]}]}]}
        """
            .formatted(System.currentTimeMillis() * 1_000_000L);
    HttpResponse<String> r = postJson(json, "default-tenant");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(histogramChunkTypes("default-tenant", "payload_size_bytes"))
        .containsOnly("HISTOGRAM");
  }

  // The chunk types of the tenant's series of this name, one entry per chunk.
  private List<String> histogramChunkTypes(String tenant, String name) {
    List<String> types = new java.util.ArrayList<>();
    for (Series s : frames(client.series(request(eq("tenant_id", tenant), eq("__name__", name))))) {
      s.getChunksList().forEach(c -> types.add(c.getRaw().getType().name()));
    }
    return types;
  }

  private HttpResponse<String> postJson(String json, String tenant) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(endpoint()))
            .header("Content-Type", "application/json")
            .header("THANOS-TENANT", tenant)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePackagedReceiverServesOtlpWithItsFlags(@TempDir Path dir) throws Exception {
    RingNode n = RingNode.create(0, dir);
    try (ExternalProcess p =
        ExternalProcess.start(
            ItFixtures.sluiceCommand(
                n.receiveArgs(
                    "--no-receive.otlp-enable-target-info",
                    "--receive.otlp-promote-resource-attributes=cloud.region")),
            dir.resolve("sluice.log"))) {
      ItFixtures.awaitReady(p, n.web());
      String json =
          """
          {"resourceMetrics":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"svc"}},
            {"key":"cloud.region","value":{"stringValue":"eu"}},
            {"key":"host.name","value":{"stringValue":"h"}}]},
           "scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[
            {"timeUnixNano":"%d","asDouble":7}]}}]}]}]}
          """
              .formatted(System.currentTimeMillis() * 1_000_000L);
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.rw() + "/api/v1/otlp"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      try (StoreClient c = new StoreClient(new java.net.InetSocketAddress("127.0.0.1", n.grpc()))) {
        LabelMatcher any =
            LabelMatcher.newBuilder()
                .setType(LabelMatcher.Type.RE)
                .setName("__name__")
                .setValue(".+")
                .build();
        // Promoted cloud.region; no target_info (host.name would be on it).
        assertThat(frames(c.series(request(any))))
            .extracting(StoreClient::text)
            .containsExactly(
                "{__name__=\"g\", cloud_region=\"eu\", job=\"svc\", replica=\"0\","
                    + " tenant_id=\"default-tenant\"}");
      }
    }
  }

  @Test
  void aJsonBodySentByHandIsStoredAndADeltaSumIsRefused() throws Exception {
    long nowNs = System.currentTimeMillis() * 1_000_000L;
    String json =
        """
        {"resourceMetrics":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"sensor"}},
          {"key":"service.instance.id","value":{"stringValue":"s-9"}}]},
         "scopeMetrics":[{"scope":{"name":"manual"},"metrics":[
          {"name":"room.temperature","unit":"Cel","gauge":{"dataPoints":[
           {"timeUnixNano":"%d","asDouble":21.5,
            "attributes":[{"key":"room","value":{"stringValue":"kitchen"}}]}]}},
          {"name":"door.opened","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[
           {"timeUnixNano":"%d","asInt":"4"}]}}]}]}]}
        """
            .formatted(nowNs, nowNs);
    HttpResponse<String> r = postJson(json, "home");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    String ext = "replica=\"it\", tenant_id=\"home\"";
    assertThat(stored("home"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "{__name__=\"room_temperature_celsius\", instance=\"s-9\", job=\"sensor\","
                    + " replica=\"it\", room=\"kitchen\", tenant_id=\"home\"}",
                List.of(21.5),
                "{__name__=\"door_opened_total\", instance=\"s-9\", job=\"sensor\", " + ext + "}",
                List.of(4.0)));

    // aggregationTemporality 1 is delta: Thanos refuses the request.
    HttpResponse<String> delta =
        postJson(
            json.replace("\"aggregationTemporality\":2", "\"aggregationTemporality\":1"), "home2");
    assertThat(delta.statusCode()).isEqualTo(400);
    assertThat(delta.body()).isEqualTo("invalid temporality for metric \"door.opened\"\n");
    assertThat(stored("home2")).isEmpty();
  }
}
