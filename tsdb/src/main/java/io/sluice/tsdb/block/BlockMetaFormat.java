// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.tsdb.block.BlockMeta.BlockDesc;
import io.sluice.tsdb.block.BlockMeta.Compaction;
import io.sluice.tsdb.block.BlockMeta.IndexStats;
import io.sluice.tsdb.block.BlockMeta.ObjectHash;
import io.sluice.tsdb.block.BlockMeta.Stats;
import io.sluice.tsdb.block.BlockMeta.Thanos;
import io.sluice.tsdb.block.BlockMeta.ThanosFile;
import io.sluice.tsdb.encoding.GoJson;
import io.sluice.tsdb.fileutil.FileUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes a block's {@code meta.json}.
 *
 * <p>Reference: {@code shared/reference/prometheus-formats.md} §4.2 and {@code
 * shared/reference/thanos-receive.md} §7.3. Prometheus 2.42 ({@code tsdb/block.go}) writes it with
 * Go's {@code json.MarshalIndent(meta, "", "\t")}, keys in struct declaration order and no trailing
 * newline; Thanos ({@code pkg/block/metadata/meta.go}) writes the same layout through a {@code
 * json.Encoder}, which appends one newline. Both are written by {@link GoJson}, whose javadoc has
 * the layout and Go's string escaping.
 *
 * <pre>
 * meta        = { "ulid": ULID, "minTime": int64, "maxTime": int64,   ; maxTime exclusive
 *                 "stats": stats, "compaction": compaction, "version": 1
 *                 [, "thanos": thanos] }
 * stats       = { ["numSamples": n] ["numFloatSamples": n] ["numHistogramSamples": n]
 *                 ["numSeries": n] ["numChunks": n] ["numTombstones": n] }   ; omitted when 0
 * compaction  = { "level": int ["sources": [ULID...]] ["deletable": true]
 *                 ["parents": [{ "ulid": ULID, "minTime": int64, "maxTime": int64 }...]]
 *                 ["failed": true] ["hints": [string...]] }                  ; omitted when empty
 * thanos      = { ["version": int] "labels": {name: value...}            ; keys in byte order
 *                 "downsample": { "resolution": int64 } "source": string
 *                 ["segment_files": [string...]]
 *                 ["files": [{ "rel_path": string ["size_bytes": int64]
 *                              ["hash": { "hashFunc": string, "value": string }] }...]]
 *                 ["index_stats": { ["series_max_size": int64] ["chunk_max_size": int64] }]
 *                 ["upload_time": RFC 3339 string] }
 * </pre>
 *
 * <p>Reading tolerates unknown keys, as Go does, and rejects a {@code version} other than 1
 * ("unexpected meta file version", as Prometheus) and a Thanos section version other than 0 or 1.
 * Unknown keys (e.g. Thanos' {@code rewrites}) are not kept. Stateless and thread-safe.
 */
public final class BlockMetaFormat {
  /** File name of the meta file in a block directory. */
  public static final String FILE_NAME = "meta.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BlockMetaFormat() {}

  /**
   * Reads {@code <blockDir>/meta.json}.
   *
   * @throws InvalidBlockMetaException naming the file if its content is not a valid meta
   * @throws IOException if it cannot be read (e.g. {@link java.nio.file.NoSuchFileException})
   */
  public static BlockMeta read(Path blockDir) throws IOException {
    Path p = blockDir.resolve(FILE_NAME);
    byte[] json = Files.readAllBytes(p);
    try {
      return parse(json);
    } catch (InvalidBlockMetaException e) {
      throw new InvalidBlockMetaException(p + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses meta JSON.
   *
   * @throws InvalidBlockMetaException if the JSON is malformed, a field has the wrong type or
   *     value, or the version is not 1
   */
  public static BlockMeta parse(byte[] json) throws InvalidBlockMetaException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidBlockMetaException("malformed meta JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      requireObject(root, "meta");
      long version = integer(root, "version");
      if (version != BlockMeta.VERSION) {
        throw new InvalidBlockMetaException("unexpected meta file version " + version);
      }
      if (present(root, "ulid") == null) {
        throw new InvalidBlockMetaException("meta has no ulid");
      }
      JsonNode thanos = present(root, "thanos");
      return new BlockMeta(
          ulid(root.get("ulid"), "ulid"),
          integer(root, "minTime"),
          integer(root, "maxTime"),
          stats(present(root, "stats")),
          compaction(present(root, "compaction")),
          thanos == null ? null : thanos(thanos));
    } catch (IllegalArgumentException e) {
      throw new InvalidBlockMetaException("invalid meta: " + e.getMessage(), e);
    }
  }

  /**
   * The JSON of a meta, as Prometheus writes it when there is no Thanos section (no trailing
   * newline) and as Thanos writes it when there is one (one trailing newline).
   */
  public static byte[] toJson(BlockMeta meta) {
    return GoJson.marshal(
        g -> {
          g.writeStartObject();
          g.writeStringField("ulid", meta.ulid().toString());
          g.writeNumberField("minTime", meta.minTime());
          g.writeNumberField("maxTime", meta.maxTime());
          writeStats(g, meta.stats());
          writeCompaction(g, meta.compaction());
          g.writeNumberField("version", BlockMeta.VERSION);
          if (meta.thanos() != null) {
            writeThanos(g, meta.thanos());
          }
          g.writeEndObject();
        },
        meta.thanos() != null);
  }

  /**
   * Writes {@code <blockDir>/meta.json} atomically: to {@code meta.json.tmp}, fsync, rename over
   * {@code meta.json}, fsync of the directory (as Prometheus' {@code writeMetaFile}).
   *
   * @return the number of bytes written
   * @throws IOException if a step fails; {@code meta.json} is then either the old or the new file
   */
  public static long write(Path blockDir, BlockMeta meta) throws IOException {
    byte[] json = toJson(meta);
    FileUtil.writeAtomically(blockDir.resolve(FILE_NAME), json);
    return json.length;
  }

  // ---- writing ----

  private static void writeStats(JsonGenerator g, Stats s) throws IOException {
    g.writeObjectFieldStart("stats");
    nonZero(g, "numSamples", s.numSamples());
    nonZero(g, "numFloatSamples", s.numFloatSamples());
    nonZero(g, "numHistogramSamples", s.numHistogramSamples());
    nonZero(g, "numSeries", s.numSeries());
    nonZero(g, "numChunks", s.numChunks());
    nonZero(g, "numTombstones", s.numTombstones());
    g.writeEndObject();
  }

  private static void writeCompaction(JsonGenerator g, Compaction c) throws IOException {
    g.writeObjectFieldStart("compaction");
    g.writeNumberField("level", c.level());
    if (!c.sources().isEmpty()) {
      g.writeArrayFieldStart("sources");
      for (Ulid u : c.sources()) {
        g.writeString(u.toString());
      }
      g.writeEndArray();
    }
    if (c.deletable()) {
      g.writeBooleanField("deletable", true);
    }
    if (!c.parents().isEmpty()) {
      g.writeArrayFieldStart("parents");
      for (BlockDesc d : c.parents()) {
        g.writeStartObject();
        g.writeStringField("ulid", d.ulid().toString());
        g.writeNumberField("minTime", d.minTime());
        g.writeNumberField("maxTime", d.maxTime());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (c.failed()) {
      g.writeBooleanField("failed", true);
    }
    if (!c.hints().isEmpty()) {
      g.writeArrayFieldStart("hints");
      for (String h : c.hints()) {
        g.writeString(h);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeThanos(JsonGenerator g, Thanos t) throws IOException {
    g.writeObjectFieldStart("thanos");
    nonZero(g, "version", t.version());
    g.writeObjectFieldStart("labels");
    for (Map.Entry<String, String> e : t.labels().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeObjectFieldStart("downsample");
    g.writeNumberField("resolution", t.downsampleResolution());
    g.writeEndObject();
    g.writeStringField("source", t.source());
    if (!t.segmentFiles().isEmpty()) {
      g.writeArrayFieldStart("segment_files");
      for (String s : t.segmentFiles()) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
    if (!t.files().isEmpty()) {
      g.writeArrayFieldStart("files");
      for (ThanosFile f : t.files()) {
        g.writeStartObject();
        g.writeStringField("rel_path", f.relPath());
        nonZero(g, "size_bytes", f.sizeBytes());
        if (f.hash() != null) {
          g.writeObjectFieldStart("hash");
          g.writeStringField("hashFunc", f.hash().hashFunc());
          g.writeStringField("value", f.hash().value());
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (t.indexStats() != null) {
      g.writeObjectFieldStart("index_stats");
      nonZero(g, "series_max_size", t.indexStats().seriesMaxSize());
      nonZero(g, "chunk_max_size", t.indexStats().chunkMaxSize());
      g.writeEndObject();
    }
    if (t.uploadTime() != null) {
      g.writeStringField("upload_time", t.uploadTime());
    }
    g.writeEndObject();
  }

  private static void nonZero(JsonGenerator g, String name, long v) throws IOException {
    if (v != 0) {
      g.writeNumberField(name, v);
    }
  }

  // ---- reading ----

  private static JsonNode present(JsonNode parent, String name) {
    JsonNode n = parent.get(name);
    return n == null || n.isNull() ? null : n;
  }

  private static void requireObject(JsonNode n, String what) throws InvalidBlockMetaException {
    if (!n.isObject()) {
      throw new InvalidBlockMetaException(what + " is not a JSON object: " + n.getNodeType());
    }
  }

  private static long integer(JsonNode parent, String name) throws InvalidBlockMetaException {
    JsonNode n = present(parent, name);
    if (n == null) {
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new InvalidBlockMetaException(name + " is not a 64-bit integer: " + n);
    }
    return n.longValue();
  }

  private static long count(JsonNode parent, String name) throws InvalidBlockMetaException {
    long v = integer(parent, name);
    if (v < 0) {
      throw new InvalidBlockMetaException(name + " is negative: " + v);
    }
    return v;
  }

  private static String string(JsonNode n, String name) throws InvalidBlockMetaException {
    if (!n.isTextual()) {
      throw new InvalidBlockMetaException(name + " is not a string: " + n);
    }
    return n.textValue();
  }

  private static boolean bool(JsonNode parent, String name) throws InvalidBlockMetaException {
    JsonNode n = present(parent, name);
    if (n == null) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new InvalidBlockMetaException(name + " is not a boolean: " + n);
    }
    return n.booleanValue();
  }

  private static Ulid ulid(JsonNode n, String name) throws InvalidBlockMetaException {
    return Ulid.parse(string(n, name));
  }

  private static List<JsonNode> array(JsonNode parent, String name)
      throws InvalidBlockMetaException {
    JsonNode n = present(parent, name);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new InvalidBlockMetaException(name + " is not an array: " + n.getNodeType());
    }
    List<JsonNode> out = new ArrayList<>(n.size());
    n.forEach(out::add);
    return out;
  }

  private static Stats stats(JsonNode n) throws InvalidBlockMetaException {
    if (n == null) {
      return Stats.EMPTY;
    }
    requireObject(n, "stats");
    return new Stats(
        count(n, "numSamples"),
        count(n, "numFloatSamples"),
        count(n, "numHistogramSamples"),
        count(n, "numSeries"),
        count(n, "numChunks"),
        count(n, "numTombstones"));
  }

  private static Compaction compaction(JsonNode n) throws InvalidBlockMetaException {
    if (n == null) {
      return new Compaction(0, List.of(), List.of(), false, false, List.of());
    }
    requireObject(n, "compaction");
    long level = integer(n, "level");
    if (level < 0 || level > Integer.MAX_VALUE) {
      throw new InvalidBlockMetaException("compaction level out of range: " + level);
    }
    List<Ulid> sources = new ArrayList<>();
    for (JsonNode s : array(n, "sources")) {
      sources.add(ulid(s, "compaction.sources"));
    }
    List<BlockDesc> parents = new ArrayList<>();
    for (JsonNode p : array(n, "parents")) {
      requireObject(p, "compaction.parents entry");
      JsonNode u = present(p, "ulid");
      if (u == null) {
        throw new InvalidBlockMetaException("compaction.parents entry has no ulid");
      }
      parents.add(
          new BlockDesc(
              ulid(u, "compaction.parents.ulid"), integer(p, "minTime"), integer(p, "maxTime")));
    }
    List<String> hints = new ArrayList<>();
    for (JsonNode h : array(n, "hints")) {
      hints.add(string(h, "compaction.hints"));
    }
    return new Compaction(
        (int) level, sources, parents, bool(n, "deletable"), bool(n, "failed"), hints);
  }

  private static Thanos thanos(JsonNode n) throws InvalidBlockMetaException {
    requireObject(n, "thanos");
    long version = integer(n, "version");
    if (version != 0 && version != 1) {
      throw new InvalidBlockMetaException("unexpected meta file Thanos section version " + version);
    }
    TreeMap<String, String> labels = new TreeMap<>();
    JsonNode l = present(n, "labels");
    if (l != null) {
      requireObject(l, "thanos.labels");
      for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        labels.put(e.getKey(), string(e.getValue(), "thanos.labels." + e.getKey()));
      }
    }
    long resolution = 0;
    JsonNode d = present(n, "downsample");
    if (d != null) {
      requireObject(d, "thanos.downsample");
      resolution = integer(d, "resolution");
    }
    JsonNode src = present(n, "source");
    String source = src == null ? "" : string(src, "thanos.source");
    List<String> segmentFiles = new ArrayList<>();
    for (JsonNode s : array(n, "segment_files")) {
      segmentFiles.add(string(s, "thanos.segment_files"));
    }
    List<ThanosFile> files = new ArrayList<>();
    for (JsonNode f : array(n, "files")) {
      requireObject(f, "thanos.files entry");
      JsonNode rel = present(f, "rel_path");
      String relPath = rel == null ? "" : string(rel, "thanos.files.rel_path");
      ObjectHash hash = null;
      JsonNode h = present(f, "hash");
      if (h != null) {
        requireObject(h, "thanos.files.hash");
        JsonNode fn = present(h, "hashFunc");
        JsonNode v = present(h, "value");
        hash =
            new ObjectHash(
                fn == null ? "" : string(fn, "hashFunc"), v == null ? "" : string(v, "value"));
      }
      files.add(new ThanosFile(relPath, count(f, "size_bytes"), hash));
    }
    IndexStats indexStats = null;
    JsonNode is = present(n, "index_stats");
    if (is != null) {
      requireObject(is, "thanos.index_stats");
      indexStats = new IndexStats(integer(is, "series_max_size"), integer(is, "chunk_max_size"));
    }
    JsonNode up = present(n, "upload_time");
    String uploadTime = up == null ? null : string(up, "thanos.upload_time");
    return new Thanos(
        (int) version, labels, resolution, source, segmentFiles, files, indexStats, uploadTime);
  }
}
