// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.xerial.snappy.Snappy;

/** Builds request bodies for tests. */
final class Bodies {
  private Bodies() {}

  /** Snappy block compression, as a remote-write sender does it. */
  static byte[] snappy(byte[] protobuf) {
    try {
      return Snappy.compress(protobuf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] snappy(MessageLite message) {
    return snappy(message.toByteArray());
  }

  /** Parses hex text; {@code #} starts a comment that runs to the end of the line. */
  static byte[] hex(String text) {
    StringBuilder digits = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      int hash = line.indexOf('#');
      digits.append((hash < 0 ? line : line.substring(0, hash)).replaceAll("\\s+", ""));
    }
    return HexFormat.of().parseHex(digits);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Hand-encodes protobuf fields, for layouts the generated code never writes. */
  static final class Proto {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    Proto varint(int field, long value) {
      return write(
          () -> {
            out.writeTag(field, 0);
            out.writeUInt64NoTag(value);
          });
    }

    Proto fixed64(int field, long bits) {
      return write(
          () -> {
            out.writeTag(field, 1);
            out.writeFixed64NoTag(bits);
          });
    }

    Proto fixed32(int field, int bits) {
      return write(
          () -> {
            out.writeTag(field, 5);
            out.writeFixed32NoTag(bits);
          });
    }

    Proto bytes(int field, byte[] value) {
      return write(
          () -> {
            out.writeTag(field, 2);
            out.writeUInt32NoTag(value.length);
            out.writeRawBytes(value);
          });
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto message) {
      return bytes(field, message.toByteArray());
    }

    Proto packedVarints(int field, long... values) {
      Proto packed = new Proto();
      for (long v : values) {
        packed.write(() -> packed.out.writeUInt64NoTag(v));
      }
      return bytes(field, packed.toByteArray());
    }

    Proto raw(byte[] raw) {
      return write(() -> out.writeRawBytes(raw));
    }

    byte[] toByteArray() {
      write(out::flush);
      return bytes.toByteArray();
    }

    private Proto write(IoAction action) {
      try {
        action.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    private interface IoAction {
      void run() throws IOException;
    }
  }
}
