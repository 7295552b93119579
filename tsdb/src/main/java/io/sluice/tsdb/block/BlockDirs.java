// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.fileutil.FileUtil;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Block directories in a data directory, named and moved as Prometheus 2.42 does ({@code
 * tsdb/compact.go}, {@code tsdb/db.go}).
 *
 * <ul>
 *   <li>A block is built in {@code <ulid>.tmp-for-creation}, fsynced and renamed to {@code <ulid>}
 *       ({@link #createTemporary}, {@link #commit}).
 *   <li>A block is deleted by renaming it to {@code <ulid>.tmp-for-deletion} first, so that a crash
 *       never leaves a half-deleted directory under a block name ({@link #delete}).
 *   <li>At startup, leftovers named {@code <ulid>.tmp-for-creation}, {@code
 *       <ulid>.tmp-for-deletion} or legacy {@code <ulid>.tmp} are removed ({@link
 *       #removeTemporaryDirs}).
 * </ul>
 *
 * <p>Only directory names that parse strictly as a {@link Ulid} are blocks. Stateless; callers
 * serialize operations on the same block.
 */
public final class BlockDirs {
  /** Suffix of a block directory being built. */
  public static final String TMP_FOR_CREATION_SUFFIX = ".tmp-for-creation";

  /** Suffix of a block directory being deleted. */
  public static final String TMP_FOR_DELETION_SUFFIX = ".tmp-for-deletion";

  /** Suffix of temporary block directories of Prometheus before 2.21. */
  public static final String LEGACY_TMP_SUFFIX = ".tmp";

  private BlockDirs() {}

  /** Whether a directory name is a block id, by {@link Ulid#isValid}. */
  public static boolean isBlockDirName(String name) {
    return Ulid.isValid(name);
  }

  /** {@code <dataDir>/<ulid>}. */
  public static Path blockDir(Path dataDir, Ulid ulid) {
    return dataDir.resolve(ulid.toString());
  }

  /** {@code <dataDir>/<ulid>.tmp-for-creation}. */
  public static Path creationDir(Path dataDir, Ulid ulid) {
    return dataDir.resolve(ulid + TMP_FOR_CREATION_SUFFIX);
  }

  /**
   * Creates an empty {@code <ulid>.tmp-for-creation} directory to build a block in, removing a
   * leftover of the same name.
   *
   * @return the directory
   * @throws IOException if it cannot be removed or created
   */
  public static Path createTemporary(Path dataDir, Ulid ulid) throws IOException {
    Path tmp = creationDir(dataDir, ulid);
    FileUtil.deleteRecursively(tmp);
    Files.createDirectories(tmp);
    return tmp;
  }

  /**
   * Publishes a block built in its {@code tmp-for-creation} directory: fsyncs that directory and
   * its {@code chunks} subdirectory, renames it to {@code <ulid>} (replacing a directory of that
   * name) and fsyncs the data directory. The files inside must already be durable (the writers
   * fsync them).
   *
   * @return the block directory
   * @throws IOException if a step fails; the block then stays under its temporary name or is gone
   */
  public static Path commit(Path dataDir, Ulid ulid) throws IOException {
    Path tmp = creationDir(dataDir, ulid);
    Path chunks = tmp.resolve("chunks");
    if (Files.isDirectory(chunks)) {
      FileUtil.fsyncDir(chunks);
    }
    FileUtil.fsyncDir(tmp);
    Path dir = blockDir(dataDir, ulid);
    FileUtil.replaceDir(tmp, dir);
    return dir;
  }

  /**
   * Deletes a block: renames it to {@code <ulid>.tmp-for-deletion}, fsyncs the data directory and
   * removes the renamed tree. Nothing if the block does not exist.
   *
   * @throws IOException if renaming or removing fails
   */
  public static void delete(Path dataDir, Ulid ulid) throws IOException {
    Path dir = blockDir(dataDir, ulid);
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path tmp = dataDir.resolve(ulid + TMP_FOR_DELETION_SUFFIX);
    FileUtil.deleteRecursively(tmp);
    Files.move(dir, tmp, StandardCopyOption.ATOMIC_MOVE);
    FileUtil.fsyncDir(dataDir);
    FileUtil.deleteRecursively(tmp);
  }

  /**
   * Removes directories left by an interrupted creation or deletion: {@code <ulid>} followed by
   * {@code .tmp-for-creation}, {@code .tmp-for-deletion} or {@code .tmp}. Other names are kept.
   *
   * @return the removed directories, sorted
   * @throws IOException if listing or removing fails
   */
  public static List<Path> removeTemporaryDirs(Path dataDir) throws IOException {
    List<Path> removed = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dataDir)) {
      for (Path p : ds) {
        if (isTemporaryBlockDirName(p.getFileName().toString())
            && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          removed.add(p);
        }
      }
    }
    removed.sort(null);
    for (Path p : removed) {
      FileUtil.deleteRecursively(p);
    }
    return removed;
  }

  /** Whether a name is a block id followed by one of the temporary suffixes. */
  public static boolean isTemporaryBlockDirName(String name) {
    for (String suffix :
        new String[] {TMP_FOR_CREATION_SUFFIX, TMP_FOR_DELETION_SUFFIX, LEGACY_TMP_SUFFIX}) {
      if (name.endsWith(suffix)
          && isBlockDirName(name.substring(0, name.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The ids of the block directories in a data directory, ascending; temporary and other names are
   * skipped.
   *
   * @throws IOException if the directory cannot be listed
   */
  public static List<Ulid> blockIds(Path dataDir) throws IOException {
    List<Ulid> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dataDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (isBlockDirName(name) && Files.isDirectory(p)) {
          ids.add(Ulid.parse(name));
        }
      }
    }
    ids.sort(null);
    return ids;
  }
}
