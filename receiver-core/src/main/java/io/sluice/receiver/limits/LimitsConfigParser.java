// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the limits YAML strictly into a {@link LimitsConfig}, with the key sets of Thanos' Go
 * structs ({@code RootLimitsConfig} and the HTTP client configuration of meta-monitoring).
 * Stateless.
 */
final class LimitsConfigParser {
  private static final YAMLMapper MAPPER =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private static final Set<String> ROOT_KEYS = Set.of("write");
  private static final Set<String> WRITE_KEYS = Set.of("global", "default", "tenants");
  private static final Set<String> GLOBAL_KEYS =
      Set.of(
          "max_concurrency",
          "meta_monitoring_url",
          "meta_monitoring_http_client",
          "meta_monitoring_limit_query");
  private static final Set<String> LIMIT_KEYS = Set.of("request", "head_series_limit");
  private static final Set<String> REQUEST_KEYS =
      Set.of("size_bytes_limit", "series_limit", "samples_limit");
  private static final Set<String> HTTP_CLIENT_KEYS =
      Set.of(
          "basic_auth",
          "bearer_token",
          "bearer_token_file",
          "proxy_url",
          "tls_config",
          "transport_config");
  private static final Set<String> BASIC_AUTH_KEYS =
      Set.of("username", "password", "password_file");
  private static final Set<String> TLS_KEYS =
      Set.of("ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify");
  private static final Set<String> TRANSPORT_KEYS =
      Set.of(
          "max_idle_conns",
          "max_idle_conns_per_host",
          "idle_conn_timeout",
          "response_header_timeout",
          "expect_continue_timeout",
          "max_conns_per_host",
          "disable_compression",
          "tls_handshake_timeout",
          "dialer_timeout");

  private LimitsConfigParser() {}

  static LimitsConfig parse(String yaml) throws LimitsConfigException {
    JsonNode root;
    try {
      root = MAPPER.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new LimitsConfigException("not valid YAML: " + e.getOriginalMessage(), e);
    }
    try {
      return read(root);
    } catch (IllegalArgumentException e) {
      throw new LimitsConfigException(e.getMessage(), e);
    }
  }

  private static LimitsConfig read(JsonNode root) {
    if (absent(root)) {
      return LimitsConfig.NONE;
    }
    JsonNode write = mapping(root, "", ROOT_KEYS).get("write");
    if (absent(write)) {
      return LimitsConfig.NONE;
    }
    Map<String, JsonNode> w = mapping(write, "write", WRITE_KEYS);
    long maxConcurrency = 0;
    JsonNode global = w.get("global");
    if (!absent(global)) {
      Map<String, JsonNode> g = mapping(global, "write.global", GLOBAL_KEYS);
      maxConcurrency = integer(g.get("max_concurrency"), "write.global.max_concurrency", 0);
      metaMonitoringUrl(g.get("meta_monitoring_url"));
      string(g.get("meta_monitoring_limit_query"), "write.global.meta_monitoring_limit_query");
      httpClient(g.get("meta_monitoring_http_client"), "write.global.meta_monitoring_http_client");
    }
    TenantLimits defaults = limits(w.get("default"), "write.default", TenantLimits.UNLIMITED);
    Map<String, TenantLimits> tenants = new LinkedHashMap<>();
    JsonNode t = w.get("tenants");
    if (!absent(t)) {
      for (Map.Entry<String, JsonNode> e : mapping(t, "write.tenants", null).entrySet()) {
        tenants.put(e.getKey(), limits(e.getValue(), "write.tenants." + e.getKey(), defaults));
      }
    }
    return new LimitsConfig(maxConcurrency, defaults, tenants);
  }

  // A default or tenant section; absent fields take the value in base.
  private static TenantLimits limits(JsonNode node, String path, TenantLimits base) {
    if (absent(node)) {
      return base;
    }
    Map<String, JsonNode> m = mapping(node, path, LIMIT_KEYS);
    long size = base.sizeBytes();
    long series = base.series();
    long samples = base.samples();
    JsonNode request = m.get("request");
    if (!absent(request)) {
      Map<String, JsonNode> r = mapping(request, path + ".request", REQUEST_KEYS);
      size = integer(r.get("size_bytes_limit"), path + ".request.size_bytes_limit", size);
      series = integer(r.get("series_limit"), path + ".request.series_limit", series);
      samples = integer(r.get("samples_limit"), path + ".request.samples_limit", samples);
    }
    String headPath = path + ".head_series_limit";
    long head = integer(m.get("head_series_limit"), headPath, base.headSeries());
    if (head < 0) {
      throw new IllegalArgumentException(headPath + " must not be negative: " + head);
    }
    return new TenantLimits(size, series, samples, head);
  }

  // As Thanos: the URL must parse and have a scheme and a host.
  private static void metaMonitoringUrl(JsonNode node) {
    String url = string(node, "write.global.meta_monitoring_url");
    if (url.isEmpty()) {
      return;
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "write.global.meta_monitoring_url is not a valid URL: " + e.getMessage());
    }
    if (u.getScheme() == null || u.getHost() == null) {
      throw new IllegalArgumentException(
          "write.global.meta_monitoring_url \""
              + url
              + "\" is not a valid meta-monitoring URL: it needs a scheme and a host");
    }
  }

  private static void httpClient(JsonNode node, String path) {
    if (absent(node)) {
      return;
    }
    Map<String, JsonNode> m = mapping(node, path, HTTP_CLIENT_KEYS);
    sub(m, "basic_auth", path, BASIC_AUTH_KEYS);
    sub(m, "tls_config", path, TLS_KEYS);
    sub(m, "transport_config", path, TRANSPORT_KEYS);
  }

  private static void sub(Map<String, JsonNode> m, String key, String path, Set<String> keys) {
    JsonNode n = m.get(key);
    if (!absent(n)) {
      mapping(n, path + "." + key, keys);
    }
  }

  private static boolean absent(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull();
  }

  // A mapping whose keys must be in known (null: any key).
  private static Map<String, JsonNode> mapping(JsonNode node, String path, Set<String> known) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          (path.isEmpty() ? "the configuration" : path) + " must be a mapping of keys to values");
    }
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (known != null && !known.contains(e.getKey())) {
        String full = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        throw new IllegalArgumentException("unknown key '" + full + "'");
      }
      map.put(e.getKey(), e.getValue());
    }
    return map;
  }

  private static long integer(JsonNode node, String path, long absentValue) {
    if (absent(node)) {
      return absentValue;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new IllegalArgumentException(
          path + " must be an integer: " + (node.isValueNode() ? node.asText() : node.toString()));
    }
    return node.longValue();
  }

  private static String string(JsonNode node, String path) {
    if (absent(node)) {
      return "";
    }
    if (!node.isValueNode()) {
      throw new IllegalArgumentException(path + " must be a string");
    }
    return node.asText();
  }
}
