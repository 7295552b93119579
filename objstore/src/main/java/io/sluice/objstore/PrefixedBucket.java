// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import io.sluice.objstore.internal.ObjectNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Places every object of a bucket under a fixed directory, as the {@code prefix} key of Thanos'
 * objstore configuration does: with prefix {@code tenant-a}, object {@code 01ABC/meta.json} is
 * stored as {@code tenant-a/01ABC/meta.json}, and {@link #iter} returns names without the prefix.
 *
 * <p>Leading and trailing {@code /} of the prefix are ignored, as in Thanos. Closing this bucket
 * closes the wrapped one. Thread-safe when the wrapped bucket is.
 */
public final class PrefixedBucket implements Bucket {

  private final Bucket delegate;
  private final String prefix;

  /**
   * @param delegate the bucket that stores the objects; owned by this bucket from now on
   * @param prefix a directory name such as {@code "tenant-a"} or {@code "a/b/"}; must contain
   *     something besides {@code /}
   * @throws IllegalArgumentException when the prefix is blank or has an empty, {@code .} or {@code
   *     ..} segment
   */
  public PrefixedBucket(Bucket delegate, String prefix) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    String trimmed = strip(Objects.requireNonNull(prefix, "prefix"));
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("prefix is empty: '" + prefix + "'");
    }
    this.prefix = ObjectNames.directoryPrefix(trimmed);
  }

  /**
   * Wraps {@code delegate} in a {@link PrefixedBucket} unless {@code prefix} has nothing besides
   * {@code /}, in which case {@code delegate} is returned as is (Thanos' {@code
   * NewPrefixedBucket}).
   */
  public static Bucket wrap(Bucket delegate, String prefix) {
    return strip(prefix).isEmpty() ? delegate : new PrefixedBucket(delegate, prefix);
  }

  /** The prefix as stored: the directory followed by one {@code /}. */
  public String prefix() {
    return prefix;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void check() throws IOException {
    delegate.check();
  }

  @Override
  public boolean exists(String name) throws IOException {
    return delegate.exists(full(name));
  }

  @Override
  public InputStream get(String name) throws IOException {
    return delegate.get(full(name));
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    return delegate.getRange(full(name), offset, length);
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    delegate.upload(full(name), file);
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    delegate.upload(full(name), in, length);
  }

  @Override
  public void delete(String name) throws IOException {
    delegate.delete(full(name));
  }

  @Override
  public void iter(String dir, boolean recursive, ObjectVisitor visitor) throws IOException {
    String inner = prefix + ObjectNames.directoryPrefix(dir);
    delegate.iter(inner, recursive, entry -> visitor.visit(entry.substring(prefix.length())));
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    return delegate.attributes(full(name));
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate + " (prefix " + prefix + ")";
  }

  private String full(String name) {
    return prefix + ObjectNames.checkObjectName(name);
  }

  private static String strip(String prefix) {
    int start = 0;
    int end = prefix.length();
    while (start < end && prefix.charAt(start) == '/') {
      start++;
    }
    while (end > start && prefix.charAt(end - 1) == '/') {
      end--;
    }
    return prefix.substring(start, end);
  }
}
