// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OTLP attribute value as label text, as OpenTelemetry's Go {@code pcommon.Value.AsString}
 * writes it (the translator's label values): strings as they are, booleans {@code true}/{@code
 * false}, integers in decimal, doubles by {@link GoFloats#attribute}, bytes in standard base64,
 * arrays and maps as Go's {@code encoding/json} writes them (map keys sorted, {@code <}, {@code >}
 * and {@code &} escaped), an empty value as the empty string. Stateless.
 */
final class AttributeValues {
  private AttributeValues() {}

  static String asString(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> GoFloats.attribute(v.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> {
        StringBuilder b = new StringBuilder();
        try {
          json(v, b);
        } catch (IllegalArgumentException unsupported) {
          // encoding/json refuses NaN and infinities: Go's AsString then gives the empty string.
          yield "";
        }
        yield b.toString();
      }
      case VALUE_NOT_SET -> "";
    };
  }

  private static void json(AnyValue v, StringBuilder b) {
    switch (v.getValueCase()) {
      case STRING_VALUE -> quote(v.getStringValue(), b);
      case BOOL_VALUE -> b.append(v.getBoolValue());
      case INT_VALUE -> b.append(v.getIntValue());
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException("json: unsupported value");
        }
        b.append(GoFloats.attribute(d));
      }
      case BYTES_VALUE ->
          quote(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()), b);
      case ARRAY_VALUE -> {
        b.append('[');
        for (int i = 0; i < v.getArrayValue().getValuesCount(); i++) {
          if (i > 0) {
            b.append(',');
          }
          json(v.getArrayValue().getValues(i), b);
        }
        b.append(']');
      }
      case KVLIST_VALUE -> {
        Map<String, AnyValue> sorted = new TreeMap<>();
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          sorted.put(kv.getKey(), kv.getValue());
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, AnyValue> e : sorted.entrySet()) {
          if (!first) {
            b.append(',');
          }
          first = false;
          quote(e.getKey(), b);
          b.append(':');
          json(e.getValue(), b);
        }
        b.append('}');
      }
      case VALUE_NOT_SET -> b.append("null");
    }
  }

  private static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
