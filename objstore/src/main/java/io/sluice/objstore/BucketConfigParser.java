// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Thanos objstore YAML strictly into a {@link BucketConfig}. Stateless. */
final class BucketConfigParser {

  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([a-zA-Z_0-9]+)\\)");

  private static final Set<String> THANOS_ONLY_TYPES =
      Set.of("GCS", "AZURE", "SWIFT", "COS", "ALIYUNOSS", "BOS", "OCI", "OBS");

  private static final Set<String> TOP_KEYS = Set.of("type", "config", "prefix");
  private static final Set<String> FILESYSTEM_KEYS = Set.of("directory");
  private static final Set<String> S3_KEYS =
      Set.of(
          "bucket",
          "endpoint",
          "region",
          "disable_dualstack",
          "aws_sdk_auth",
          "access_key",
          "insecure",
          "signature_version2",
          "secret_key",
          "session_token",
          "put_user_metadata",
          "http_config",
          "trace",
          "list_objects_version",
          "bucket_lookup_type",
          "send_content_md5",
          "disable_multipart",
          "part_size",
          "sse_config",
          "sts_endpoint",
          "max_retries");
  private static final Set<String> HTTP_KEYS =
      Set.of(
          "idle_conn_timeout",
          "response_header_timeout",
          "insecure_skip_verify",
          "tls_handshake_timeout",
          "expect_continue_timeout",
          "max_idle_conns",
          "max_idle_conns_per_host",
          "max_conns_per_host",
          "tls_config",
          "disable_compression");
  private static final Set<String> TLS_KEYS =
      Set.of("ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify");
  private static final Set<String> TRACE_KEYS = Set.of("enable");
  private static final Set<String> SSE_KEYS =
      Set.of("type", "kms_key_id", "kms_encryption_context", "encryption_key");

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private final List<String> ignored = new ArrayList<>();

  private BucketConfigParser() {}

  static BucketConfig parse(String yaml, Map<String, String> environment)
      throws BucketConfigException {
    String expanded = expandEnvironment(yaml, environment);
    JsonNode root;
    try {
      root = MAPPER.readTree(expanded);
    } catch (JsonProcessingException e) {
      throw new BucketConfigException(
          "invalid objstore configuration: not valid YAML: " + e.getOriginalMessage(), e);
    }
    try {
      return new BucketConfigParser().read(root);
    } catch (IllegalArgumentException e) {
      throw new BucketConfigException("invalid objstore configuration: " + e.getMessage(), e);
    }
  }

  static String expandEnvironment(String text, Map<String, String> environment)
      throws BucketConfigException {
    Matcher m = ENV_REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String value = environment.get(m.group(1));
      if (value == null) {
        throw new BucketConfigException(
            "invalid objstore configuration: found reference to unset environment variable \""
                + m.group(1)
                + "\"");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private BucketConfig read(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new IllegalArgumentException("the configuration is empty; 'type' is required");
    }
    Map<String, JsonNode> top = object(root, "");
    checkKeys(top, TOP_KEYS, "");
    String rawType = string(top.get("type"), "type");
    if (rawType.isEmpty()) {
      throw new IllegalArgumentException("missing 'type' (S3 or FILESYSTEM)");
    }
    String type = rawType.toUpperCase(Locale.ROOT);
    String prefix = string(top.get("prefix"), "prefix");
    JsonNode configNode = top.get("config");
    Map<String, JsonNode> config =
        configNode == null || configNode.isNull() ? Map.of() : object(configNode, "config");
    ProviderConfig provider =
        switch (type) {
          case "S3" -> s3(config);
          case "FILESYSTEM" -> filesystem(config);
          default -> {
            if (THANOS_ONLY_TYPES.contains(type)) {
              throw new IllegalArgumentException(
                  "bucket type "
                      + rawType
                      + " is not supported by Sluice (supported: S3, FILESYSTEM)");
            }
            throw new IllegalArgumentException("bucket with type " + rawType + " is not supported");
          }
        };
    return new BucketConfig(provider, prefix, ignored);
  }

  private FilesystemConfig filesystem(Map<String, JsonNode> config) {
    checkKeys(config, FILESYSTEM_KEYS, "config");
    String directory = string(config.get("directory"), "config.directory");
    if (directory.isEmpty()) {
      throw new IllegalArgumentException(
          "missing directory for filesystem bucket: config.directory is required");
    }
    return new FilesystemConfig(Path.of(directory));
  }

  private S3Config s3(Map<String, JsonNode> c) {
    checkKeys(c, S3_KEYS, "config");
    if (bool(c.get("signature_version2"), "config.signature_version2", false)) {
      throw unsupported("config.signature_version2", "only AWS Signature Version 4 is implemented");
    }
    if (!string(c.get("sts_endpoint"), "config.sts_endpoint").isEmpty()) {
      throw unsupported(
          "config.sts_endpoint", "the AWS default credential chain picks its own STS endpoint");
    }
    sse(c.get("sse_config"));
    trace(c.get("trace"));
    ignoreIfTrue(c.get("disable_dualstack"), "config.disable_dualstack");

    S3Config.Builder b =
        S3Config.builder(
                string(c.get("bucket"), "config.bucket"),
                string(c.get("endpoint"), "config.endpoint"))
            .region(string(c.get("region"), "config.region"))
            .credentials(
                string(c.get("access_key"), "config.access_key"),
                string(c.get("secret_key"), "config.secret_key"),
                string(c.get("session_token"), "config.session_token"))
            .awsSdkAuth(bool(c.get("aws_sdk_auth"), "config.aws_sdk_auth", false))
            .insecure(bool(c.get("insecure"), "config.insecure", false))
            .putUserMetadata(stringMap(c.get("put_user_metadata"), "config.put_user_metadata"))
            .http(http(c.get("http_config")))
            .sendContentMd5(bool(c.get("send_content_md5"), "config.send_content_md5", true))
            .disableMultipart(bool(c.get("disable_multipart"), "config.disable_multipart", false))
            .partSize(partSize(c.get("part_size")))
            .maxRetries(
                (int)
                    Math.min(
                        Integer.MAX_VALUE, integer(c.get("max_retries"), "config.max_retries", 0)));

    String listVersion = string(c.get("list_objects_version"), "config.list_objects_version");
    b.listObjectsVersion(
        switch (listVersion) {
          case "", "v2" -> S3Config.ListObjectsVersion.V2;
          case "v1" -> S3Config.ListObjectsVersion.V1;
          default ->
              throw new IllegalArgumentException(
                  "config.list_objects_version: Unsupported version \""
                      + listVersion
                      + "\" was provided. Supported values are v1, v2");
        });
    JsonNode lookupNode = c.get("bucket_lookup_type");
    String lookup = string(lookupNode, "config.bucket_lookup_type");
    b.bucketLookupType(
        switch (lookupNode == null || lookupNode.isNull() ? "auto" : lookup) {
          case "auto" -> S3Config.BucketLookupType.AUTO;
          case "virtual-hosted" -> S3Config.BucketLookupType.VIRTUAL_HOSTED;
          case "path" -> S3Config.BucketLookupType.PATH;
          default ->
              throw new IllegalArgumentException(
                  "config.bucket_lookup_type: unsupported bucket lookup type: "
                      + lookup
                      + " (auto, virtual-hosted or path)");
        });
    return b.build();
  }

  private static long partSize(JsonNode node) {
    long size = integer(node, "config.part_size", S3Config.DEFAULT_PART_SIZE);
    // minio-go picks its own part size for 0; Sluice takes Thanos' default.
    return size == 0 ? S3Config.DEFAULT_PART_SIZE : size;
  }

  private S3Config.HttpConfig http(JsonNode node) {
    S3Config.HttpConfig d = S3Config.HttpConfig.DEFAULT;
    if (node == null || node.isNull()) {
      return d;
    }
    String p = "config.http_config";
    Map<String, JsonNode> h = object(node, p);
    checkKeys(h, HTTP_KEYS, p);
    boolean skipVerify = bool(h.get("insecure_skip_verify"), p + ".insecure_skip_verify", false);
    Path caFile = null;
    JsonNode tlsNode = h.get("tls_config");
    if (tlsNode != null && !tlsNode.isNull()) {
      String tp = p + ".tls_config";
      Map<String, JsonNode> tls = object(tlsNode, tp);
      checkKeys(tls, TLS_KEYS, tp);
      for (String key : List.of("cert_file", "key_file", "server_name")) {
        if (!string(tls.get(key), tp + "." + key).isEmpty()) {
          throw unsupported(
              tp + "." + key, "client certificates and server name overrides are not implemented");
        }
      }
      String ca = string(tls.get("ca_file"), tp + ".ca_file");
      caFile = ca.isEmpty() ? null : Path.of(ca);
      skipVerify |= bool(tls.get("insecure_skip_verify"), tp + ".insecure_skip_verify", false);
    }
    duration(h.get("tls_handshake_timeout"), p + ".tls_handshake_timeout", null);
    duration(h.get("expect_continue_timeout"), p + ".expect_continue_timeout", null);
    integer(h.get("max_idle_conns_per_host"), p + ".max_idle_conns_per_host", 0);
    for (String key :
        List.of("tls_handshake_timeout", "expect_continue_timeout", "max_idle_conns_per_host")) {
      if (h.containsKey(key) && !h.get(key).isNull()) {
        ignored.add(p + "." + key);
      }
    }
    ignoreIfTrue(h.get("disable_compression"), p + ".disable_compression");
    return new S3Config.HttpConfig(
        duration(h.get("idle_conn_timeout"), p + ".idle_conn_timeout", d.idleConnTimeout()),
        duration(
            h.get("response_header_timeout"),
            p + ".response_header_timeout",
            d.responseHeaderTimeout()),
        skipVerify,
        (int)
            Math.min(
                Integer.MAX_VALUE,
                integer(h.get("max_idle_conns"), p + ".max_idle_conns", d.maxIdleConns())),
        (int)
            Math.min(
                Integer.MAX_VALUE,
                integer(h.get("max_conns_per_host"), p + ".max_conns_per_host", 0)),
        caFile);
  }

  private void sse(JsonNode node) {
    if (node == null || node.isNull()) {
      return;
    }
    String p = "config.sse_config";
    Map<String, JsonNode> sse = object(node, p);
    checkKeys(sse, SSE_KEYS, p);
    String type = string(sse.get("type"), p + ".type");
    if (!type.isEmpty()) {
      throw unsupported(
          p + ".type",
          "server-side encryption ("
              + type
              + ") is not implemented; use the bucket's default encryption instead");
    }
  }

  private void trace(JsonNode node) {
    if (node == null || node.isNull()) {
      return;
    }
    Map<String, JsonNode> trace = object(node, "config.trace");
    checkKeys(trace, TRACE_KEYS, "config.trace");
    ignoreIfTrue(trace.get("enable"), "config.trace.enable");
  }

  private void ignoreIfTrue(JsonNode node, String path) {
    if (bool(node, path, false)) {
      ignored.add(path);
    }
  }

  private static IllegalArgumentException unsupported(String path, String why) {
    return new IllegalArgumentException("not supported by Sluice: " + path + " (" + why + ")");
  }

  private static void checkKeys(Map<String, JsonNode> map, Set<String> known, String path) {
    for (String key : map.keySet()) {
      if (!known.contains(key)) {
        String full = path.isEmpty() ? key : path + "." + key;
        throw new IllegalArgumentException("unknown key '" + full + "'");
      }
    }
  }

  private static Map<String, JsonNode> object(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          (path.isEmpty() ? "the configuration" : path) + " must be a mapping of keys to values");
    }
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      map.put(e.getKey(), e.getValue());
    }
    return map;
  }

  private static String string(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isValueNode()) {
      throw new IllegalArgumentException(path + " must be a string");
    }
    return node.asText();
  }

  private static boolean bool(JsonNode node, String path, boolean defaultValue) {
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String text = node.isTextual() ? node.textValue().toLowerCase(Locale.ROOT) : "";
    return switch (text) {
      case "true", "yes", "on", "y" -> true;
      case "false", "no", "off", "n" -> false;
      default ->
          throw new IllegalArgumentException(
              path + " must be true or false, got '" + node.asText() + "'");
    };
  }

  private static long integer(JsonNode node, String path, long defaultValue) {
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    long value;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      value = node.longValue();
    } else {
      try {
        value = Long.parseLong(node.isTextual() ? node.textValue().trim() : "?");
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            path + " must be a whole number, got '" + node.asText() + "'");
      }
    }
    if (value < 0) {
      throw new IllegalArgumentException(path + " must not be negative, got " + value);
    }
    return value;
  }

  private static Map<String, String> stringMap(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object(node, path).entrySet()) {
      out.put(e.getKey(), string(e.getValue(), path + "." + e.getKey()));
    }
    return out;
  }

  /**
   * Parses a Prometheus duration such as {@code 1m30s}, {@code 90s} or {@code 0} ({@link
   * GoDurations#parsePrometheus}), as Thanos' {@code model.Duration} fields.
   */
  static Duration duration(JsonNode node, String path, Duration defaultValue) {
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (!node.isValueNode()) {
      throw new IllegalArgumentException(path + " must be a duration such as 1m30s");
    }
    String text = node.asText();
    try {
      return GoDurations.parsePrometheus(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          path
              + " must be a duration such as 1m30s, 90s or 2h, got '"
              + text
              + "': "
              + e.getMessage(),
          e);
    }
  }
}
