// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the hashring file with the rules of Go's {@code encoding/json} for Thanos' structs: keys
 * match field names case-insensitively, unknown keys are ignored, a repeated key's last value wins,
 * {@code null} leaves a field at its zero value, numbers for {@code int} fields must be integer
 * literals, and any value of the wrong type fails the whole document.
 *
 * <p>Error texts follow Go's wording ({@code json: cannot unmarshal number into Go struct field
 * HashringConfig.tenants of type []string}); syntax errors are Jackson's, and when a document has
 * several errors the one reported may differ from Go's choice.
 */
final class HashringJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10_000).build())
          .build();
  private static final Object NULL = new Object();

  private HashringJson() {}

  /** Thrown for any content Go would not unmarshal; the message is Go's style. */
  static final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    DecodeException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Num(String text) {}

  /** An object's members in document order, repeats kept. */
  private record Obj(List<Map.Entry<String, Object>> members) {}

  static List<HashringConfig> decode(byte[] content) throws DecodeException {
    Object root;
    try (JsonParser p = FACTORY.createParser(content)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new DecodeException("unexpected end of JSON input", null);
      }
      root = read(p, first);
      if (p.nextToken() != null) {
        throw new DecodeException(
            "invalid character after top-level value at " + p.currentLocation().offsetDescription(),
            null);
      }
    } catch (JsonProcessingException e) {
      throw new DecodeException(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DecodeException(e.getMessage(), e);
    }
    if (root == NULL) {
      return List.of();
    }
    if (!(root instanceof List<?> list)) {
      throw new DecodeException(
          "json: cannot unmarshal "
              + kind(root)
              + " into Go value of type []receive.HashringConfig",
          null);
    }
    List<HashringConfig> out = new ArrayList<>(list.size());
    for (Object element : list) {
      out.add(hashringConfig(element));
    }
    return out;
  }

  private static Object read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          list.add(read(p, e));
        }
        return list;
      }
      case START_OBJECT -> {
        List<Map.Entry<String, Object>> members = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_OBJECT; e = p.nextToken()) {
          String key = p.currentName();
          members.add(Map.entry(key, read(p, p.nextToken())));
        }
        return new Obj(members);
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new Num(p.getText());
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return NULL;
      }
      default -> throw new IOException("unexpected token " + t);
    }
  }

  private static String kind(Object v) {
    if (v instanceof String) {
      return "string";
    } else if (v instanceof Num) {
      return "number";
    } else if (v instanceof Boolean) {
      return "bool";
    } else if (v instanceof List) {
      return "array";
    } else {
      return "object";
    }
  }

  private static DecodeException typeError(Object v, String struct, String field, String type) {
    return new DecodeException(
        "json: cannot unmarshal "
            + kind(v)
            + " into Go struct field "
            + struct
            + "."
            + field
            + " of type "
            + type,
        null);
  }

  private static HashringConfig hashringConfig(Object v) throws DecodeException {
    if (v == NULL) {
      return new HashringConfig(null, null, null, null, null, null, null);
    }
    if (!(v instanceof Obj obj)) {
      throw new DecodeException(
          "json: cannot unmarshal " + kind(v) + " into Go value of type receive.HashringConfig",
          null);
    }
    String hashring = "";
    List<String> tenants = List.of();
    String matcher = "";
    List<Endpoint> endpoints = List.of();
    String algorithm = "";
    Map<String, String> externalLabels = Map.of();
    ShuffleShardingConfig shuffle = ShuffleShardingConfig.DISABLED;
    final String s = "HashringConfig";
    for (Map.Entry<String, Object> m : obj.members()) {
      String key = m.getKey();
      Object value = m.getValue();
      if (key.equalsIgnoreCase("hashring")) {
        hashring = string(value, hashring, s, "hashring");
      } else if (key.equalsIgnoreCase("tenants")) {
        tenants = strings(value, tenants, s, "tenants");
      } else if (key.equalsIgnoreCase("tenant_matcher_type")) {
        matcher = string(value, matcher, s, "tenant_matcher_type");
      } else if (key.equalsIgnoreCase("endpoints")) {
        endpoints = endpoints(value, endpoints);
      } else if (key.equalsIgnoreCase("algorithm")) {
        algorithm = string(value, algorithm, s, "algorithm");
      } else if (key.equalsIgnoreCase("external_labels")) {
        externalLabels = labels(value);
      } else if (key.equalsIgnoreCase("shuffle_sharding_config")) {
        shuffle = shuffleSharding(value, shuffle);
      }
    }
    return new HashringConfig(
        hashring, tenants, matcher, endpoints, algorithm, externalLabels, shuffle);
  }

  private static String string(Object v, String previous, String struct, String field)
      throws DecodeException {
    if (v == NULL) {
      return previous;
    }
    if (v instanceof String str) {
      return str;
    }
    throw typeError(v, struct, field, "string");
  }

  private static List<String> strings(Object v, List<String> previous, String struct, String field)
      throws DecodeException {
    if (v == NULL) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw typeError(v, struct, field, "[]string");
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object e : list) {
      out.add(string(e, "", struct, field));
    }
    return out;
  }

  private static List<Endpoint> endpoints(Object v, List<Endpoint> previous)
      throws DecodeException {
    if (v == NULL) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw typeError(v, "HashringConfig", "endpoints", "[]receive.Endpoint");
    }
    List<Endpoint> out = new ArrayList<>(list.size());
    for (Object e : list) {
      out.add(endpoint(e));
    }
    return out;
  }

  // Thanos' Endpoint.UnmarshalJSON: a string is the address, else an object; then the address must
  // be set.
  private static Endpoint endpoint(Object v) throws DecodeException {
    String address = "";
    String capnp = "";
    String az = "";
    if (v instanceof String str) {
      address = str;
    } else if (v instanceof Obj obj) {
      final String s = "endpointAlias";
      for (Map.Entry<String, Object> m : obj.members()) {
        String key = m.getKey();
        if (key.equalsIgnoreCase("address")) {
          address = string(m.getValue(), address, s, "address");
        } else if (key.equalsIgnoreCase("capnproto_address")) {
          capnp = string(m.getValue(), capnp, s, "capnproto_address");
        } else if (key.equalsIgnoreCase("az")) {
          az = string(m.getValue(), az, s, "az");
        }
      }
    } else if (v != NULL) {
      throw new DecodeException(
          "json: cannot unmarshal " + kind(v) + " into Go value of type receive.endpointAlias",
          null);
    }
    try {
      return new Endpoint(address, capnp, az);
    } catch (IllegalArgumentException e) {
      throw new DecodeException(e.getMessage(), null);
    }
  }

  // Prometheus' labels.Labels.UnmarshalJSON: a map of strings.
  private static Map<String, String> labels(Object v) throws DecodeException {
    if (v == NULL) {
      return Map.of();
    }
    if (!(v instanceof Obj obj)) {
      throw new DecodeException(
          "json: cannot unmarshal " + kind(v) + " into Go value of type map[string]string", null);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> m : obj.members()) {
      Object value = m.getValue();
      if (value == NULL) {
        out.put(m.getKey(), "");
      } else if (value instanceof String str) {
        out.put(m.getKey(), str);
      } else {
        throw new DecodeException(
            "json: cannot unmarshal " + kind(value) + " into Go value of type string", null);
      }
    }
    return out;
  }

  private static ShuffleShardingConfig shuffleSharding(Object v, ShuffleShardingConfig previous)
      throws DecodeException {
    if (v == NULL) {
      return previous;
    }
    final String s = "ShuffleShardingConfig";
    final String path = "shuffle_sharding_config.";
    if (!(v instanceof Obj obj)) {
      throw typeError(
          v, "HashringConfig", "shuffle_sharding_config", "receive.ShuffleShardingConfig");
    }
    int shardSize = previous.shardSize();
    int cacheSize = previous.cacheSize();
    boolean zoneAwarenessDisabled = previous.zoneAwarenessDisabled();
    List<ShuffleShardingOverride> overrides = previous.overrides();
    for (Map.Entry<String, Object> m : obj.members()) {
      String key = m.getKey();
      Object value = m.getValue();
      if (key.equalsIgnoreCase("shard_size")) {
        shardSize = integer(value, shardSize, s, path + "shard_size");
      } else if (key.equalsIgnoreCase("cache_size")) {
        cacheSize = integer(value, cacheSize, s, path + "cache_size");
      } else if (key.equalsIgnoreCase("zone_awareness_disabled")) {
        if (value instanceof Boolean b) {
          zoneAwarenessDisabled = b;
        } else if (value != NULL) {
          throw typeError(value, s, path + "zone_awareness_disabled", "bool");
        }
      } else if (key.equalsIgnoreCase("overrides")) {
        overrides = overrides(value, path + "overrides");
      }
    }
    return new ShuffleShardingConfig(shardSize, cacheSize, zoneAwarenessDisabled, overrides);
  }

  private static List<ShuffleShardingOverride> overrides(Object v, String path)
      throws DecodeException {
    if (v == NULL) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw typeError(v, "ShuffleShardingConfig", path, "[]receive.ShuffleShardingOverrideConfig");
    }
    final String s = "ShuffleShardingOverrideConfig";
    List<ShuffleShardingOverride> out = new ArrayList<>(list.size());
    for (Object e : list) {
      int shardSize = 0;
      List<String> tenants = List.of();
      String matcher = "";
      if (e instanceof Obj obj) {
        for (Map.Entry<String, Object> m : obj.members()) {
          String key = m.getKey();
          if (key.equalsIgnoreCase("shard_size")) {
            shardSize = integer(m.getValue(), shardSize, s, path + ".shard_size");
          } else if (key.equalsIgnoreCase("tenants")) {
            tenants = strings(m.getValue(), tenants, s, path + ".tenants");
          } else if (key.equalsIgnoreCase("tenant_matcher_type")) {
            matcher = string(m.getValue(), matcher, s, path + ".tenant_matcher_type");
          }
        }
      } else if (e != NULL) {
        throw typeError(e, "ShuffleShardingConfig", path, "receive.ShuffleShardingOverrideConfig");
      }
      out.add(new ShuffleShardingOverride(shardSize, tenants, matcher));
    }
    return out;
  }

  // A Go int (64 bits) from an integer literal; saturated to Java's int, which changes nothing a
  // shard or cache size can mean.
  private static int integer(Object v, int previous, String struct, String field)
      throws DecodeException {
    if (v == NULL) {
      return previous;
    }
    if (!(v instanceof Num num)) {
      throw typeError(v, struct, field, "int");
    }
    long value;
    try {
      value = Long.parseLong(num.text());
    } catch (NumberFormatException e) {
      throw new DecodeException(
          "json: cannot unmarshal number "
              + num.text()
              + " into Go struct field "
              + struct
              + "."
              + field
              + " of type int",
          null);
    }
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }
}
