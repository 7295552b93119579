// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A flat namespace of immutable objects addressed by {@code /}-separated names, with the semantics
 * of Thanos' {@code objstore.Bucket}.
 *
 * <p><b>Names.</b> An object name is relative to the bucket root (no leading {@code /}), made of
 * non-empty segments separated by {@code /}; the segments {@code .} and {@code ..} are rejected
 * with {@link IllegalArgumentException}, on every implementation alike, so that a name never
 * escapes a {@link FilesystemBucket}'s root and means the same on S3. A "directory" is any name
 * prefix ending with {@code /}; directories are not objects and exist only while they contain one.
 *
 * <p><b>Consistency.</b> Uploads are atomic: a reader sees either the previous object (or none) or
 * the complete new one, never a partial object. After {@code upload} returns, {@code get}, {@code
 * exists}, {@code attributes} and {@code iter} see the new object (read-after-write, as S3 and
 * MinIO guarantee).
 *
 * <p><b>Threads and lifecycle.</b> Implementations are thread-safe. {@link #close()} releases
 * connections; streams returned by {@link #get} and {@link #getRange} belong to the caller, who
 * must close them, and should be closed before the bucket is.
 *
 * <p>Every method is one of Thanos' bucket operations, named by {@link BucketOperation}, so that a
 * decorator can count and time them under the {@code thanos_objstore_bucket_*} metric names.
 */
public interface Bucket extends AutoCloseable {

  /**
   * The name of the bucket as Thanos reports it in the {@code bucket} label: the S3 bucket name, or
   * {@code "fs: <absolute root>"} for a filesystem bucket.
   */
  String name();

  /**
   * Checks that the bucket can be used now: it exists, and the store is reachable and accepts the
   * credentials. Opening a bucket never contacts the store, so a receiver can start (and keep its
   * blocks locally) while the store is down; this check tells an operator early what is wrong. It
   * is not one of Thanos' bucket operations and is not counted as one. The default does nothing.
   *
   * @throws IOException when the bucket cannot be used; the message names the bucket, where it is
   *     (endpoint or directory) and the cause
   */
  default void check() throws IOException {}

  /**
   * Tells whether an object with this exact name exists. A directory is not an object: {@code
   * exists("01ABC")} is false even when {@code 01ABC/meta.json} exists.
   *
   * @throws IOException when the store cannot be asked
   */
  boolean exists(String name) throws IOException;

  /**
   * Opens the whole object for reading. The caller closes the stream.
   *
   * @throws ObjectNotFoundException when no object has this name
   * @throws IOException on any other failure
   */
  InputStream get(String name) throws IOException;

  /**
   * Opens {@code length} bytes of the object starting at byte {@code offset}. A {@code length} of
   * {@code -1} reads to the end of the object; a range reaching past the end is cut at the end, and
   * an {@code offset} at or beyond the end yields an empty stream. The caller closes the stream.
   *
   * @param offset first byte to read, {@code >= 0}
   * @param length number of bytes, {@code >= 0}, or {@code -1} for "to the end"
   * @throws ObjectNotFoundException when no object has this name
   * @throws IllegalArgumentException when {@code offset < 0} or {@code length < -1}
   * @throws IOException on any other failure
   */
  InputStream getRange(String name, long offset, long length) throws IOException;

  /**
   * Uploads the contents of a local file as the object {@code name}, replacing any object of that
   * name atomically. The file is streamed, never held in memory whole, and must not change while it
   * is uploaded.
   *
   * @throws java.nio.file.NoSuchFileException when {@code file} does not exist
   * @throws IOException on any other failure; the bucket then holds the previous object or none
   */
  void upload(String name, Path file) throws IOException;

  /**
   * Uploads exactly {@code length} bytes read from {@code in} as the object {@code name}, replacing
   * any object of that name atomically. The stream is read but not closed. An S3 bucket holds at
   * most one part ({@code part_size} bytes, at most 256 MiB) of it in memory.
   *
   * @param length the number of bytes the stream holds, {@code >= 0}
   * @throws IOException when the stream ends early or holds more than {@code length} bytes, or on
   *     any other failure; the bucket then holds the previous object or none
   */
  void upload(String name, InputStream in, long length) throws IOException;

  /**
   * Deletes the object {@code name}. Deleting a name that does not exist is a no-op: Thanos'
   * interface comment asks for an error, but its S3 and filesystem implementations return none and
   * its acceptance test does not rely on one, so Sluice makes delete idempotent everywhere.
   *
   * @throws IOException when the store fails
   */
  void delete(String name) throws IOException;

  /**
   * Calls {@code visitor} for each entry under {@code dir}, in ascending order of name (Unicode
   * code point order, which is S3's UTF-8 byte order). Names passed to the visitor are full names
   * relative to the bucket root.
   *
   * <ul>
   *   <li>{@code dir} is {@code ""} for the root, else a directory with or without the trailing
   *       {@code /} ({@code "01ABC"} and {@code "01ABC/"} are the same).
   *   <li>Not recursive: the objects directly in {@code dir} and its non-empty subdirectories, the
   *       latter ending with {@code /} (e.g. {@code "01ABC/chunks/"}).
   *   <li>Recursive: every object below {@code dir}, at any depth; no directory entries.
   *   <li>A directory that does not exist yields nothing and is not an error.
   * </ul>
   *
   * An exception thrown by the visitor stops the iteration and propagates.
   *
   * @throws IOException when the store fails, or as thrown by the visitor
   */
  void iter(String dir, boolean recursive, ObjectVisitor visitor) throws IOException;

  /**
   * Returns the names {@link #iter} would visit, as a list.
   *
   * @throws IOException when the store fails
   */
  default List<String> list(String dir, boolean recursive) throws IOException {
    List<String> names = new ArrayList<>();
    iter(dir, recursive, names::add);
    return names;
  }

  /**
   * Returns the size and last modification time of an object.
   *
   * @throws ObjectNotFoundException when no object has this name
   * @throws IOException on any other failure
   */
  ObjectAttributes attributes(String name) throws IOException;

  /** Releases the bucket's connections and threads. Idempotent. */
  @Override
  void close() throws IOException;
}
