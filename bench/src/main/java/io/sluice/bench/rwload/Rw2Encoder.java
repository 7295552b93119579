// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes remote-write 2.0 {@code io.prometheus.write.v2.Request} bodies: one symbol table per
 * request (field 4, {@code symbols[0] = ""}), and every {@code TimeSeries} refers to its label
 * names and values by index (packed {@code labels_refs}). Not thread-safe.
 */
public final class Rw2Encoder extends RemoteWriteEncoder {

  private static final int SYMBOLS_FIELD = 4;

  private final Map<String, Integer> symbolIndex = new HashMap<>();
  private final List<String> symbols = new ArrayList<>();
  private int[] refs = new int[64];
  private byte[] prefix;

  Rw2Encoder() {
    resetSymbols();
  }

  @Override
  public Protocol protocol() {
    return Protocol.V2;
  }

  @Override
  int histogramField() {
    return 3;
  }

  @Override
  int seriesField() {
    return 5;
  }

  @Override
  byte[] prefix() {
    if (prefix == null) {
      int size = 0;
      for (String s : symbols) {
        size += CodedOutputStream.computeStringSize(SYMBOLS_FIELD, s);
      }
      byte[] bytes = new byte[size];
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      try {
        for (String s : symbols) {
          // Repeated strings are written even when empty, so symbols[0] = "" is on the wire.
          out.writeString(SYMBOLS_FIELD, s);
        }
        out.checkNoSpaceLeft();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      prefix = bytes;
    }
    return prefix;
  }

  @Override
  void resetSymbols() {
    symbolIndex.clear();
    symbols.clear();
    symbolIndex.put("", 0);
    symbols.add("");
    prefix = null;
  }

  @Override
  int labelPartSize(String[] names, String[] values, int count) {
    if (refs.length < 2 * count) {
      refs = new int[2 * count];
    }
    int packed = 0;
    for (int k = 0; k < count; k++) {
      refs[2 * k] = symbol(names[k]);
      refs[2 * k + 1] = symbol(values[k]);
      packed += CodedOutputStream.computeUInt32SizeNoTag(refs[2 * k]);
      packed += CodedOutputStream.computeUInt32SizeNoTag(refs[2 * k + 1]);
    }
    return 1 + CodedOutputStream.computeUInt32SizeNoTag(packed) + packed;
  }

  @Override
  void writeLabelPart(CodedOutputStream out, String[] names, String[] values, int count)
      throws IOException {
    // refs were filled by labelPartSize for this very series.
    int packed = 0;
    for (int k = 0; k < 2 * count; k++) {
      packed += CodedOutputStream.computeUInt32SizeNoTag(refs[k]);
    }
    out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(packed);
    for (int k = 0; k < 2 * count; k++) {
      out.writeUInt32NoTag(refs[k]);
    }
  }

  private int symbol(String s) {
    Integer ref = symbolIndex.get(s);
    if (ref == null) {
      ref = symbols.size();
      symbolIndex.put(s, ref);
      symbols.add(s);
      prefix = null;
    }
    return ref;
  }
}
