// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import static io.sluice.receiver.otlp.Otlp.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.sluice.receiver.decode.DecodedBodyTooLargeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The OTLP/HTTP body decoding of Prometheus' {@code DecodeOTLPWriteRequest}, as Thanos uses it. */
class OtlpRequestDecoderTest {
  private static final ExportMetricsServiceRequest REQUEST =
      Otlp.request(
          List.of(attr("service.name", "svc")),
          Metric.newBuilder()
              .setName("g")
              .setGauge(
                  Gauge.newBuilder()
                      .addDataPoints(
                          NumberDataPoint.newBuilder().setTimeUnixNano(5_000_000L).setAsInt(42)))
              .build());

  // The same request in the OTLP/JSON mapping: camelCase names, int64 as strings, enums as
  // numbers, trace ids in hex.
  static final String JSON =
      """
      {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
       "scopeMetrics":[{"scope":{"name":"s"},"metrics":[{"name":"g","gauge":{"dataPoints":[
        {"timeUnixNano":"5000000","asInt":"42",
         "exemplars":[{"timeUnixNano":"5000000","asDouble":1,"traceId":"000102030405060708090a0b0c0d0e0f","spanId":"0001020304050607"}]}]}}]}]}],
       "someFutureField":true}
      """;

  private final OtlpRequestDecoder decoder = new OtlpRequestDecoder(1 << 20);

  private static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private ExportMetricsServiceRequest decode(byte[] b, String type, String encoding)
      throws Exception {
    return decoder.decode(b, 0, b.length, type, encoding);
  }

  @Test
  void decodesProtobufIdentityAndGzip() throws Exception {
    byte[] pb = REQUEST.toByteArray();
    assertThat(decode(pb, "application/x-protobuf", null)).isEqualTo(REQUEST);
    assertThat(decode(gzip(pb), "application/x-protobuf", "gzip")).isEqualTo(REQUEST);
  }

  @Test
  void decodesJsonWithHexIdsAndUnknownFields() throws Exception {
    byte[] json = JSON.getBytes(StandardCharsets.UTF_8);
    for (ExportMetricsServiceRequest r :
        List.of(
            decode(json, "application/json", ""), decode(gzip(json), "application/json", "gzip"))) {
      NumberDataPoint p =
          r.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getGauge().getDataPoints(0);
      assertThat(p.getAsInt()).isEqualTo(42);
      assertThat(p.getTimeUnixNano()).isEqualTo(5_000_000L);
      assertThat(p.getExemplars(0).getTraceId().toByteArray())
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
      assertThat(p.getExemplars(0).getSpanId().toByteArray())
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
      assertThat(r.getResourceMetrics(0).getResource().getAttributes(0).getValue().getStringValue())
          .isEqualTo("svc");
    }
  }

  @Test
  void refusesOtherContentTypesWithPrometheusMessage() {
    byte[] pb = REQUEST.toByteArray();
    for (String type :
        new String[] {null, "application/protobuf", "application/json; charset=utf-8"}) {
      assertThatThrownBy(() -> decode(pb, type, null))
          .isInstanceOf(OtlpDecodeException.class)
          .hasMessage(
              "unsupported content type: "
                  + (type == null ? "" : type)
                  + ", supported: [application/json, application/x-protobuf]")
          .satisfies(e -> assertThat(((OtlpDecodeException) e).httpStatus()).isEqualTo(400));
    }
  }

  @Test
  void refusesOtherEncodings() {
    byte[] pb = REQUEST.toByteArray();
    assertThatThrownBy(() -> decode(pb, "application/x-protobuf", "snappy"))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessage("unsupported compression: snappy. Only \"gzip\" or no compression supported");
  }

  @Test
  void malformedBodiesAre400WithAClearMessage() {
    byte[] truncated = java.util.Arrays.copyOf(REQUEST.toByteArray(), 10);
    assertThatThrownBy(() -> decode(truncated, "application/x-protobuf", null))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("unmarshal OTLP protobuf: ");
    byte[] json = "{\"resourceMetrics\":[".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> decode(json, "application/json", null))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("unmarshal OTLP JSON: ");
    byte[] notGzip = REQUEST.toByteArray();
    assertThatThrownBy(() -> decode(notGzip, "application/x-protobuf", "gzip"))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("gzip: ");
    byte[] badId =
        JSON.replace("\"spanId\":\"0001020304050607\"", "\"spanId\":\"xyz\"")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> decode(badId, "application/json", null))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessage("unmarshal OTLP JSON: spanId is not hex: xyz");
  }

  @Test
  void inflatedBodyOverTheLimitIs413() throws Exception {
    byte[] big = gzip(new byte[4096]);
    OtlpRequestDecoder small = new OtlpRequestDecoder(1000);
    assertThatThrownBy(() -> small.decode(big, 0, big.length, "application/x-protobuf", "gzip"))
        .isInstanceOf(DecodedBodyTooLargeException.class)
        .satisfies(e -> assertThat(((DecodedBodyTooLargeException) e).httpStatus()).isEqualTo(413));
  }
}
