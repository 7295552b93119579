// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One series as a test compares it: labels as alternating name, value strings, samples as
 * (timestamp, raw value bits), histogram and exemplar counts. Built either from a {@link
 * WriteBatch} or from the generated protobuf message that was encoded.
 */
record DecodedSeries(
    List<String> labels,
    List<Long> timestamps,
    List<Long> valueBits,
    int histograms,
    int exemplars) {

  static List<DecodedSeries> of(WriteBatch batch) {
    List<DecodedSeries> out = new ArrayList<>();
    byte[] buf = batch.buffer();
    for (int s = 0; s < batch.seriesCount(); s++) {
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < batch.labelCount(s); i++) {
        labels.add(
            new String(
                buf,
                batch.labelNameOffset(s, i),
                batch.labelNameLength(s, i),
                StandardCharsets.UTF_8));
        labels.add(
            new String(
                buf,
                batch.labelValueOffset(s, i),
                batch.labelValueLength(s, i),
                StandardCharsets.UTF_8));
      }
      List<Long> timestamps = new ArrayList<>();
      List<Long> bits = new ArrayList<>();
      for (int i = 0; i < batch.sampleCount(s); i++) {
        timestamps.add(batch.sampleTimestamp(s, i));
        bits.add(batch.sampleValueBits(s, i));
      }
      out.add(
          new DecodedSeries(
              labels, timestamps, bits, batch.histogramCount(s), batch.exemplarCount(s)));
    }
    return out;
  }

  static List<DecodedSeries> of(RemoteWrite.WriteRequest request) {
    List<DecodedSeries> out = new ArrayList<>();
    for (RemoteWrite.TimeSeries ts : request.getTimeseriesList()) {
      List<String> labels = new ArrayList<>();
      for (RemoteWrite.Label l : ts.getLabelsList()) {
        labels.add(l.getName());
        labels.add(l.getValue());
      }
      List<Long> timestamps = new ArrayList<>();
      List<Long> bits = new ArrayList<>();
      for (RemoteWrite.Sample sample : ts.getSamplesList()) {
        timestamps.add(sample.getTimestamp());
        // What protobuf-java puts on the wire for this double.
        bits.add(Double.doubleToRawLongBits(sample.getValue()));
      }
      out.add(
          new DecodedSeries(
              labels, timestamps, bits, ts.getHistogramsCount(), ts.getExemplarsCount()));
    }
    return out;
  }

  static List<DecodedSeries> of(RemoteWriteV2.Request request) {
    List<DecodedSeries> out = new ArrayList<>();
    for (RemoteWriteV2.TimeSeries ts : request.getTimeseriesList()) {
      List<String> labels = new ArrayList<>();
      for (int ref : ts.getLabelsRefsList()) {
        labels.add(request.getSymbols(ref));
      }
      List<Long> timestamps = new ArrayList<>();
      List<Long> bits = new ArrayList<>();
      for (RemoteWriteV2.Sample sample : ts.getSamplesList()) {
        timestamps.add(sample.getTimestamp());
        bits.add(Double.doubleToRawLongBits(sample.getValue()));
      }
      out.add(
          new DecodedSeries(
              labels, timestamps, bits, ts.getHistogramsCount(), ts.getExemplarsCount()));
    }
    return out;
  }
}
