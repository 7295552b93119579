// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import io.sluice.receiver.decode.RemoteWriteDecodeException;
import io.sluice.receiver.decode.RemoteWriteDecoder;
import io.sluice.receiver.decode.RemoteWriteVersion;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.proto.prometheus.RemoteWrite;
import io.sluice.receiver.proto.writev2.RemoteWriteV2;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.xerial.snappy.Snappy;

/** Decoded batches of generated remote-write messages, as the HTTP path decodes them. */
final class Batches {
  private Batches() {}

  static WriteBatch v1(RemoteWrite.WriteRequest request) {
    return decode(request.toByteArray(), RemoteWriteVersion.V1);
  }

  static WriteBatch v2(RemoteWriteV2.Request request) {
    return decode(request.toByteArray(), RemoteWriteVersion.V2);
  }

  private static WriteBatch decode(byte[] message, RemoteWriteVersion version) {
    try {
      byte[] body = Snappy.compress(message);
      return new RemoteWriteDecoder(64 << 20).decode(body, 0, body.length, version);
    } catch (RemoteWriteDecodeException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RemoteWrite.TimeSeries.Builder series(String... labels) {
    RemoteWrite.TimeSeries.Builder s = RemoteWrite.TimeSeries.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      s.addLabels(RemoteWrite.Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
    }
    return s;
  }

  static RemoteWrite.Sample sample(long t, double v) {
    return RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(v).build();
  }
}
