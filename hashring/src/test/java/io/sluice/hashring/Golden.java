// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the tab-separated golden files under {@code src/test/resources/golden}. */
final class Golden {
  private Golden() {}

  /** {@return the rows of a golden file, without comments and blank lines} */
  static List<String[]> rows(String resource) {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no golden file " + resource);
      }
      List<String[]> rows = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        rows.add(line.split("\t", -1));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code <empty>} is the empty string. */
  static String text(String field) {
    return field.equals("<empty>") ? "" : field;
  }

  /** Labels as {@code name=value,...} or {@code <none>}, as alternating names and values. */
  static String[] labels(String field) {
    if (field.equals("<none>")) {
      return new String[0];
    }
    List<String> nv = new ArrayList<>();
    for (String pair : field.split(",")) {
      int eq = pair.indexOf('=');
      nv.add(pair.substring(0, eq));
      nv.add(pair.substring(eq + 1));
    }
    return nv.toArray(String[]::new);
  }

  /** Endpoints as {@code address[@az],...}. */
  static List<Endpoint> endpoints(String field) {
    List<Endpoint> out = new ArrayList<>();
    for (String e : field.split(",")) {
      int at = e.indexOf('@');
      out.add(at < 0 ? Endpoint.of(e) : Endpoint.of(e.substring(0, at), e.substring(at + 1)));
    }
    return out;
  }
}
