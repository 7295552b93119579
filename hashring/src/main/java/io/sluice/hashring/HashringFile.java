// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The hashring file ({@code --receive.hashrings-file}, or the content of {@code
 * --receive.hashrings}): a JSON array of rings.
 *
 * <pre>
 * [
 *   {
 *     "hashring": "default",                      // name; the "name" label of the gauges
 *     "tenants": ["a", "b"],                      // absent or empty: every tenant
 *     "tenant_matcher_type": "exact",             // "exact" (also absent) | "glob"
 *     "endpoints": [                              // strings or objects
 *       "receive-0:10901",
 *       {"address": "receive-1:10901", "capnproto_address": "receive-1:19391", "az": "a"}
 *     ],
 *     "algorithm": "ketama",                      // absent: the flag's; unknown: hashmod
 *     "external_labels": {"team": "x"},           // for tenants listed by exact name
 *     "shuffle_sharding_config": {                // ketama only
 *       "shard_size": 3, "cache_size": 100, "zone_awareness_disabled": false,
 *       "overrides": [{"shard_size": 5, "tenants": ["big-*"], "tenant_matcher_type": "glob"}]
 *     }
 *   }
 * ]
 * </pre>
 *
 * <p>It is read as Thanos reads it (Go's {@code encoding/json}, see {@link HashringJson}): unknown
 * keys are ignored and keys match case-insensitively. An endpoint without an address is a parse
 * error ({@code endpoint address must be set}). A document that parses but names no ring ({@code
 * []}, {@code null}) is rejected by {@link #load}. Whether the rings can be built (hashmod with
 * AZs, ketama with fewer endpoints than the replication factor, ...) is decided by {@link
 * MultiHashring#create}, not here.
 */
public final class HashringFile {
  private HashringFile() {}

  /**
   * A successfully loaded file.
   *
   * @param configs the rings, never empty
   * @param sha256 the SHA-256 of the file's bytes
   */
  public record Loaded(List<HashringConfig> configs, byte[] sha256) {
    /** Copies the list and the digest. */
    public Loaded {
      configs = List.copyOf(configs);
      sha256 = sha256.clone();
    }

    /** {@return the digest; a copy} */
    @Override
    public byte[] sha256() {
      return sha256.clone();
    }

    /** {@return the value of {@code thanos_receive_config_hash} for this content} */
    public double configHash() {
      return configHash(sha256);
    }

    /** {@return whether both have the same digest} */
    boolean sameContent(Loaded other) {
      return other != null && MessageDigest.isEqual(sha256, other.sha256);
    }

    static double configHash(byte[] sha256) {
      long v = 0;
      for (int i = 5; i >= 0; i--) {
        v = (v << 8) | (sha256[i] & 0xFF);
      }
      return v;
    }
  }

  /**
   * Parses a hashring document (Thanos' {@code ParseConfig}). Does not reject an empty array.
   *
   * @param content the JSON bytes
   * @return the rings in document order; empty for {@code []} or {@code null}
   * @throws HashringConfigException of kind {@link HashringConfigException.Kind#PARSE}
   */
  public static List<HashringConfig> parse(byte[] content) throws HashringConfigException {
    try {
      return HashringJson.decode(content);
    } catch (HashringJson.DecodeException e) {
      throw new HashringConfigException(
          HashringConfigException.Kind.PARSE,
          "failed to parse configuration file: "
              + e.getMessage()
              + ": configuration file is not parsable",
          e.getCause());
    }
  }

  /**
   * Parses content and rejects a document without rings (Thanos' {@code loadConfig} after the
   * read), e.g. for {@code --receive.hashrings}.
   *
   * @param content the JSON bytes
   * @param source the path or a description, for the message
   * @throws HashringConfigException if the content does not parse or names no ring
   */
  public static Loaded load(byte[] content, String source) throws HashringConfigException {
    List<HashringConfig> configs = parse(content);
    if (configs.isEmpty()) {
      throw new HashringConfigException(
          HashringConfigException.Kind.EMPTY,
          "failed to load configuration file, path: " + source + ": configuration file is empty",
          null);
    }
    return new Loaded(configs, sha256(content));
  }

  /**
   * Reads and parses a hashring file, following symbolic links (Thanos' {@code loadConfig}).
   *
   * @throws HashringConfigException if the file cannot be read, does not parse or names no ring
   */
  public static Loaded load(Path path) throws HashringConfigException {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new HashringConfigException(
          HashringConfigException.Kind.READ,
          "failed to read configuration file: " + describe(e),
          e);
    }
    return load(content, path.toString());
  }

  /**
   * Thanos' {@code thanos_receive_config_hash} of some content: the first 6 bytes of its SHA-256
   * read as a little-endian integer (48 bits, exact in a double).
   */
  public static double configHash(byte[] content) {
    return Loaded.configHash(sha256(content));
  }

  static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    return m == null ? kind : kind + ": " + m;
  }
}
