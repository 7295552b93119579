// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.shipper;

import io.sluice.objstore.Bucket;
import io.sluice.tsdb.block.BlockDirs;
import io.sluice.tsdb.block.BlockMeta;
import io.sluice.tsdb.block.BlockMeta.IndexStats;
import io.sluice.tsdb.block.BlockMeta.Thanos;
import io.sluice.tsdb.block.BlockMeta.ThanosFile;
import io.sluice.tsdb.block.BlockMetaFormat;
import io.sluice.tsdb.block.Ulid;
import io.sluice.tsdb.fileutil.FileUtil;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads one tenant's blocks to a bucket, as Thanos' shipper does for receive ({@code
 * thanos-io/thanos:pkg/shipper/shipper.go}; reference thanos-receive.md §7). A pass ({@link #sync})
 * does this:
 *
 * <ol>
 *   <li>Reads {@link ShipperState} ({@code thanos.shipper.json}); a missing or broken file is an
 *       empty record.
 *   <li>Reads the {@code meta.json} of every block directory and orders the blocks by {@code
 *       minTime}.
 *   <li>Skips blocks already recorded (they stay recorded), blocks without samples and blocks of
 *       compaction level above 1 (neither recorded).
 *   <li>Records without uploading a block whose {@code <ULID>/meta.json} is already in the bucket.
 *   <li>Uploads the others: {@code <ULID>/chunks/000001…} in name order, then {@code <ULID>/index},
 *       then {@code <ULID>/meta.json} with the Thanos section (labels, {@code
 *       downsample.resolution} 0, {@code source} "receive", {@code segment_files}, {@code files}
 *       with sizes, {@code index_stats} {}, {@code upload_time}). A reader sees no block until its
 *       {@code meta.json} is there, and that comes last. The files are hard-linked into {@code
 *       thanos/upload/<ULID>/} first, as Thanos does, so they outlive a concurrent deletion of the
 *       block; the block directory itself is not modified.
 *   <li>Stops uploading at the first failure, so that blocks reach the bucket in {@code minTime}
 *       order; the failed block is retried at the next pass. The bucket client's own retries are
 *       the only ones within a pass.
 *   <li>Rewrites {@code thanos.shipper.json} atomically with the recorded blocks that still exist
 *       locally.
 * </ol>
 *
 * A process killed in the middle of an upload leaves objects without a {@code meta.json} in the
 * bucket; the next pass uploads the whole block again, replacing them.
 *
 * <p>Thread-safe: passes are serialized. {@link #uploaded} may be called at any time (retention
 * asks it which blocks it may delete). The bucket belongs to the caller.
 */
public final class Shipper {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

  /** The directory, under the tenant directory, that blocks are hard-linked into for upload. */
  public static final String UPLOAD_DIR = "thanos/upload";

  private static final String CHUNKS = "chunks";
  private static final String INDEX = "index";
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private final String tenant;
  private final Path dir;
  private final Bucket bucket;
  private final TreeMap<String, String> labels;
  private final InstantSource clock;
  private final boolean skipCorrupted;
  private final ShipperListener listener;
  private volatile Set<Ulid> uploaded;

  /**
   * Creates the shipper of one tenant. Reads {@code thanos.shipper.json} at once, so that {@link
   * #uploaded} answers before the first pass.
   *
   * @param tenant the tenant, for logs
   * @param dir the tenant's database directory
   * @param bucket where blocks go; not closed by the shipper
   * @param labels the tenant's external labels ({@code --label}s and the tenant label), written to
   *     every {@code meta.json}
   * @param clock gives {@code upload_time}
   * @param skipCorrupted on a block whose {@code meta.json} cannot be read: skip it and go on
   *     (true, {@code --shipper.skip-corrupted-blocks}) or fail the pass before uploading anything
   *     (false, Thanos' default)
   * @param listener told about passes and uploads
   * @throws IllegalArgumentException if {@code labels} is empty: Thanos refuses blocks without
   *     external labels, as they cannot be told apart in the bucket
   */
  public Shipper(
      String tenant,
      Path dir,
      Bucket bucket,
      Map<String, String> labels,
      InstantSource clock,
      boolean skipCorrupted,
      ShipperListener listener) {
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.dir = Objects.requireNonNull(dir, "dir");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    if (labels.isEmpty()) {
      throw new IllegalArgumentException(
          "empty external labels are not allowed for a Thanos block (tenant " + tenant + ")");
    }
    this.labels = new TreeMap<>(labels);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.skipCorrupted = skipCorrupted;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.uploaded =
        Set.copyOf(ShipperState.read(dir).map(ShipperState::uploaded).orElse(List.of()));
  }

  /** The tenant this shipper uploads for. */
  public String tenant() {
    return tenant;
  }

  /**
   * Whether the block is in the bucket, as far as the last pass (or the state file read at
   * construction) knows. Retention deletes only such blocks.
   */
  public boolean uploaded(Ulid block) {
    return uploaded.contains(block);
  }

  /**
   * Runs one pass (see the class documentation).
   *
   * @return the number of blocks uploaded by this pass
   * @throws IOException when the block directories cannot be listed, a {@code meta.json} is corrupt
   *     (unless corrupt blocks are skipped), an upload fails (the pass stops there; the state of
   *     the blocks handled before it is written) or the state cannot be written
   */
  public synchronized int sync() throws IOException {
    boolean ok = false;
    try {
      int n = pass();
      ok = true;
      return n;
    } finally {
      listener.dirSynced(ok);
    }
  }

  private int pass() throws IOException {
    // Hard links left by a pass that was killed; passes of a tenant never overlap.
    FileUtil.deleteRecursively(dir.resolve(UPLOAD_DIR));
    Set<Ulid> recorded =
        new HashSet<>(ShipperState.read(dir).map(ShipperState::uploaded).orElse(List.of()));
    List<BlockMeta> metas = localBlocks();
    LinkedHashSet<Ulid> nowUploaded = new LinkedHashSet<>();
    IOException failure = null;
    int count = 0;
    for (BlockMeta m : metas) {
      if (recorded.contains(m.ulid())) {
        nowUploaded.add(m.ulid());
        continue;
      }
      if (failure != null || m.stats().numSamples() == 0 || m.compaction().level() > 1) {
        continue;
      }
      try {
        if (bucket.exists(m.ulid() + "/" + BlockMetaFormat.FILE_NAME)) {
          LOG.atInfo()
              .addKeyValue("tenant", tenant)
              .addKeyValue("block", m.ulid())
              .log("block already in the bucket; recorded as uploaded");
          nowUploaded.add(m.ulid());
          continue;
        }
        upload(m);
        nowUploaded.add(m.ulid());
        count++;
        listener.uploaded(m);
      } catch (IOException | RuntimeException e) {
        listener.uploadFailed(m, e);
        failure =
            new IOException("upload of block " + m.ulid() + " of tenant " + tenant + " failed", e);
      }
    }
    uploaded = Set.copyOf(nowUploaded);
    try {
      ShipperState.of(new ArrayList<>(nowUploaded)).write(dir);
    } catch (IOException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
    if (failure != null) {
      throw failure;
    }
    return count;
  }

  // The level-1 candidates and the recorded blocks, by minTime (then id).
  private List<BlockMeta> localBlocks() throws IOException {
    List<BlockMeta> metas = new ArrayList<>();
    for (Ulid id : BlockDirs.blockIds(dir)) {
      Path blockDir = BlockDirs.blockDir(dir, id);
      try {
        metas.add(BlockMetaFormat.read(blockDir));
      } catch (NoSuchFileException gone) {
        // Deleted by retention since it was listed, or not a complete block: nothing to ship.
        if (Files.isDirectory(blockDir)) {
          corrupted(id, gone);
        }
      } catch (IOException e) {
        corrupted(id, e);
      }
    }
    metas.sort(Comparator.comparingLong(BlockMeta::minTime).thenComparing(BlockMeta::ulid));
    return metas;
  }

  private void corrupted(Ulid id, IOException e) throws IOException {
    listener.corruptedBlock(id.toString(), e);
    LOG.atError()
        .addKeyValue("tenant", tenant)
        .addKeyValue("block", id)
        .addKeyValue("err", e.toString())
        .log(skipCorrupted ? "skipping corrupted block" : "corrupted block stops the upload pass");
    if (!skipCorrupted) {
      throw new IOException("read metadata for block " + id + " of tenant " + tenant, e);
    }
  }

  private void upload(BlockMeta meta) throws IOException {
    Ulid id = meta.ulid();
    Path blockDir = BlockDirs.blockDir(dir, id);
    Path staging = dir.resolve(UPLOAD_DIR).resolve(id.toString());
    FileUtil.deleteRecursively(staging);
    Files.createDirectories(staging.resolve(CHUNKS));
    try {
      List<String> segments = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(blockDir.resolve(CHUNKS))) {
        for (Path p : ds) {
          segments.add(p.getFileName().toString());
        }
      }
      segments.sort(null);
      List<ThanosFile> files = new ArrayList<>();
      for (String s : segments) {
        Path link = staging.resolve(CHUNKS).resolve(s);
        linkOrCopy(blockDir.resolve(CHUNKS).resolve(s), link);
        files.add(new ThanosFile(CHUNKS + "/" + s, Files.size(link), null));
      }
      Path index = staging.resolve(INDEX);
      linkOrCopy(blockDir.resolve(INDEX), index);
      files.add(new ThanosFile(INDEX, Files.size(index), null));
      files.add(new ThanosFile(BlockMetaFormat.FILE_NAME, 0, null));
      Thanos section =
          new Thanos(0, labels, 0, Thanos.RECEIVE_SOURCE, segments, files, IndexStats.EMPTY, null);

      LOG.atInfo()
          .addKeyValue("tenant", tenant)
          .addKeyValue("block", id)
          .addKeyValue("minTime", meta.minTime())
          .addKeyValue("maxTime", meta.maxTime())
          .log("uploading block");
      for (String s : segments) {
        bucket.upload(id + "/" + CHUNKS + "/" + s, staging.resolve(CHUNKS).resolve(s));
      }
      bucket.upload(id + "/" + INDEX, index);
      byte[] json =
          BlockMetaFormat.toJson(meta.withThanos(section.withUploadTime(goTime(clock.instant()))));
      bucket.upload(
          id + "/" + BlockMetaFormat.FILE_NAME, new ByteArrayInputStream(json), json.length);
      LOG.atInfo().addKeyValue("tenant", tenant).addKeyValue("block", id).log("uploaded block");
    } finally {
      FileUtil.deleteRecursively(staging);
    }
  }

  private static void linkOrCopy(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof NoSuchFileException n) {
        throw n;
      }
      Files.copy(from, to);
    }
  }

  /** An instant as Go's {@code time.Time} marshals to JSON in UTC: RFC 3339 with ns, zeros cut. */
  static String goTime(Instant t) {
    StringBuilder b = new StringBuilder(SECONDS.format(t));
    int nanos = t.getNano();
    if (nanos != 0) {
      String frac = String.format("%09d", nanos);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      b.append('.').append(frac, 0, end);
    }
    return b.append('Z').toString();
  }
}
