// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import io.sluice.objstore.internal.BoundedInputStream;
import io.sluice.objstore.internal.ObjectNames;
import io.sluice.objstore.internal.UploadStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A bucket kept as plain files under a root directory: object {@code a/b/c} is the file {@code
 * <root>/a/b/c}, the layout of Thanos' {@code FILESYSTEM} bucket, so either program can read what
 * the other wrote. Thanos documents it for testing and demos; Sluice uses it as the embedded
 * default.
 *
 * <p>Differences from Thanos' implementation, all towards safety:
 *
 * <ul>
 *   <li>Uploads write a temporary file ({@code .sluice-upload-*}) in the target's directory, fsync
 *       it, rename it over the target and fsync the directory, so a reader never sees a partial
 *       object and a crash leaves the old object or the new one. Temporary files are invisible to
 *       {@link #iter}, and object names whose last segment starts with {@code .sluice-upload-} are
 *       rejected.
 *   <li>Deleting removes only the named object (Thanos removes a whole directory when given one),
 *       then, like Thanos, every parent directory that became empty, up to but excluding the root.
 *   <li>Names with {@code .} or {@code ..} segments are rejected, so no name reaches outside the
 *       root. Symbolic links are not followed when listing.
 * </ul>
 *
 * <p>Limits of a filesystem: an object and a directory cannot share a name ({@code a} and {@code
 * a/b} cannot both exist); such an upload fails with an {@link IOException}. Thread-safe; several
 * processes may share the root.
 */
public final class FilesystemBucket implements Bucket {

  private static final String TEMP_PREFIX = ".sluice-upload-";
  private static final int CREATE_ATTEMPTS = 5;

  private final Path root;
  private final String name;

  /**
   * Creates a bucket rooted at {@code root}. The directory need not exist; it is created by the
   * first upload.
   */
  public FilesystemBucket(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.name = "fs: " + this.root;
  }

  /** The absolute root directory. */
  public Path root() {
    return root;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Checks that the root directory exists and is writable.
   *
   * @throws IOException naming the directory when it is missing or not writable
   */
  @Override
  public void check() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "filesystem bucket directory missing");
    }
    if (!Files.isWritable(root)) {
      throw new IOException("filesystem bucket directory " + root + " is not writable");
    }
  }

  @Override
  public boolean exists(String objectName) throws IOException {
    return Files.isRegularFile(resolve(objectName), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public InputStream get(String objectName) throws IOException {
    return getRange(objectName, 0, -1);
  }

  @Override
  public InputStream getRange(String objectName, long offset, long length) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0: " + offset);
    }
    if (length < -1) {
      throw new IllegalArgumentException("length must be >= 0 or -1: " + length);
    }
    Path file = resolve(objectName);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ObjectNotFoundException(name, objectName);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(name, objectName);
    }
    try {
      channel.position(offset);
      InputStream in = Channels.newInputStream(channel);
      return length == -1 ? in : new BoundedInputStream(in, length);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public void upload(String objectName, Path file) throws IOException {
    Path target = resolveForUpload(objectName);
    try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = source.size();
      writeAtomically(
          target,
          out -> {
            long position = 0;
            while (position < size) {
              long n = source.transferTo(position, size - position, out);
              if (n <= 0 && source.size() < size) {
                throw new IOException("file " + file + " shrank while it was uploaded");
              }
              position += n;
            }
          });
    }
  }

  @Override
  public void upload(String objectName, InputStream in, long length) throws IOException {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0: " + length);
    }
    Path target = resolveForUpload(objectName);
    writeAtomically(
        target,
        out -> {
          OutputStream os = Channels.newOutputStream(out);
          UploadStreams.copyExactly(in, os, length);
          os.flush();
        });
  }

  @Override
  public void delete(String objectName) throws IOException {
    Path file = resolve(objectName);
    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (FileSystemException e) {
      if (!Files.isDirectory(file.getParent(), LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      throw e;
    }
    for (Path dir = file.getParent(); !dir.equals(root); dir = dir.getParent()) {
      try {
        Files.delete(dir);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      } catch (FileSystemException e) {
        // The parent is a file or otherwise not a removable directory: nothing left to tidy.
        return;
      }
    }
  }

  @Override
  public void iter(String dir, boolean recursive, ObjectVisitor visitor) throws IOException {
    String prefix = ObjectNames.directoryPrefix(dir);
    Path start = prefix.isEmpty() ? root : root.resolve(prefix.substring(0, prefix.length() - 1));
    checkInsideRoot(start, dir);
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<String> names = new ArrayList<>();
    collect(start, prefix, recursive, names);
    names.sort(ObjectNames.ORDER);
    for (String entry : names) {
      visitor.visit(entry);
    }
  }

  @Override
  public ObjectAttributes attributes(String objectName) throws IOException {
    Path file = resolve(objectName);
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(name, objectName);
    } catch (FileSystemException e) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new ObjectNotFoundException(name, objectName);
      }
      throw e;
    }
    if (!attrs.isRegularFile()) {
      throw new ObjectNotFoundException(name, objectName);
    }
    return new ObjectAttributes(attrs.size(), attrs.lastModifiedTime().toInstant());
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return name;
  }

  private Path resolve(String objectName) {
    ObjectNames.checkObjectName(objectName);
    Path file = root.resolve(objectName);
    checkInsideRoot(file, objectName);
    return file;
  }

  private Path resolveForUpload(String objectName) {
    Path file = resolve(objectName);
    if (file.getFileName().toString().startsWith(TEMP_PREFIX)) {
      throw new IllegalArgumentException(
          "object names starting with '" + TEMP_PREFIX + "' are reserved: '" + objectName + "'");
    }
    return file;
  }

  private void checkInsideRoot(Path path, String original) {
    if (!path.normalize().startsWith(root)) {
      throw new IllegalArgumentException("name escapes the bucket root: '" + original + "'");
    }
  }

  private interface ChannelWriter {
    void write(FileChannel out) throws IOException;
  }

  private void writeAtomically(Path target, ChannelWriter writer) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("cannot upload " + target + ": a directory has that name");
    }
    Path dir = target.getParent();
    Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    FileChannel out = null;
    for (int attempt = 1; out == null; attempt++) {
      try {
        Files.createDirectories(dir);
        out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        // A concurrent delete removed a directory on the way after it became empty (the JDK
        // reports that as "already exists" when it loses the race): make them again. A file in
        // the way of a directory fails the same way every time and ends the loop.
        if (attempt == CREATE_ATTEMPTS) {
          throw e;
        }
      }
    }
    boolean moved = false;
    try {
      try (FileChannel channel = out) {
        writer.write(channel);
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
    fsyncDirectory(dir);
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (NoSuchFileException e) {
      // A concurrent delete of the new object already removed its directory: nothing to sync.
    }
  }

  private static void collect(Path dir, String prefix, boolean recursive, List<String> names)
      throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String fileName = entry.getFileName().toString();
        if (fileName.startsWith(TEMP_PREFIX)) {
          continue;
        }
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          if (recursive) {
            collect(entry, prefix + fileName + "/", true, names);
          } else if (hasVisibleEntry(entry)) {
            names.add(prefix + fileName + "/");
          }
        } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          names.add(prefix + fileName);
        }
      }
    } catch (NoSuchFileException e) {
      // Removed by a concurrent delete: it holds nothing any more.
    }
  }

  private static boolean hasVisibleEntry(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (!entry.getFileName().toString().startsWith(TEMP_PREFIX)) {
          return true;
        }
      }
      return false;
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
