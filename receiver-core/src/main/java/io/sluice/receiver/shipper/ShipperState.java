// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.shipper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.tsdb.block.Ulid;
import io.sluice.tsdb.encoding.GoJson;
import io.sluice.tsdb.fileutil.FileUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shipper's record of the blocks it uploaded: {@code <tenant dir>/thanos.shipper.json}, as
 * Thanos' shipper writes it ({@code pkg/shipper/shipper.go}, reference thanos-receive.md §7.2).
 *
 * <pre>
 * file     = "{" NL TAB "\"version\": 1," NL TAB "\"uploaded\": " uploaded NL "}" NL
 * uploaded = "null"                                             ; nothing uploaded (Go's nil slice)
 *          | "[" NL TAB TAB ULID ("," NL TAB TAB ULID)* NL TAB "]"
 * </pre>
 *
 * That is Go's {@code json.Encoder} with {@code SetIndent("", "\t")} ({@link GoJson}): one tab per
 * level, and a trailing newline. ULIDs are JSON strings in upper-case Crockford base32. The file is
 * replaced atomically (temporary file, fsync, rename, fsync of the directory), so a crash leaves
 * the old or the new record. Reading accepts any JSON layout; a missing, unreadable or malformed
 * file, or a version other than 1, reads as "nothing uploaded", as Thanos does — the bucket check
 * of the next pass then finds the blocks that are already there.
 *
 * @param version always {@link #VERSION}
 * @param uploaded the uploaded blocks, in the order the shipper recorded them
 */
public record ShipperState(int version, List<Ulid> uploaded) {
  /** The file name in a tenant directory. */
  public static final String FILE_NAME = "thanos.shipper.json";

  /** The only version: {@code "version": 1}. */
  public static final int VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Copies the list. */
  public ShipperState {
    Objects.requireNonNull(uploaded, "uploaded");
    uploaded = List.copyOf(uploaded);
  }

  /** A version-1 state with these blocks. */
  public static ShipperState of(List<Ulid> uploaded) {
    return new ShipperState(VERSION, uploaded);
  }

  /**
   * Reads {@code <dir>/thanos.shipper.json}.
   *
   * @return the state, or empty when the file is missing, unreadable or not a version-1 state
   */
  public static Optional<ShipperState> read(Path dir) {
    byte[] json;
    try {
      json = Files.readAllBytes(dir.resolve(FILE_NAME));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    return parse(json);
  }

  /**
   * Parses the JSON of a state.
   *
   * @return the state, or empty when it is malformed or not version 1
   */
  public static Optional<ShipperState> parse(byte[] json) {
    try {
      JsonNode root = MAPPER.readTree(json);
      if (root == null || !root.isObject() || root.path("version").asInt(-1) != VERSION) {
        return Optional.empty();
      }
      List<Ulid> ids = new ArrayList<>();
      JsonNode up = root.get("uploaded");
      if (up != null && !up.isNull()) {
        if (!up.isArray()) {
          return Optional.empty();
        }
        for (JsonNode n : up) {
          if (!n.isTextual() || !Ulid.isValid(n.asText())) {
            return Optional.empty();
          }
          ids.add(Ulid.parse(n.asText()));
        }
      }
      return Optional.of(of(ids));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The file's bytes, in Go's layout (see the class documentation). */
  public byte[] toJson() {
    return GoJson.marshal(
        g -> {
          g.writeStartObject();
          g.writeNumberField("version", version);
          g.writeFieldName("uploaded");
          if (uploaded.isEmpty()) {
            g.writeNull();
          } else {
            g.writeStartArray();
            for (Ulid u : uploaded) {
              g.writeString(u.toString());
            }
            g.writeEndArray();
          }
          g.writeEndObject();
        },
        true);
  }

  /**
   * Replaces {@code <dir>/thanos.shipper.json} atomically.
   *
   * @throws IOException if a step fails; the file is then the old or the new one
   */
  public void write(Path dir) throws IOException {
    FileUtil.writeAtomically(dir.resolve(FILE_NAME), toJson());
  }
}
