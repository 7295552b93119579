// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.relabel.GoQuote;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Translates an OTLP metrics export request into a Prometheus remote-write 1.0 {@code
 * WriteRequest}, as Thanos receive does on {@code /api/v1/otlp} (its translator in {@code
 * pkg/receive/otlptranslator}, a copy of Prometheus' with Thanos' label types; metric suffixes on,
 * UTF-8 off). The result is the uncompressed body, so that the remote-write path decodes, limits,
 * relabels, replicates and stores it as it does any other.
 *
 * <p>Per metric, with its Prometheus name from {@link MetricNamer}:
 *
 * <ul>
 *   <li>gauge and sum: one series per data point's labels, value as double (integers converted); a
 *       sum's exemplars go with it;
 *   <li>histogram (explicit buckets): {@code _sum} (when present), {@code _count}, cumulative
 *       {@code _bucket{le="<bound>"}} for each bound and {@code le="+Inf"} with the count; each
 *       exemplar goes to the first bucket whose bound is at least its value;
 *   <li>summary: {@code _sum}, {@code _count} and {@code {quantile="<q>"}} per quantile;
 *   <li>exponential histogram: a native histogram ({@link ExponentialHistograms});
 *   <li>a sum or histogram whose temporality is not cumulative (delta) is an error: Thanos rejects
 *       it, it does not convert it.
 * </ul>
 *
 * <p>Labels of a data point ({@link #labels}): its attributes with names from {@link LabelNamer}
 * (attributes whose names sanitise alike are joined with {@code ;}, in the order of their original
 * keys), promoted resource attributes that no attribute took, {@code job} from {@code
 * service.namespace/service.name} and {@code instance} from {@code service.instance.id}, then
 * {@code __name__}. Timestamps are nanoseconds divided to milliseconds; a point flagged {@code
 * NoRecordedValue} gets Prometheus' stale NaN. Points with the same labels become samples of one
 * series.
 *
 * <p>Per resource, unless disabled: {@code target_info} = 1 at the latest timestamp of its metrics,
 * carrying its attributes other than {@code service.namespace}, {@code service.name} and {@code
 * service.instance.id} as labels (with {@code job} and {@code instance}), when it has such
 * attributes and a {@code job} or {@code instance}. Scope attributes are not used.
 *
 * <p>Errors (invalid temporality, empty data points, an unset metric type, an attribute key without
 * a label name, an unconvertible histogram, an exemplar without a value) are gathered as Thanos
 * gathers them; any error fails the whole request ({@link OtlpTranslationException}, 400), as
 * Thanos' handler does.
 *
 * <p>Thread-safe (stateless between calls). Allocates per data point: this path favours matching
 * Thanos over the zero-allocation rules of the remote-write decoder.
 */
public final class OtlpTranslator {
  private static final String SERVICE_NAME = "service.name";
  private static final String SERVICE_NAMESPACE = "service.namespace";
  private static final String SERVICE_INSTANCE_ID = "service.instance.id";
  private static final Set<String> IDENTIFYING =
      Set.of(SERVICE_NAMESPACE, SERVICE_NAME, SERVICE_INSTANCE_ID);
  private static final String NAME = "__name__";
  private static final HexFormat HEX = HexFormat.of();

  private final OtlpSettings settings;

  /**
   * @param settings the translation settings
   */
  public OtlpTranslator(OtlpSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The translated request. */
  public record Translation(byte[] writeRequest, int seriesCount, int sampleCount) {}

  /**
   * Translates {@code request}.
   *
   * @return the remote-write 1.0 request body, uncompressed, and its series and float sample counts
   * @throws OtlpTranslationException when any metric could not be translated, with Thanos' message
   */
  public Translation translate(ExportMetricsServiceRequest request)
      throws OtlpTranslationException {
    SeriesSet out = new SeriesSet();
    List<String> errors = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      List<KeyValue> resource = rm.getResource().getAttributesList();
      long mostRecent = 0;
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          mostRecent = Long.compareUnsigned(mostRecent, latest(m)) >= 0 ? mostRecent : latest(m);
          if (!cumulativeOrNone(m)) {
            errors.add("invalid temporality for metric " + GoQuote.quote(m.getName()));
            continue;
          }
          try {
            metric(m, resource, out);
          } catch (TranslationError e) {
            errors.add(e.getMessage());
          }
        }
      }
      targetInfo(resource, mostRecent, out);
    }
    if (!errors.isEmpty()) {
      throw new OtlpTranslationException(
          errors.size() == 1
              ? errors.get(0)
              : errors.size() + " errors: " + String.join("; ", errors));
    }
    return new Translation(out.toWriteRequest(), out.seriesCount(), out.sampleCount());
  }

  // ---- Metrics ----

  private void metric(Metric m, List<KeyValue> resource, SeriesSet out) throws TranslationError {
    switch (m.getDataCase()) {
      case GAUGE -> {
        String name = MetricNamer.name(m.getName(), m.getUnit(), MetricNamer.Kind.GAUGE);
        requirePoints(m, m.getGauge().getDataPointsCount());
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          out.sample(labels(resource, p.getAttributesList(), null, name), number(p));
        }
      }
      case SUM -> {
        MetricNamer.Kind kind =
            m.getSum().getIsMonotonic()
                ? MetricNamer.Kind.MONOTONIC_SUM
                : MetricNamer.Kind.NON_MONOTONIC_SUM;
        String name = MetricNamer.name(m.getName(), m.getUnit(), kind);
        requirePoints(m, m.getSum().getDataPointsCount());
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          List<String[]> labels = labels(resource, p.getAttributesList(), null, name);
          SeriesSet.Series s = out.sample(labels, number(p));
          for (Exemplar e : p.getExemplarsList()) {
            s.exemplar(exemplar(e));
          }
        }
      }
      case HISTOGRAM -> {
        String name = MetricNamer.name(m.getName(), m.getUnit(), MetricNamer.Kind.OTHER);
        requirePoints(m, m.getHistogram().getDataPointsCount());
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          histogram(p, resource, name, out);
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        String name = MetricNamer.name(m.getName(), m.getUnit(), MetricNamer.Kind.OTHER);
        requirePoints(m, m.getExponentialHistogram().getDataPointsCount());
        for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
          RemoteWrite.Histogram h;
          try {
            h = ExponentialHistograms.toNative(p);
          } catch (ExponentialHistograms.UnconvertibleException e) {
            throw new TranslationError(e.getMessage());
          }
          SeriesSet.Series s = out.series(labels(resource, p.getAttributesList(), null, name));
          s.histogram(h);
          for (Exemplar e : p.getExemplarsList()) {
            s.exemplar(exemplar(e));
          }
        }
      }
      case SUMMARY -> {
        String name = MetricNamer.name(m.getName(), m.getUnit(), MetricNamer.Kind.OTHER);
        requirePoints(m, m.getSummary().getDataPointsCount());
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          summary(p, resource, name, out);
        }
      }
      case DATA_NOT_SET -> throw new TranslationError("unsupported metric type");
    }
  }

  private static void requirePoints(Metric m, int count) throws TranslationError {
    if (count == 0) {
      throw new TranslationError("empty data points. " + m.getName() + " is dropped");
    }
  }

  private void histogram(HistogramDataPoint p, List<KeyValue> resource, String name, SeriesSet out)
      throws TranslationError {
    long ts = millis(p.getTimeUnixNano());
    boolean stale = stale(p.getFlags());
    List<String[]> base = labels(resource, p.getAttributesList(), null, null);
    if (p.hasSum()) {
      out.sample(withName(base, name + "_sum"), ts, stale ? staleNaN() : p.getSum());
    }
    out.sample(withName(base, name + "_count"), ts, stale ? staleNaN() : (double) count(p));
    int n = Math.min(p.getExplicitBoundsCount(), p.getBucketCountsCount());
    List<SeriesSet.Series> buckets = new ArrayList<>(n + 1);
    List<Double> bounds = new ArrayList<>(n + 1);
    long cumulative = 0;
    for (int i = 0; i < n; i++) {
      double bound = p.getExplicitBounds(i);
      cumulative += p.getBucketCounts(i);
      double v = stale ? staleNaN() : unsigned(cumulative);
      buckets.add(out.sample(withName(base, name + "_bucket", "le", GoFloats.plain(bound)), ts, v));
      bounds.add(bound);
    }
    double inf = stale ? staleNaN() : (double) count(p);
    buckets.add(out.sample(withName(base, name + "_bucket", "le", "+Inf"), ts, inf));
    bounds.add(Double.POSITIVE_INFINITY);
    if (p.getExemplarsCount() > 0) {
      Integer[] order = new Integer[bounds.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> Double.compare(bounds.get(a), bounds.get(b)));
      for (Exemplar e : p.getExemplarsList()) {
        RemoteWrite.Exemplar ex = exemplar(e);
        for (int i : order) {
          if (ex.getValue() <= bounds.get(i)) {
            buckets.get(i).exemplar(ex);
            break;
          }
        }
      }
    }
  }

  private void summary(SummaryDataPoint p, List<KeyValue> resource, String name, SeriesSet out)
      throws TranslationError {
    long ts = millis(p.getTimeUnixNano());
    boolean stale = stale(p.getFlags());
    List<String[]> base = labels(resource, p.getAttributesList(), null, null);
    out.sample(withName(base, name + "_sum"), ts, stale ? staleNaN() : p.getSum());
    out.sample(withName(base, name + "_count"), ts, stale ? staleNaN() : unsigned(p.getCount()));
    for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
      out.sample(
          withName(base, name, "quantile", GoFloats.plain(q.getQuantile())),
          ts,
          stale ? staleNaN() : q.getValue());
    }
  }

  private static double count(HistogramDataPoint p) {
    return unsigned(p.getCount());
  }

  // Go's float64(uint64).
  private static double unsigned(long v) {
    return v >= 0 ? (double) v : ((double) (v >>> 1)) * 2.0 + (v & 1);
  }

  // ---- Labels ----

  /**
   * Thanos' {@code createAttributes}: the labels of one data point, unsorted.
   *
   * @param ignore attribute keys left out (the identifying ones, for {@code target_info}); null
   * @param name the {@code __name__} to set last; null for none (histograms and summaries name
   *     their series themselves)
   */
  private List<String[]> labels(
      List<KeyValue> resource, List<KeyValue> attributes, Set<String> ignore, String name)
      throws TranslationError {
    return labels(resource, attributes, ignore, name, settings.promoteResourceAttributes());
  }

  private static List<String[]> labels(
      List<KeyValue> resource,
      List<KeyValue> attributes,
      Set<String> ignore,
      String name,
      List<String> promote)
      throws TranslationError {
    String serviceName = null;
    String serviceNamespace = null;
    String instance = null;
    // The first of repeated keys counts, as pcommon.Map.Get finds it.
    for (KeyValue kv : resource) {
      switch (kv.getKey()) {
        case SERVICE_NAME -> {
          if (serviceName == null) {
            serviceName = AttributeValues.asString(kv.getValue());
          }
        }
        case SERVICE_NAMESPACE -> {
          if (serviceNamespace == null) {
            serviceNamespace = AttributeValues.asString(kv.getValue());
          }
        }
        case SERVICE_INSTANCE_ID -> {
          if (instance == null) {
            instance = AttributeValues.asString(kv.getValue());
          }
        }
        default -> {}
      }
    }
    List<String[]> promoted = new ArrayList<>();
    for (String p : promote) {
      for (KeyValue kv : resource) {
        if (kv.getKey().equals(p)) {
          promoted.add(new String[] {p, AttributeValues.asString(kv.getValue())});
          break;
        }
      }
    }
    promoted.sort((a, b) -> a[0].compareTo(b[0]));
    List<String[]> raw = new ArrayList<>(attributes.size());
    for (KeyValue kv : attributes) {
      if (ignore == null || !ignore.contains(kv.getKey())) {
        raw.add(new String[] {kv.getKey(), AttributeValues.asString(kv.getValue())});
      }
    }
    // Stable: attributes whose names sanitise alike are joined in the order of their keys.
    raw.sort((a, b) -> a[0].compareTo(b[0]));
    java.util.LinkedHashMap<String, String> l = new java.util.LinkedHashMap<>();
    for (String[] a : raw) {
      String key;
      try {
        key = LabelNamer.build(a[0]);
      } catch (LabelNamer.InvalidLabelNameException e) {
        throw new TranslationError(
            "invalid label name: " + GoQuote.quote(a[0]) + ": " + e.getMessage());
      }
      l.merge(key, a[1], (old, v) -> old + ";" + v);
    }
    for (String[] p : promoted) {
      String key;
      try {
        key = LabelNamer.build(p[0]);
      } catch (LabelNamer.InvalidLabelNameException e) {
        throw new TranslationError(
            "invalid promoted resource attribute name: "
                + GoQuote.quote(p[0])
                + ": "
                + e.getMessage());
      }
      l.putIfAbsent(key, p[1]);
    }
    if (serviceName != null) {
      l.put("job", serviceNamespace == null ? serviceName : serviceNamespace + "/" + serviceName);
    }
    if (instance != null) {
      l.put("instance", instance);
    }
    if (name != null) {
      l.put(NAME, name);
    }
    List<String[]> labels = new ArrayList<>(l.size() + 2);
    l.forEach((k, v) -> labels.add(new String[] {k, v}));
    return labels;
  }

  // Thanos' createLabels: the base labels, then the extra pair, then __name__ (no deduplication).
  private static List<String[]> withName(List<String[]> base, String name, String... extra) {
    List<String[]> labels = new ArrayList<>(base.size() + 2);
    labels.addAll(base);
    if (extra.length == 2) {
      labels.add(new String[] {extra[0], extra[1]});
    }
    labels.add(new String[] {NAME, name});
    return labels;
  }

  private void targetInfo(List<KeyValue> resource, long timestamp, SeriesSet out) {
    if (!settings.targetInfo() || timestamp == 0) {
      return;
    }
    int nonIdentifying = 0;
    for (KeyValue kv : resource) {
      if (!IDENTIFYING.contains(kv.getKey())) {
        nonIdentifying++;
      }
    }
    if (nonIdentifying == 0) {
      return;
    }
    List<String[]> labels;
    try {
      labels = labels(resource, resource, IDENTIFYING, "target_info", List.of());
    } catch (TranslationError e) {
      // Thanos leaves target_info out of a resource with an attribute it cannot name.
      return;
    }
    boolean identified = false;
    for (String[] l : labels) {
      identified |= l[0].equals("job") || l[0].equals("instance");
    }
    if (identified) {
      out.sample(labels, millis(timestamp), 1.0);
    }
  }

  // ---- Values ----

  private static SeriesSet.Sample number(NumberDataPoint p) {
    double v =
        switch (p.getValueCase()) {
          case AS_INT -> (double) p.getAsInt();
          case AS_DOUBLE -> p.getAsDouble();
          case VALUE_NOT_SET -> 0;
        };
    if (stale(p.getFlags())) {
      v = staleNaN();
    }
    return new SeriesSet.Sample(millis(p.getTimeUnixNano()), v);
  }

  private static RemoteWrite.Exemplar exemplar(Exemplar e) throws TranslationError {
    RemoteWrite.Exemplar.Builder b =
        RemoteWrite.Exemplar.newBuilder().setTimestamp(millis(e.getTimeUnixNano()));
    switch (e.getValueCase()) {
      case AS_INT -> b.setValue((double) e.getAsInt());
      case AS_DOUBLE -> b.setValue(e.getAsDouble());
      case VALUE_NOT_SET -> throw new TranslationError("unsupported exemplar value type: Empty");
    }
    int runes = 0;
    if (!isZero(e.getTraceId().toByteArray())) {
      String v = HEX.formatHex(e.getTraceId().toByteArray());
      runes += "trace_id".length() + v.length();
      b.addLabels(label("trace_id", v));
    }
    if (!isZero(e.getSpanId().toByteArray())) {
      String v = HEX.formatHex(e.getSpanId().toByteArray());
      runes += "span_id".length() + v.length();
      b.addLabels(label("span_id", v));
    }
    List<RemoteWrite.Label> attrs = new ArrayList<>();
    for (KeyValue kv : e.getFilteredAttributesList()) {
      String v = AttributeValues.asString(kv.getValue());
      runes += kv.getKey().codePointCount(0, kv.getKey().length()) + v.codePoints().count();
      attrs.add(label(kv.getKey(), v));
    }
    // Prometheus' exemplar label limit: the attributes only go with the ids when all fit.
    if (runes <= 128) {
      b.addAllLabels(attrs);
    }
    return b.build();
  }

  private static boolean isZero(byte[] id) {
    for (byte x : id) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  static RemoteWrite.Label label(String name, String value) {
    return RemoteWrite.Label.newBuilder().setName(name).setValue(value).build();
  }

  private static boolean stale(int flags) {
    return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
  }

  private static double staleNaN() {
    return Double.longBitsToDouble(ExponentialHistograms.STALE_NAN_BITS);
  }

  /** OTLP's nanoseconds (fixed64) as Prometheus' milliseconds, as Go's {@code int64(t)/1e6}. */
  static long millis(long unixNanos) {
    return unixNanos / 1_000_000;
  }

  // ---- Temporality and timestamps ----

  private static boolean cumulativeOrNone(Metric m) {
    return switch (m.getDataCase()) {
      case SUM -> cumulative(m.getSum().getAggregationTemporality());
      case HISTOGRAM -> cumulative(m.getHistogram().getAggregationTemporality());
      case EXPONENTIAL_HISTOGRAM ->
          cumulative(m.getExponentialHistogram().getAggregationTemporality());
      case GAUGE, SUMMARY -> true;
      case DATA_NOT_SET -> false;
    };
  }

  private static boolean cumulative(AggregationTemporality t) {
    return t == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
  }

  private static long latest(Metric m) {
    long ts = 0;
    switch (m.getDataCase()) {
      case GAUGE -> {
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          ts = maxUnsigned(ts, p.getTimeUnixNano());
        }
      }
      case SUM -> {
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          ts = maxUnsigned(ts, p.getTimeUnixNano());
        }
      }
      case HISTOGRAM -> {
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          ts = maxUnsigned(ts, p.getTimeUnixNano());
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
          ts = maxUnsigned(ts, p.getTimeUnixNano());
        }
      }
      case SUMMARY -> {
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          ts = maxUnsigned(ts, p.getTimeUnixNano());
        }
      }
      case DATA_NOT_SET -> {}
    }
    return ts;
  }

  private static long maxUnsigned(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }

  /** One metric's failure, gathered into the request's error. */
  private static final class TranslationError extends Exception {
    private static final long serialVersionUID = 1L;

    TranslationError(String message) {
      super(message, null, false, false);
    }
  }
}
