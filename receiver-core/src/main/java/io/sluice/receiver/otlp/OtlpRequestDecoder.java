// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.sluice.receiver.decode.DecodedBodyTooLargeException;
import io.sluice.receiver.decode.RemoteWriteDecodeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Decodes an OTLP/HTTP metrics request body ({@code ExportMetricsServiceRequest}) as Prometheus'
 * {@code DecodeOTLPWriteRequest} does for Thanos' {@code /api/v1/otlp}:
 *
 * <ul>
 *   <li>{@code Content-Type} exactly {@value #PROTOBUF} (binary protobuf) or {@value #JSON} (the
 *       OTLP/JSON mapping: protobuf JSON with camelCase or original field names, enums as numbers
 *       or names, 64-bit integers as strings or numbers, trace and span ids in hex, unknown fields
 *       ignored); anything else is refused, parameters included;
 *   <li>{@code Content-Encoding} {@code gzip} or none; anything else is refused.
 * </ul>
 *
 * Every refusal and every body that does not decode is a {@link OtlpDecodeException} (400, as
 * Thanos answers), with Prometheus' message where it has one. Unlike Prometheus, which inflates a
 * gzip body without a bound, the inflated body is limited to {@code maxDecodedBytes} ({@link
 * DecodedBodyTooLargeException}, 413), as snappy bodies of {@code /api/v1/receive} are.
 *
 * <p>Thread-safe.
 */
public final class OtlpRequestDecoder {
  /** The protobuf content type. */
  public static final String PROTOBUF = "application/x-protobuf";

  /** The JSON content type. */
  public static final String JSON = "application/json";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final int maxDecodedBytes;

  /**
   * @param maxDecodedBytes the largest inflated gzip body accepted, in bytes
   * @throws IllegalArgumentException if negative
   */
  public OtlpRequestDecoder(int maxDecodedBytes) {
    if (maxDecodedBytes < 0) {
      throw new IllegalArgumentException("maxDecodedBytes must be >= 0: " + maxDecodedBytes);
    }
    this.maxDecodedBytes = maxDecodedBytes;
  }

  /**
   * Decodes {@code body[off, off + len)}.
   *
   * @param contentType the {@code Content-Type} header; null when absent
   * @param contentEncoding the {@code Content-Encoding} header; null when absent
   * @return the request
   * @throws OtlpDecodeException for an unsupported type or encoding or a malformed body (400)
   * @throws DecodedBodyTooLargeException when the inflated body is over the limit (413)
   */
  public ExportMetricsServiceRequest decode(
      byte[] body, int off, int len, String contentType, String contentEncoding)
      throws RemoteWriteDecodeException {
    Objects.checkFromIndexSize(off, len, body.length);
    String type = contentType == null ? "" : contentType;
    boolean json;
    if (type.equals(PROTOBUF)) {
      json = false;
    } else if (type.equals(JSON)) {
      json = true;
    } else {
      throw new OtlpDecodeException(
          "unsupported content type: " + type + ", supported: [" + JSON + ", " + PROTOBUF + "]");
    }
    String encoding = contentEncoding == null ? "" : contentEncoding;
    byte[] bytes = body;
    int start = off;
    int length = len;
    if (encoding.equals("gzip")) {
      bytes = gunzip(body, off, len);
      start = 0;
      length = bytes.length;
    } else if (!encoding.isEmpty()) {
      throw new OtlpDecodeException(
          "unsupported compression: " + encoding + ". Only \"gzip\" or no compression supported");
    }
    return json ? parseJson(bytes, start, length) : parseProtobuf(bytes, start, length);
  }

  private byte[] gunzip(byte[] body, int off, int len) throws RemoteWriteDecodeException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body, off, len))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(len * 4, maxDecodedBytes));
      byte[] chunk = new byte[8192];
      long total = 0;
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        total += n;
        if (total > maxDecodedBytes) {
          throw new DecodedBodyTooLargeException(total, maxDecodedBytes);
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (RemoteWriteDecodeException e) {
      throw e;
    } catch (IOException e) {
      throw new OtlpDecodeException("gzip: " + e.getMessage(), e);
    }
  }

  private static ExportMetricsServiceRequest parseProtobuf(byte[] bytes, int off, int len)
      throws OtlpDecodeException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes, off, len);
      ExportMetricsServiceRequest r = ExportMetricsServiceRequest.parseFrom(in);
      return r;
    } catch (InvalidProtocolBufferException e) {
      throw new OtlpDecodeException("unmarshal OTLP protobuf: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new OtlpDecodeException("unmarshal OTLP protobuf: " + e.getMessage(), e);
    }
  }

  private static ExportMetricsServiceRequest parseJson(byte[] bytes, int off, int len)
      throws OtlpDecodeException {
    try {
      JsonNode tree = MAPPER.readTree(new String(bytes, off, len, StandardCharsets.UTF_8));
      if (tree == null) {
        throw new OtlpDecodeException("unmarshal OTLP JSON: empty body");
      }
      hexIdsToBase64(tree);
      ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
      JSON_PARSER.merge(MAPPER.writeValueAsString(tree), b);
      return b.build();
    } catch (JsonProcessingException e) {
      throw new OtlpDecodeException("unmarshal OTLP JSON: " + e.getOriginalMessage(), e);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new OtlpDecodeException("unmarshal OTLP JSON: " + e.getMessage(), e);
    }
  }

  // OTLP/JSON writes trace and span ids in hex where protobuf JSON has base64.
  private static void hexIdsToBase64(JsonNode node) throws OtlpDecodeException {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        boolean id =
            k.equals("traceId")
                || k.equals("spanId")
                || k.equals("trace_id")
                || k.equals("span_id");
        if (id && e.getValue().isTextual()) {
          byte[] raw;
          try {
            raw = HexFormat.of().parseHex(e.getValue().asText());
          } catch (IllegalArgumentException bad) {
            throw new OtlpDecodeException(
                "unmarshal OTLP JSON: " + k + " is not hex: " + e.getValue().asText());
          }
          e.setValue(TextNode.valueOf(Base64.getEncoder().encodeToString(raw)));
        } else {
          hexIdsToBase64(e.getValue());
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode child : a) {
        hexIdsToBase64(child);
      }
    }
  }
}
