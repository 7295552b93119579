// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.tsdb.labels.InvalidRegexException;
import io.sluice.tsdb.labels.PrometheusRegex;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The relabel configuration of {@code --receive.relabel-config(-file)}: a YAML list of Prometheus
 * {@code relabel_config}s, read as Thanos reads it ({@code block.ParseRelabelConfig}: yaml.v2 into
 * Prometheus' {@code relabel.Config}, then {@code Validate} with UTF-8 names).
 *
 * <p>What that means for the YAML: an empty document (or {@code null}) is no rules; each rule is a
 * mapping with the keys {@code source_labels} (a list of label names), {@code separator}, {@code
 * regex}, {@code modulus} (an unsigned integer), {@code target_label}, {@code replacement} and
 * {@code action} (any letter case); a key left out takes Prometheus' default, a key given as null
 * the zero value ({@code regex:} is the empty regex, {@code separator:} the empty separator, {@code
 * action:} an empty action, which validation rejects). Scalars are taken as their text ({@code
 * replacement: 1.50} is {@code "1.50"}). Unknown keys are ignored, as yaml.v2 ignores them; they
 * are reported in {@link #ignoredKeys} so that a typo can be logged.
 *
 * @param configs the rules, in order
 * @param ignoredKeys unknown keys met, each as {@code "key (rule n, line l)"}
 */
public record RelabelConfigs(List<RelabelConfig> configs, List<String> ignoredKeys) {
  /** No relabelling. */
  public static final RelabelConfigs NONE = new RelabelConfigs(List.of(), List.of());

  private static final YAMLFactory YAML = new YAMLFactory();
  private static final BigInteger MAX_UINT64 =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  public RelabelConfigs {
    configs = List.copyOf(configs);
    ignoredKeys = List.copyOf(ignoredKeys);
  }

  /** {@return whether there are no rules} */
  public boolean isEmpty() {
    return configs.isEmpty();
  }

  /**
   * Parses and validates a configuration.
   *
   * @param yaml the YAML text (after any environment substitution)
   * @throws RelabelConfigException naming the rule and line of the first problem
   */
  public static RelabelConfigs parse(String yaml) throws RelabelConfigException {
    Objects.requireNonNull(yaml, "yaml");
    List<RelabelConfig> configs = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    try (JsonParser p = YAML.createParser(yaml)) {
      JsonToken t = p.nextToken();
      if (t == null || t == JsonToken.VALUE_NULL) {
        return NONE;
      }
      if (t != JsonToken.START_ARRAY) {
        throw parsing("the configuration must be a list of relabel configs, not " + kind(t));
      }
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        int rule = configs.size() + 1;
        int line = line(p);
        if (t != JsonToken.START_OBJECT) {
          throw parsing("rule " + rule + " (line " + line + ") must be a mapping, not " + kind(t));
        }
        configs.add(rule(p, rule, line, ignored));
      }
    } catch (RelabelConfigException e) {
      throw e;
    } catch (IOException e) {
      String what =
          e instanceof JsonProcessingException j && j.getLocation() != null
              ? j.getOriginalMessage() + " (line " + j.getLocation().getLineNr() + ")"
              : e.getMessage();
      throw new RelabelConfigException("parsing relabel configuration: " + what, e);
    }
    return new RelabelConfigs(configs, ignored);
  }

  // One rule: p is at its START_OBJECT.
  private static RelabelConfig rule(JsonParser p, int rule, int line, List<String> ignored)
      throws IOException {
    List<String> sourceLabels = null;
    String separator = RelabelConfig.DEFAULT_SEPARATOR;
    PrometheusRegex regex = RelabelConfig.DEFAULT_REGEX;
    long modulus = 0;
    String target = "";
    String replacement = RelabelConfig.DEFAULT_REPLACEMENT;
    RelabelAction action = RelabelAction.REPLACE;
    String where = " (rule " + rule + ", line " + line + ")";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      String at = " (rule " + rule + ", line " + line(p) + ")";
      switch (key) {
        case "source_labels" -> sourceLabels = labelNames(p, v, at);
        case "separator" -> separator = string(p, v, key, at);
        case "regex" -> {
          String re = string(p, v, key, at);
          try {
            regex = PrometheusRegex.compile(re);
          } catch (InvalidRegexException e) {
            throw parsing(e.getMessage() + at);
          }
        }
        case "modulus" -> modulus = unsigned(p, v, at);
        case "target_label" -> target = string(p, v, key, at);
        case "replacement" -> replacement = string(p, v, key, at);
        case "action" -> {
          if (v == JsonToken.VALUE_NULL) {
            action = null;
          } else {
            try {
              action = RelabelAction.fromYaml(string(p, v, key, at));
            } catch (IllegalArgumentException e) {
              throw parsing(e.getMessage() + at);
            }
          }
        }
        default -> {
          ignored.add(key + at);
          p.skipChildren();
        }
      }
    }
    try {
      return new RelabelConfig(
          sourceLabels, separator, regex, modulus, target, replacement, action);
    } catch (IllegalArgumentException e) {
      throw new RelabelConfigException("validate relabel config: " + e.getMessage() + where);
    }
  }

  private static List<String> labelNames(JsonParser p, JsonToken v, String at) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.START_ARRAY) {
      throw parsing("source_labels must be a list of label names, not " + kind(v) + at);
    }
    List<String> out = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      String name = t == JsonToken.VALUE_NULL ? "" : string(p, t, "source_labels", at);
      if (!RelabelConfig.isValidLabelName(name)) {
        throw parsing(GoQuote.quote(name) + " is not a valid label name" + at);
      }
      out.add(name);
    }
    return out;
  }

  // A scalar as its text; null gives the zero value "".
  private static String string(JsonParser p, JsonToken v, String key, String at)
      throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return "";
    }
    if (!v.isScalarValue()) {
      throw parsing(key + " must be a string, not " + kind(v) + at);
    }
    return p.getText();
  }

  // yaml.v2 into a uint64: integers (YAML 1.1 forms) from 0 to 2^64-1, floats truncated.
  private static long unsigned(JsonParser p, JsonToken v, String at) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return 0;
    }
    String text = p.getText();
    BigInteger value = null;
    if (v == JsonToken.VALUE_NUMBER_INT) {
      value = integer(text.replace("_", ""));
    } else if (v == JsonToken.VALUE_NUMBER_FLOAT) {
      try {
        BigDecimal d = new BigDecimal(text.replace("_", ""));
        value = d.signum() < 0 ? null : d.toBigInteger();
      } catch (NumberFormatException e) {
        value = null;
      }
    }
    if (value == null || value.signum() < 0 || value.compareTo(MAX_UINT64) > 0) {
      throw parsing("modulus must be an unsigned 64-bit integer, not " + GoQuote.quote(text) + at);
    }
    return value.longValue();
  }

  private static BigInteger integer(String s) {
    boolean negative = s.startsWith("-");
    String body = negative || s.startsWith("+") ? s.substring(1) : s;
    int radix = 10;
    if (body.startsWith("0x") || body.startsWith("0X")) {
      radix = 16;
      body = body.substring(2);
    } else if (body.startsWith("0b") || body.startsWith("0B")) {
      radix = 2;
      body = body.substring(2);
    } else if (body.startsWith("0o") || body.startsWith("0O")) {
      radix = 8;
      body = body.substring(2);
    } else if (body.length() > 1 && body.startsWith("0")) {
      radix = 8;
      body = body.substring(1);
    }
    try {
      BigInteger v = new BigInteger(body, radix);
      return negative ? v.negate() : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String kind(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "a mapping";
      case START_ARRAY -> "a list";
      case VALUE_NULL -> "null";
      default -> "a scalar";
    };
  }

  private static int line(JsonParser p) {
    JsonLocation l = p.currentTokenLocation();
    return l.getLineNr();
  }

  private static RelabelConfigException parsing(String what) {
    return new RelabelConfigException("parsing relabel configuration: " + what);
  }
}
