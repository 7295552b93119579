// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code /api/v1/status/*}, in the envelope of the Prometheus and Thanos HTTP APIs:
 * {@code {"status":"success","data":…}}. Sections are their {@link Status} records with the
 * component names as keys; {@code flags} is an object from name to value, as Prometheus' {@code
 * /api/v1/status/flags}.
 *
 * <p>Thread-safe.
 */
public final class StatusJson {
  /** The sections served, the last path element of {@code /api/v1/status/<section>}. */
  public static final List<String> SECTIONS =
      List.of("overview", "tenants", "blocks", "hashring", "limits", "flags");

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private StatusJson() {}

  /**
   * {@return the JSON of {@code section}, read from {@code source}, or null for a section that does
   * not exist}
   */
  public static String section(StatusSource source, String section) {
    Object data =
        switch (section) {
          case "overview" -> source.overview();
          case "tenants" -> source.tenants();
          case "blocks" -> source.blocks();
          case "hashring" -> source.hashring();
          case "limits" -> source.limits();
          case "flags" -> flags(source.flags());
          default -> null;
        };
    return data == null ? null : write(data);
  }

  private static Map<String, String> flags(List<Status.Flag> flags) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Status.Flag f : flags) {
      m.put(f.name(), f.value());
    }
    return m;
  }

  /** {@return {@code data} in the success envelope} */
  static String write(Object data) {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("status", "success");
    envelope.put("data", data);
    try {
      return MAPPER.writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status records always serialize: " + e.getMessage(), e);
    }
  }
}
