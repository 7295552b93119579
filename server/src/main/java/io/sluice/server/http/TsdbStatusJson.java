// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.sluice.tsdb.head.HeadStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON documents of {@code GET /api/v1/status/tsdb} as Thanos receive writes them: the
 * Prometheus API envelope ({@code {"status":"success","data":…}}, or {@code
 * {"status":"error","errorType":…,"error":…}}) around a list with one entry per tenant, sorted by
 * tenant, each Prometheus' {@code TSDBStatus} with a {@code tenant} field first:
 *
 * <pre>{@code
 * [{"tenant":"t","headStats":{"numSeries":n,"numLabelPairs":n,"chunkCount":n,"minTime":ms,"maxTime":ms},
 *   "seriesCountByMetricName":[{"name":s,"value":n},…],"labelValueCountByLabelName":[…],
 *   "memoryInBytesByLabelName":[…],"seriesCountByLabelValuePair":[…]}]
 * }</pre>
 *
 * <p>Fields in Go's struct order; {@code <}, {@code >} and {@code &} are escaped as {@code \u003c}
 * and so on, as Go's encoder does. Thread-safe.
 */
final class TsdbStatusJson {
  private static final JsonFactory JSON = new JsonFactory().setCharacterEscapes(new GoEscapes());

  private TsdbStatusJson() {}

  /** One tenant's statistics. */
  record TenantStats(String tenant, HeadStats stats) {}

  /** The success document for {@code tenants}, in the order given. */
  static byte[] success(List<TenantStats> tenants) {
    return write(
        g -> {
          g.writeStringField("status", "success");
          g.writeArrayFieldStart("data");
          for (TenantStats t : tenants) {
            tenant(g, t);
          }
          g.writeEndArray();
        });
  }

  /** The error document; {@code type} is Prometheus' {@code errorType} ({@code bad_data} …). */
  static byte[] error(String type, String message) {
    return write(
        g -> {
          g.writeStringField("status", "error");
          g.writeStringField("errorType", type);
          g.writeStringField("error", message);
        });
  }

  private static void tenant(JsonGenerator g, TenantStats t) throws IOException {
    HeadStats s = t.stats();
    g.writeStartObject();
    g.writeStringField("tenant", t.tenant());
    g.writeObjectFieldStart("headStats");
    g.writeNumberField("numSeries", s.numSeries());
    g.writeNumberField("numLabelPairs", s.numLabelPairs());
    g.writeNumberField("chunkCount", s.chunkCount());
    g.writeNumberField("minTime", s.minTime());
    g.writeNumberField("maxTime", s.maxTime());
    g.writeEndObject();
    list(g, "seriesCountByMetricName", s.seriesCountByMetricName());
    list(g, "labelValueCountByLabelName", s.labelValueCountByLabelName());
    list(g, "memoryInBytesByLabelName", s.memoryInBytesByLabelName());
    list(g, "seriesCountByLabelValuePair", s.seriesCountByLabelValuePair());
    g.writeEndObject();
  }

  private static void list(JsonGenerator g, String field, List<HeadStats.Stat> stats)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (HeadStats.Stat s : stats) {
      g.writeStartObject();
      g.writeStringField("name", s.name());
      g.writeNumberField("value", s.value());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Go's {@code encoding/json} HTML escaping on top of JSON's. */
  private static final class GoEscapes extends CharacterEscapes {
    private final int[] table = standardAsciiEscapesForJSON();

    GoEscapes() {
      table['<'] = ESCAPE_CUSTOM;
      table['>'] = ESCAPE_CUSTOM;
      table['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return table;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return switch (ch) {
        case '<' -> new SerializedString("\\u003c");
        case '>' -> new SerializedString("\\u003e");
        case '&' -> new SerializedString("\\u0026");
        default -> null;
      };
    }
  }
}
