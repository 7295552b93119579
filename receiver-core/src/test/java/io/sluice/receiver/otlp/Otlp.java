// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import java.util.ArrayList;
import java.util.List;

/** Builds OTLP requests and renders translated series for the tests. */
final class Otlp {
  private Otlp() {}

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue attr(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  static ExportMetricsServiceRequest request(List<KeyValue> resource, Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(resourceMetrics(resource, metrics))
        .build();
  }

  static ResourceMetrics resourceMetrics(List<KeyValue> resource, Metric... metrics) {
    return ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAllAttributes(resource))
        .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(List.of(metrics)))
        .build();
  }

  /** Each series as {@code {a="b", ...} ts=value ...}, labels in the order written. */
  static List<String> render(byte[] writeRequest) throws Exception {
    List<String> out = new ArrayList<>();
    for (RemoteWrite.TimeSeries ts :
        RemoteWrite.WriteRequest.parseFrom(writeRequest).getTimeseriesList()) {
      StringBuilder b = new StringBuilder("{");
      for (int i = 0; i < ts.getLabelsCount(); i++) {
        if (i > 0) {
          b.append(", ");
        }
        b.append(ts.getLabels(i).getName())
            .append("=\"")
            .append(ts.getLabels(i).getValue())
            .append('"');
      }
      b.append('}');
      for (RemoteWrite.Sample s : ts.getSamplesList()) {
        b.append(' ').append(s.getTimestamp()).append('=').append(s.getValue());
      }
      out.add(b.toString());
    }
    return out;
  }
}
