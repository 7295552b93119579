// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.labels.Utf8;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The contents of a block's {@code meta.json} (Prometheus' {@code BlockMeta}, meta format version
 * 1), optionally with the {@code thanos} section Thanos adds. See {@link BlockMetaFormat} for the
 * JSON.
 *
 * @param ulid the block id, also its directory name
 * @param minTime first sample timestamp, ms (inclusive)
 * @param maxTime end of the block, ms (<b>exclusive</b>)
 * @param stats sample, series, chunk and tombstone counts
 * @param compaction where the block came from
 * @param thanos the Thanos section, or null when absent (Prometheus-written blocks)
 */
public record BlockMeta(
    Ulid ulid, long minTime, long maxTime, Stats stats, Compaction compaction, Thanos thanos) {

  /** The only meta format version: {@code "version": 1}. */
  public static final int VERSION = 1;

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if {@code minTime > maxTime}
   */
  public BlockMeta {
    Objects.requireNonNull(ulid, "ulid");
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(compaction, "compaction");
    if (minTime > maxTime) {
      throw new IllegalArgumentException(
          "block " + ulid + ": minTime " + minTime + " > maxTime " + maxTime);
    }
  }

  /**
   * The meta of a block fresh from a head or a backfill: compaction level 1, its own id as the only
   * source, no Thanos section.
   */
  public static BlockMeta level1(Ulid ulid, long minTime, long maxTime, Stats stats) {
    return new BlockMeta(
        ulid,
        minTime,
        maxTime,
        stats,
        new Compaction(1, List.of(ulid), List.of(), false, false, List.of()),
        null);
  }

  /** This meta with the given Thanos section (null removes it). */
  public BlockMeta withThanos(Thanos section) {
    return new BlockMeta(ulid, minTime, maxTime, stats, compaction, section);
  }

  /**
   * Counts of a block's contents; zero means "not recorded" and is left out of the JSON. Prometheus
   * 2.42 writes numSamples, numSeries and numChunks; numFloatSamples and numHistogramSamples come
   * from later versions.
   */
  public record Stats(
      long numSamples,
      long numFloatSamples,
      long numHistogramSamples,
      long numSeries,
      long numChunks,
      long numTombstones) {
    /** No counts. */
    public static final Stats EMPTY = new Stats(0, 0, 0, 0, 0, 0);

    /**
     * Validates the counts.
     *
     * @throws IllegalArgumentException if a count is negative (they are uint64 in Go)
     */
    public Stats {
      if (numSamples < 0
          || numFloatSamples < 0
          || numHistogramSamples < 0
          || numSeries < 0
          || numChunks < 0
          || numTombstones < 0) {
        throw new IllegalArgumentException("negative block stats");
      }
    }

    /** The counts Prometheus 2.42 records for a new block. */
    public static Stats of(long numSamples, long numSeries, long numChunks) {
      return new Stats(numSamples, 0, 0, numSeries, numChunks, 0);
    }
  }

  /** A parent block of a compacted block: its id and time range (maxTime exclusive). */
  public record BlockDesc(Ulid ulid, long minTime, long maxTime) {
    /** Checks the id is present. */
    public BlockDesc {
      Objects.requireNonNull(ulid, "ulid");
    }
  }

  /**
   * The compaction history of a block.
   *
   * @param level compaction generation: 1 for a block from a head or backfill
   * @param sources ids of the level-1 blocks that went into this block
   * @param parents the blocks this block was directly compacted from
   * @param deletable whether Prometheus deletes the block on its next reload
   * @param failed whether a compaction of this block failed
   * @param hints e.g. {@code "from-out-of-order"}
   */
  public record Compaction(
      int level,
      List<Ulid> sources,
      List<BlockDesc> parents,
      boolean deletable,
      boolean failed,
      List<String> hints) {
    /**
     * Copies the lists (null reads as empty).
     *
     * @throws IllegalArgumentException if {@code level} is negative
     */
    public Compaction {
      if (level < 0) {
        throw new IllegalArgumentException("negative compaction level " + level);
      }
      sources = sources == null ? List.of() : List.copyOf(sources);
      parents = parents == null ? List.of() : List.copyOf(parents);
      hints = hints == null ? List.of() : List.copyOf(hints);
    }
  }

  /**
   * The {@code thanos} section ({@code thanos-io/thanos:pkg/block/metadata/meta.go}).
   *
   * @param version Thanos section version; 0 is left out of the JSON and read as 1
   * @param labels external labels, in UTF-8 byte order of names as Go sorts map keys
   * @param downsampleResolution {@code downsample.resolution}, ms; 0 for raw data
   * @param source who wrote the block, e.g. {@code "receive"}
   * @param segmentFiles names of the files in {@code chunks/}, sorted (deprecated in Thanos)
   * @param files the block's files sorted by path
   * @param indexStats the index stats, or null when the section has none (older Thanos)
   * @param uploadTime {@code upload_time}: when the shipper uploaded the block, an RFC 3339 UTC
   *     time as Go writes it (e.g. {@code 2026-11-21T08:00:01.25Z}), or null when absent (a local
   *     meta that was never uploaded)
   */
  public record Thanos(
      int version,
      SortedMap<String, String> labels,
      long downsampleResolution,
      String source,
      List<String> segmentFiles,
      List<ThanosFile> files,
      IndexStats indexStats,
      String uploadTime) {
    /** Source name of blocks written by a receiver. */
    public static final String RECEIVE_SOURCE = "receive";

    /**
     * Copies the collections; labels are re-sorted in UTF-8 byte order.
     *
     * @throws IllegalArgumentException if {@code version} is neither 0 nor 1
     */
    public Thanos {
      if (version != 0 && version != 1) {
        throw new IllegalArgumentException("unexpected Thanos section version " + version);
      }
      Objects.requireNonNull(source, "source");
      TreeMap<String, String> sorted = new TreeMap<>(Utf8.ORDER);
      if (labels != null) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
          sorted.put(Objects.requireNonNull(e.getKey()), Objects.requireNonNull(e.getValue()));
        }
      }
      labels = Collections.unmodifiableSortedMap(sorted);
      segmentFiles = segmentFiles == null ? List.of() : List.copyOf(segmentFiles);
      files = files == null ? List.of() : List.copyOf(files);
    }

    /** A section without {@code upload_time}. */
    public Thanos(
        int version,
        SortedMap<String, String> labels,
        long downsampleResolution,
        String source,
        List<String> segmentFiles,
        List<ThanosFile> files,
        IndexStats indexStats) {
      this(version, labels, downsampleResolution, source, segmentFiles, files, indexStats, null);
    }

    /** This section with {@code upload_time} set (null removes it). */
    public Thanos withUploadTime(String time) {
      return new Thanos(
          version, labels, downsampleResolution, source, segmentFiles, files, indexStats, time);
    }
  }

  /**
   * One file of a block in the Thanos section.
   *
   * @param relPath path relative to the block directory, e.g. {@code chunks/000001}
   * @param sizeBytes size in bytes; 0 is left out ({@code meta.json} has no size)
   * @param hash optional hash of the contents, or null
   */
  public record ThanosFile(String relPath, long sizeBytes, ObjectHash hash) {
    /** Checks the path is present and the size not negative. */
    public ThanosFile {
      Objects.requireNonNull(relPath, "relPath");
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("negative size of " + relPath + ": " + sizeBytes);
      }
    }
  }

  /** A file hash in the Thanos section: {@code {"hashFunc": "SHA256", "value": "<hex>"}}. */
  public record ObjectHash(String hashFunc, String value) {
    /** Checks both are present. */
    public ObjectHash {
      Objects.requireNonNull(hashFunc, "hashFunc");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Largest series entry and chunk of the index, bytes; 0 is left out. */
  public record IndexStats(long seriesMaxSize, long chunkMaxSize) {
    /** No stats: written as {@code {}}, as receivers write it. */
    public static final IndexStats EMPTY = new IndexStats(0, 0);
  }
}
