// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The series a translation produces, in the order they first appear: data points with the same
 * labels become samples (or histograms) of one series, as the translator's {@code
 * getOrCreateTimeSeries} merges them. Labels are sorted by name when a series is looked up, so the
 * written series carry sorted labels, as remote write wants. Not thread-safe.
 */
final class SeriesSet {
  private final Map<List<String>, Series> series = new LinkedHashMap<>();
  private int samples;

  /** A float sample. */
  record Sample(long timestamp, double value) {}

  /** One series being built. */
  final class Series {
    private final RemoteWrite.TimeSeries.Builder b;

    private Series(List<String[]> labels) {
      b = RemoteWrite.TimeSeries.newBuilder();
      for (String[] l : labels) {
        b.addLabels(OtlpTranslator.label(l[0], l[1]));
      }
    }

    void histogram(RemoteWrite.Histogram h) {
      b.addHistograms(h);
    }

    void exemplar(RemoteWrite.Exemplar e) {
      b.addExemplars(e);
    }
  }

  /** {@return the series of {@code labels}, created if new} (sorts {@code labels}) */
  Series series(List<String[]> labels) {
    labels.sort((x, y) -> x[0].compareTo(y[0]));
    List<String> key = new java.util.ArrayList<>(labels.size() * 2);
    for (String[] l : labels) {
      key.add(l[0]);
      key.add(l[1]);
    }
    return series.computeIfAbsent(key, k -> new Series(labels));
  }

  Series sample(List<String[]> labels, Sample s) {
    return sample(labels, s.timestamp(), s.value());
  }

  Series sample(List<String[]> labels, long timestamp, double value) {
    Series s = series(labels);
    s.b.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(timestamp).setValue(value));
    samples++;
    return s;
  }

  int seriesCount() {
    return series.size();
  }

  int sampleCount() {
    return samples;
  }

  /** {@return the series as a serialized remote-write 1.0 {@code WriteRequest}} */
  byte[] toWriteRequest() {
    RemoteWrite.WriteRequest.Builder w = RemoteWrite.WriteRequest.newBuilder();
    for (Series s : series.values()) {
      w.addTimeseries(s.b);
    }
    return w.build().toByteArray();
  }
}
