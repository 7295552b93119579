// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Encodes remote-write 1.0 {@code prometheus.WriteRequest} bodies: every {@code TimeSeries} carries
 * its labels as {@code Label{1: name, 2: value}} messages. Not thread-safe.
 */
public final class Rw1Encoder extends RemoteWriteEncoder {

  private static final byte[] NO_PREFIX = new byte[0];

  Rw1Encoder() {}

  @Override
  public Protocol protocol() {
    return Protocol.V1;
  }

  @Override
  int histogramField() {
    return 4;
  }

  @Override
  int seriesField() {
    return 1;
  }

  @Override
  byte[] prefix() {
    return NO_PREFIX;
  }

  @Override
  void resetSymbols() {}

  @Override
  int labelPartSize(String[] names, String[] values, int count) {
    int size = 0;
    for (int k = 0; k < count; k++) {
      int label = labelSize(names[k], values[k]);
      size += 1 + CodedOutputStream.computeUInt32SizeNoTag(label) + label;
    }
    return size;
  }

  @Override
  void writeLabelPart(CodedOutputStream out, String[] names, String[] values, int count)
      throws IOException {
    for (int k = 0; k < count; k++) {
      out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(labelSize(names[k], values[k]));
      out.writeString(1, names[k]);
      out.writeString(2, values[k]);
    }
  }

  private static int labelSize(String name, String value) {
    return CodedOutputStream.computeStringSize(1, name)
        + CodedOutputStream.computeStringSize(2, value);
  }
}
