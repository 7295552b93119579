// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.encoding;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON in the layout of Go's {@code json.MarshalIndent(v, "", "\t")}, which Prometheus uses for
 * {@code meta.json}, and of a {@code json.Encoder} with {@code SetIndent("", "\t")}, which Thanos
 * uses for {@code meta.json} and {@code thanos.shipper.json} (the same bytes and one newline): keys
 * in the order written, one tab per level, {@code ": "} after keys, {@code {}} and {@code []} for
 * an empty object and array. Strings are escaped as Go does: {@code \" \\ \n \r \t}, other control
 * characters and {@code < > &} and U+2028/U+2029 as {@code \}{@code u00xx} with lower-case hex,
 * everything else (also outside the BMP) as raw UTF-8.
 *
 * <p>Stateless and thread-safe.
 */
public final class GoJson {
  private static final JsonFactory GO_JSON =
      new JsonFactoryBuilder()
          .characterEscapes(new GoEscapes())
          // Go writes characters outside the BMP as raw UTF-8, not as escaped surrogates.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  /** Writes one JSON value through a generator. */
  @FunctionalInterface
  public interface Value {
    /** Writes the value; the generator is closed by the caller of {@link GoJson#marshal}. */
    void write(JsonGenerator g) throws IOException;
  }

  private GoJson() {}

  /**
   * The UTF-8 bytes of the value {@code value} writes, in Go's indented layout.
   *
   * @param encoderNewline whether to end with the newline a Go {@code json.Encoder} appends
   *     (Thanos' files), or not ({@code json.MarshalIndent}, Prometheus' meta.json)
   */
  public static byte[] marshal(Value value, boolean encoderNewline) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = GO_JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.setPrettyPrinter(new GoIndent());
      value.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (encoderNewline) {
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** Go's {@code json.MarshalIndent(v, "", "\t")} layout. */
  private static final class GoIndent implements PrettyPrinter {
    private int depth;

    private void newline(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
      for (int i = 0; i < depth; i++) {
        g.writeRaw('\t');
      }
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) {}

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
      depth++;
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
      depth--;
      if (nrOfEntries > 0) {
        newline(g);
      }
      g.writeRaw('}');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newline(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
      depth++;
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      depth--;
      if (nrOfValues > 0) {
        newline(g);
      }
      g.writeRaw(']');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newline(g);
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      newline(g);
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      newline(g);
    }
  }

  /** Go's {@code encoding/json} string escaping (with its default HTML escaping). */
  private static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = standardAsciiEscapesForJSON();

    GoEscapes() {
      for (int c = 0; c < 0x20; c++) {
        if (c != '\n' && c != '\r' && c != '\t') {
          ascii[c] = ESCAPE_CUSTOM;
        }
      }
      ascii['<'] = ESCAPE_CUSTOM;
      ascii['>'] = ESCAPE_CUSTOM;
      ascii['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}
