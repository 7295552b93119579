// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Counts the time series elements and float samples of an uncompressed remote-write body without
 * materializing it: it walks the protobuf with {@link CodedInputStream} and skips everything else
 * (labels, symbols, histograms, exemplars, metadata).
 *
 * <p>Stateless and thread-safe.
 */
public final class SampleCounter {

  /**
   * What a body holds.
   *
   * @param series number of {@code TimeSeries} elements
   * @param samples number of float samples over all of them
   */
  public record Counts(long series, long samples) {}

  private SampleCounter() {}

  /**
   * Counts series and samples of an RW1 {@code WriteRequest} (series in field 1) or an RW2 {@code
   * Request} (series in field 5); in both, samples are field 2 of a series.
   *
   * @param body the uncompressed protobuf message
   * @param offset where the message starts in {@code body}
   * @param length the length of the message
   * @param protocol which message it is
   * @throws IOException if the bytes are not a well-formed protobuf message
   */
  public static Counts count(byte[] body, int offset, int length, Protocol protocol)
      throws IOException {
    int seriesField = protocol == Protocol.V1 ? 1 : 5;
    CodedInputStream in = CodedInputStream.newInstance(body, offset, length);
    long series = 0;
    long samples = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == seriesField
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        series++;
        int limit = in.pushLimit(in.readRawVarint32());
        for (int inner = in.readTag(); inner != 0; inner = in.readTag()) {
          if (WireFormat.getTagFieldNumber(inner) == 2
              && WireFormat.getTagWireType(inner) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            samples++;
          }
          in.skipField(inner);
        }
        in.popLimit(limit);
      } else {
        in.skipField(tag);
      }
    }
    return new Counts(series, samples);
  }
}
