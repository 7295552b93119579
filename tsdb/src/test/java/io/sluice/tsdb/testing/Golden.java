// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/** Reads golden files from {@code src/test/resources/golden}. */
public final class Golden {
  private Golden() {}

  /** The non-comment, non-blank lines of a golden file, split at whitespace (tabs or spaces). */
  public static List<String[]> rows(String path) {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no golden file " + path);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("#") && !line.isBlank()) {
          rows.add(line.trim().split("\\s+"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** CRC32C over the encoding byte followed by the chunk data, as Prometheus stores it. */
  public static int chunkCrc(byte encoding, byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(encoding);
    crc.update(data);
    return (int) crc.getValue();
  }
}
