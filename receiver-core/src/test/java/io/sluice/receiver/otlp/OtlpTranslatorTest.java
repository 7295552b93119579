// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import static io.sluice.receiver.otlp.Otlp.attr;
import static io.sluice.receiver.otlp.Otlp.render;
import static io.sluice.receiver.otlp.Otlp.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The translation of OTLP metrics into Prometheus series. Every expected series is written out by
 * hand from the rules of Thanos' translator ({@code pkg/receive/otlptranslator}: {@code
 * normalize_name.go}, {@code helper.go}, {@code histograms.go}, {@code number_data_points.go}) and
 * {@code prometheus/otlptranslator}'s label namer, not taken from what this code prints.
 */
class OtlpTranslatorTest {
  // 2023-11-14T22:13:20.123456789Z: nanoseconds, and the milliseconds they truncate to.
  private static final long NS = 1_700_000_000_123_456_789L;
  private static final long MS = 1_700_000_000_123L;

  private static final List<KeyValue> SERVICE =
      List.of(
          attr("service.name", "api"),
          attr("service.namespace", "shop"),
          attr("service.instance.id", "i-1"),
          attr("host.name", "h1"));

  private final OtlpTranslator translator = new OtlpTranslator(OtlpSettings.DEFAULTS);

  private static NumberDataPoint.Builder point(double v, KeyValue... attrs) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(NS)
        .setAsDouble(v)
        .addAllAttributes(List.of(attrs));
  }

  private static Metric gauge(String name, String unit, NumberDataPoint.Builder... points) {
    Gauge.Builder g = Gauge.newBuilder();
    for (NumberDataPoint.Builder p : points) {
      g.addDataPoints(p);
    }
    return Metric.newBuilder().setName(name).setUnit(unit).setGauge(g).build();
  }

  private static Metric sum(
      String name,
      String unit,
      boolean monotonic,
      AggregationTemporality t,
      NumberDataPoint.Builder... points) {
    Sum.Builder s = Sum.newBuilder().setIsMonotonic(monotonic).setAggregationTemporality(t);
    for (NumberDataPoint.Builder p : points) {
      s.addDataPoints(p);
    }
    return Metric.newBuilder().setName(name).setUnit(unit).setSum(s).build();
  }

  private static Metric counter(String name, String unit, NumberDataPoint.Builder... points) {
    return sum(name, unit, true, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, points);
  }

  private List<String> translate(ExportMetricsServiceRequest r) throws Exception {
    return render(translator.translate(r).writeRequest());
  }

  @Test
  void counterGetsTotalJobInstanceAndTargetInfo() throws Exception {
    Metric m =
        counter(
            "http.server.requests",
            "{request}",
            NumberDataPoint.newBuilder()
                .setTimeUnixNano(NS)
                .setAsInt(7)
                .addAttributes(attr("http.method", "GET")));

    OtlpTranslator.Translation t = translator.translate(request(SERVICE, m));

    assertThat(render(t.writeRequest()))
        .containsExactly(
            "{__name__=\"http_server_requests_total\", http_method=\"GET\", instance=\"i-1\","
                + " job=\"shop/api\"} "
                + MS
                + "=7.0",
            "{__name__=\"target_info\", host_name=\"h1\", instance=\"i-1\", job=\"shop/api\"} "
                + MS
                + "=1.0");
    assertThat(t.seriesCount()).isEqualTo(2);
    assertThat(t.sampleCount()).isEqualTo(2);
  }

  @Test
  void translationIsARemoteWriteBodyTheDecoderReadsUncompressed() throws Exception {
    OtlpTranslator.Translation t =
        translator.translate(
            request(SERVICE, counter("c", "", point(2)), gauge("g", "", point(3))));

    io.sluice.receiver.decode.RemoteWriteDecoder decoder =
        new io.sluice.receiver.decode.RemoteWriteDecoder(1 << 20);
    io.sluice.receiver.decode.WriteBatch b =
        decoder.decodeUncompressedV1(t.writeRequest(), t.writeRequest().length);

    assertThat(b.seriesCount()).isEqualTo(3).isEqualTo(t.seriesCount());
    assertThat(b.totalSamples()).isEqualTo(3).isEqualTo(t.sampleCount());
    assertThat(b.version()).isEqualTo(io.sluice.receiver.decode.RemoteWriteVersion.V1);
    assertThat(Double.longBitsToDouble(b.sampleValueBits(0, 0))).isEqualTo(2.0);
    assertThat(b.sampleTimestamp(1, 0)).isEqualTo(MS);
  }

  @Test
  void unitsBecomeSuffixes() throws Exception {
    List<KeyValue> res = List.of(attr("service.name", "svc"));
    ExportMetricsServiceRequest r =
        request(
            res,
            gauge("process.uptime", "s", point(1)),
            gauge("net.io", "By/s", point(2)),
            gauge("cpu.utilization", "1", point(3)),
            sum(
                "queue.depth",
                "1",
                false,
                AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                point(4)),
            gauge("request.duration_seconds", "s", point(5)),
            counter("foo.total.count", "", point(6)),
            counter("2xx.responses", "{response}", point(7)),
            gauge("rate", "1/s", point(8)),
            gauge("mem", "MiBy", point(9)),
            gauge("temp", "Cel", point(10)),
            gauge("weird", "m/s{x}", point(11)),
            gauge("odd", "x.y", point(12)));

    assertThat(translate(r))
        .containsExactly(
            "{__name__=\"process_uptime_seconds\", job=\"svc\"} " + MS + "=1.0",
            "{__name__=\"net_io_bytes_per_second\", job=\"svc\"} " + MS + "=2.0",
            "{__name__=\"cpu_utilization_ratio\", job=\"svc\"} " + MS + "=3.0",
            "{__name__=\"queue_depth\", job=\"svc\"} " + MS + "=4.0",
            "{__name__=\"request_duration_seconds\", job=\"svc\"} " + MS + "=5.0",
            "{__name__=\"foo_count_total\", job=\"svc\"} " + MS + "=6.0",
            "{__name__=\"_2xx_responses_total\", job=\"svc\"} " + MS + "=7.0",
            "{__name__=\"rate_per_second\", job=\"svc\"} " + MS + "=8.0",
            "{__name__=\"mem_mebibytes\", job=\"svc\"} " + MS + "=9.0",
            "{__name__=\"temp_celsius\", job=\"svc\"} " + MS + "=10.0",
            "{__name__=\"weird_meters\", job=\"svc\"} " + MS + "=11.0",
            "{__name__=\"odd_x_y\", job=\"svc\"} " + MS + "=12.0");
  }

  @Test
  void labelNamesAreSanitisedAndCollisionsJoined() throws Exception {
    Metric m =
        gauge(
            "g",
            "",
            point(
                1,
                attr("a_b", "2"),
                attr("a.b", "1"),
                attr("9lives", "cat"),
                attr("__meta.x__", "m"),
                attr("k8s.pod..name", "p"),
                attr("n", AnyValue.newBuilder().setIntValue(-3).build()),
                attr("t", AnyValue.newBuilder().setBoolValue(true).build()),
                attr("d", AnyValue.newBuilder().setDoubleValue(0.25).build()),
                attr("big", AnyValue.newBuilder().setDoubleValue(1e21).build()),
                attr("small", AnyValue.newBuilder().setDoubleValue(1e-7).build())));

    assertThat(translate(request(List.of(), m)))
        .containsExactly(
            "{__meta_x__=\"m\", __name__=\"g\", a_b=\"1;2\", big=\"1e+21\", d=\"0.25\","
                + " k8s_pod_name=\"p\", key_9lives=\"cat\", n=\"-3\", small=\"1e-7\", t=\"true\"} "
                + MS
                + "=1.0");
  }

  @Test
  void promotedResourceAttributesYieldToDataPointAttributes() throws Exception {
    OtlpTranslator promoting =
        new OtlpTranslator(
            new OtlpSettings(false, List.of("k8s.namespace.name", "region", "absent")));
    List<KeyValue> res =
        List.of(
            attr("service.name", "api"),
            attr("k8s.namespace.name", "prod"),
            attr("region", "from-resource"));
    Metric m = gauge("g", "", point(1, attr("region", "from-point")));

    assertThat(render(promoting.translate(request(res, m)).writeRequest()))
        .containsExactly(
            "{__name__=\"g\", job=\"api\", k8s_namespace_name=\"prod\", region=\"from-point\"} "
                + MS
                + "=1.0");
  }

  @Test
  void targetInfoNeedsNonIdentifyingAttributesAndAnIdentifierAndCanBeTurnedOff() throws Exception {
    Metric m = gauge("g", "", point(1));
    // Only identifying attributes: no target_info.
    assertThat(translate(request(List.of(attr("service.name", "a")), m)))
        .containsExactly("{__name__=\"g\", job=\"a\"} " + MS + "=1.0");
    // No service.name nor service.instance.id: no job, no instance, no target_info.
    assertThat(translate(request(List.of(attr("host.name", "h")), m)))
        .containsExactly("{__name__=\"g\"} " + MS + "=1.0");
    // Turned off.
    OtlpTranslator off = new OtlpTranslator(new OtlpSettings(false, List.of()));
    assertThat(render(off.translate(request(SERVICE, m)).writeRequest()))
        .containsExactly("{__name__=\"g\", instance=\"i-1\", job=\"shop/api\"} " + MS + "=1.0");
  }

  @Test
  void theFirstOfRepeatedServiceAttributesNamesTheJob() throws Exception {
    List<KeyValue> res = List.of(attr("service.name", "first"), attr("service.name", "second"));
    assertThat(translate(request(res, gauge("g", "", point(1)))))
        .containsExactly("{__name__=\"g\", job=\"first\"} " + MS + "=1.0");
  }

  @Test
  void targetInfoTakesTheLatestTimestampOfTheResource() throws Exception {
    Metric early = gauge("a", "", point(1).setTimeUnixNano(1_000_000_000L));
    Metric late = gauge("b", "", point(2).setTimeUnixNano(5_000_000_000L));
    assertThat(translate(request(List.of(attr("service.name", "s"), attr("x", "y")), early, late)))
        .containsExactly(
            "{__name__=\"a\", job=\"s\"} 1000=1.0",
            "{__name__=\"b\", job=\"s\"} 5000=2.0",
            "{__name__=\"target_info\", job=\"s\", x=\"y\"} 5000=1.0");
  }

  @Test
  void explicitHistogramBecomesCumulativeBucketsSumAndCount() throws Exception {
    Metric m =
        Metric.newBuilder()
            .setName("http.server.duration")
            .setUnit("ms")
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(NS)
                            .addAttributes(attr("route", "/x"))
                            .setCount(10)
                            .setSum(12.5)
                            .addAllExplicitBounds(List.of(0.5, 1.0, 100.0))
                            .addAllBucketCounts(List.of(1L, 2L, 3L, 4L))))
            .build();

    assertThat(translate(request(List.of(), m)))
        .containsExactly(
            "{__name__=\"http_server_duration_milliseconds_sum\", route=\"/x\"} " + MS + "=12.5",
            "{__name__=\"http_server_duration_milliseconds_count\", route=\"/x\"} " + MS + "=10.0",
            "{__name__=\"http_server_duration_milliseconds_bucket\", le=\"0.5\", route=\"/x\"} "
                + MS
                + "=1.0",
            "{__name__=\"http_server_duration_milliseconds_bucket\", le=\"1\", route=\"/x\"} "
                + MS
                + "=3.0",
            "{__name__=\"http_server_duration_milliseconds_bucket\", le=\"100\", route=\"/x\"} "
                + MS
                + "=6.0",
            "{__name__=\"http_server_duration_milliseconds_bucket\", le=\"+Inf\", route=\"/x\"} "
                + MS
                + "=10.0");
  }

  @Test
  void summaryBecomesQuantilesSumAndCount() throws Exception {
    Metric m =
        Metric.newBuilder()
            .setName("rpc.latency")
            .setUnit("s")
            .setSummary(
                Summary.newBuilder()
                    .addDataPoints(
                        SummaryDataPoint.newBuilder()
                            .setTimeUnixNano(NS)
                            .setCount(4)
                            .setSum(2.0)
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0.5)
                                    .setValue(0.4))
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0.99)
                                    .setValue(0.9))))
            .build();

    assertThat(translate(request(List.of(), m)))
        .containsExactly(
            "{__name__=\"rpc_latency_seconds_sum\"} " + MS + "=2.0",
            "{__name__=\"rpc_latency_seconds_count\"} " + MS + "=4.0",
            "{__name__=\"rpc_latency_seconds\", quantile=\"0.5\"} " + MS + "=0.4",
            "{__name__=\"rpc_latency_seconds\", quantile=\"0.99\"} " + MS + "=0.9");
  }

  @Test
  void noRecordedValueBecomesTheStaleMarker() throws Exception {
    Metric m =
        gauge(
            "g",
            "",
            point(5).setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE));

    RemoteWrite.WriteRequest w =
        RemoteWrite.WriteRequest.parseFrom(
            translator.translate(request(List.of(), m)).writeRequest());

    long bits = Double.doubleToRawLongBits(w.getTimeseries(0).getSamples(0).getValue());
    assertThat(bits).isEqualTo(0x7ff0000000000002L);
  }

  @Test
  void pointsWithTheSameLabelsAreSamplesOfOneSeries() throws Exception {
    Metric m =
        gauge(
            "g",
            "",
            point(1).setTimeUnixNano(1_000_000_000L),
            point(2).setTimeUnixNano(2_000_000_000L));
    assertThat(translate(request(List.of(), m)))
        .containsExactly("{__name__=\"g\"} 1000=1.0 2000=2.0");
  }

  @Test
  void deltaTemporalityIsRejectedWithThanosMessage() {
    Metric delta =
        sum("d", "", true, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, point(1));
    assertThatThrownBy(() -> translator.translate(request(List.of(), delta)))
        .isInstanceOf(OtlpTranslationException.class)
        .hasMessage("invalid temporality for metric \"d\"")
        .satisfies(e -> assertThat(((OtlpTranslationException) e).httpStatus()).isEqualTo(400));

    Metric empty = Metric.newBuilder().setName("e").setGauge(Gauge.getDefaultInstance()).build();
    assertThatThrownBy(() -> translator.translate(request(List.of(), delta, empty)))
        .hasMessage(
            "2 errors: invalid temporality for metric \"d\"; empty data points. e is dropped");
  }

  @Test
  void unnamableAttributeKeyIsAnError() {
    Metric m = gauge("g", "", point(1, attr("ようこそ", "x")));
    assertThatThrownBy(() -> translator.translate(request(List.of(), m)))
        .isInstanceOf(OtlpTranslationException.class)
        .hasMessage(
            "invalid label name: \"ようこそ\": normalization for label name \"ようこそ\" resulted in"
                + " invalid name \"_\"");
  }

  @Test
  void sumExemplarsCarryTraceAndSpanIdsInHex() throws Exception {
    byte[] trace = new byte[16];
    trace[15] = 0x0f;
    byte[] span = {0, 1, 2, 3, 4, 5, 6, (byte) 0xab};
    Metric m =
        counter(
            "c",
            "",
            point(3)
                .addExemplars(
                    Exemplar.newBuilder()
                        .setTimeUnixNano(NS)
                        .setAsDouble(3)
                        .setTraceId(ByteString.copyFrom(trace))
                        .setSpanId(ByteString.copyFrom(span))
                        .addFilteredAttributes(attr("user", "u1"))));

    RemoteWrite.Exemplar e =
        RemoteWrite.WriteRequest.parseFrom(
                translator.translate(request(List.of(), m)).writeRequest())
            .getTimeseries(0)
            .getExemplars(0);

    assertThat(e.getValue()).isEqualTo(3.0);
    assertThat(e.getTimestamp()).isEqualTo(MS);
    assertThat(e.getLabelsList())
        .extracting(l -> l.getName() + "=" + l.getValue())
        .containsExactly(
            "trace_id=0000000000000000000000000000000f", "span_id=00010203040506ab", "user=u1");
  }

  @Test
  void histogramExemplarsGoToTheFirstBucketThatHoldsTheirValue() throws Exception {
    Metric m =
        Metric.newBuilder()
            .setName("h")
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(NS)
                            .setCount(3)
                            .addAllExplicitBounds(List.of(1.0, 5.0))
                            .addAllBucketCounts(List.of(1L, 1L, 1L))
                            .addExemplars(Exemplar.newBuilder().setTimeUnixNano(NS).setAsDouble(3))
                            .addExemplars(Exemplar.newBuilder().setTimeUnixNano(NS).setAsInt(10))))
            .build();

    RemoteWrite.WriteRequest w =
        RemoteWrite.WriteRequest.parseFrom(
            translator.translate(request(List.of(), m)).writeRequest());

    java.util.Map<String, List<Double>> byLe = new java.util.TreeMap<>();
    for (RemoteWrite.TimeSeries ts : w.getTimeseriesList()) {
      for (RemoteWrite.Label l : ts.getLabelsList()) {
        if (l.getName().equals("le")) {
          byLe.put(
              l.getValue(),
              ts.getExemplarsList().stream().map(RemoteWrite.Exemplar::getValue).toList());
        }
      }
    }
    assertThat(byLe)
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("1", List.of(), "5", List.of(3.0), "+Inf", List.of(10.0)));
  }

  @Test
  void arrayAndMapAttributesAreWrittenAsGoJson() throws Exception {
    AnyValue array =
        AnyValue.newBuilder()
            .setArrayValue(
                io.opentelemetry.proto.common.v1.ArrayValue.newBuilder()
                    .addValues(AnyValue.newBuilder().setStringValue("a<b"))
                    .addValues(AnyValue.newBuilder().setIntValue(2)))
            .build();
    AnyValue map =
        AnyValue.newBuilder()
            .setKvlistValue(
                io.opentelemetry.proto.common.v1.KeyValueList.newBuilder()
                    .addValues(attr("z", "1"))
                    .addValues(attr("a", AnyValue.newBuilder().setBoolValue(false).build())))
            .build();
    Metric m = gauge("g", "", point(1, attr("arr", array), attr("map", map)));
    assertThat(translate(request(List.of(), m)))
        .containsExactly(
            "{__name__=\"g\", arr=\"[\"a\\u003cb\",2]\", map=\"{\"a\":false,\"z\":\"1\"}\"} "
                + MS
                + "=1.0");
  }

  private static Metric expHistogram(ExponentialHistogramDataPoint.Builder p) {
    return Metric.newBuilder()
        .setName("latency")
        .setUnit("s")
        .setExponentialHistogram(
            ExponentialHistogram.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(p))
        .build();
  }

  private RemoteWrite.TimeSeries onlySeries(Metric m) throws Exception {
    RemoteWrite.WriteRequest w =
        RemoteWrite.WriteRequest.parseFrom(
            translator.translate(request(List.of(), m)).writeRequest());
    assertThat(w.getTimeseriesCount()).isEqualTo(1);
    return w.getTimeseries(0);
  }

  private static ExponentialHistogramDataPoint.Buckets buckets(int offset, long... counts) {
    ExponentialHistogramDataPoint.Buckets.Builder b =
        ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(offset);
    for (long c : counts) {
      b.addBucketCounts(c);
    }
    return b.build();
  }

  private static List<String> spans(List<RemoteWrite.BucketSpan> spans) {
    return spans.stream().map(s -> s.getOffset() + ":" + s.getLength()).toList();
  }

  @Test
  void exponentialHistogramBecomesANativeHistogram() throws Exception {
    Metric m =
        expHistogram(
            ExponentialHistogramDataPoint.newBuilder()
                .setTimeUnixNano(NS)
                .setScale(3)
                .setCount(9)
                .setSum(4.5)
                .setZeroCount(1)
                .setZeroThreshold(0.001)
                // OTLP buckets 0 and 4 (values in (2^(k/8), 2^((k+1)/8)]): Prometheus 1 and 5.
                .setPositive(buckets(0, 1, 0, 0, 0, 2))
                .setNegative(buckets(-2, 5)));

    RemoteWrite.TimeSeries ts = onlySeries(m);

    assertThat(ts.getLabelsList())
        .extracting(l -> l.getName() + "=" + l.getValue())
        .containsExactly("__name__=latency_seconds");
    assertThat(ts.getSamplesCount()).isZero();
    RemoteWrite.Histogram h = ts.getHistograms(0);
    assertThat(h.getSchema()).isEqualTo(3);
    assertThat(h.getCountInt()).isEqualTo(9);
    assertThat(h.getSum()).isEqualTo(4.5);
    assertThat(h.getZeroCountInt()).isEqualTo(1);
    // OTLP's zero threshold is not carried over: Prometheus' default.
    assertThat(h.getZeroThreshold()).isEqualTo(1e-128);
    assertThat(h.getTimestamp()).isEqualTo(MS);
    assertThat(h.getResetHint()).isEqualTo(RemoteWrite.Histogram.ResetHint.UNKNOWN);
    // Indexes 1 and 5: a gap of 3 starts a new span.
    assertThat(spans(h.getPositiveSpansList())).containsExactly("1:1", "3:1");
    assertThat(h.getPositiveDeltasList()).containsExactly(1L, 1L);
    assertThat(spans(h.getNegativeSpansList())).containsExactly("-1:1");
    assertThat(h.getNegativeDeltasList()).containsExactly(5L);
  }

  @Test
  void shortGapsStayInsideASpanAsZeroDeltas() throws Exception {
    Metric m =
        expHistogram(
            ExponentialHistogramDataPoint.newBuilder()
                .setTimeUnixNano(NS)
                .setScale(0)
                .setCount(7)
                .setPositive(buckets(2, 3, 0, 0, 4)));
    RemoteWrite.Histogram h = onlySeries(m).getHistograms(0);
    // Indexes 3..6 hold 3, 0, 0, 4: a gap of two stays inside the span.
    assertThat(spans(h.getPositiveSpansList())).containsExactly("3:4");
    assertThat(h.getPositiveDeltasList()).containsExactly(3L, -3L, 0L, 4L);
  }

  @Test
  void scalesAbove8AreMergedDownTo8() throws Exception {
    Metric m =
        expHistogram(
            ExponentialHistogramDataPoint.newBuilder()
                .setTimeUnixNano(NS)
                .setScale(9)
                .setCount(10)
                .setPositive(buckets(0, 1, 2, 3, 4)));
    RemoteWrite.Histogram h = onlySeries(m).getHistograms(0);
    // Scale 9 buckets 0,1 are scale 8 bucket 0 (Prometheus 1); 2,3 are bucket 1 (Prometheus 2).
    assertThat(h.getSchema()).isEqualTo(8);
    assertThat(spans(h.getPositiveSpansList())).containsExactly("1:2");
    assertThat(h.getPositiveDeltasList()).containsExactly(3L, 4L);
  }

  @Test
  void staleExponentialHistogramAndScaleBelowMinus4() throws Exception {
    Metric stale =
        expHistogram(
            ExponentialHistogramDataPoint.newBuilder()
                .setTimeUnixNano(NS)
                .setCount(3)
                .setSum(1)
                .setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE));
    RemoteWrite.Histogram h = onlySeries(stale).getHistograms(0);
    assertThat(Double.doubleToRawLongBits(h.getSum())).isEqualTo(0x7ff0000000000002L);
    assertThat(h.getCountInt()).isEqualTo(0x7ff0000000000002L);

    Metric coarse =
        expHistogram(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(NS).setScale(-5));
    assertThatThrownBy(() -> translator.translate(request(List.of(), coarse)))
        .hasMessage("cannot convert exponential to native histogram. Scale must be >= -4, was -5");
  }
}
