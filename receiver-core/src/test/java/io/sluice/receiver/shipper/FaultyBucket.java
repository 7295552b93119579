// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.shipper;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.ObjectAttributes;
import io.sluice.objstore.ObjectVisitor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A bucket that passes calls on to another and fails on demand: every call while {@link #down}, or
 * the uploads after a number of successful ones (with an {@link IOException}, or an {@link Error}
 * that stands for the process being killed). Records the names of successful uploads in order.
 */
final class FaultyBucket implements Bucket {
  private final Bucket delegate;
  final List<String> uploads = new ArrayList<>();
  volatile boolean down;
  private int uploadsLeft = Integer.MAX_VALUE;
  private Supplier<? extends Throwable> failure;

  FaultyBucket(Bucket delegate) {
    this.delegate = delegate;
  }

  /** After {@code n} more successful uploads, every upload throws what {@code failure} gives. */
  synchronized void failUploadsAfter(int n, Supplier<? extends Throwable> failure) {
    this.uploadsLeft = n;
    this.failure = failure;
  }

  /** Uploads succeed again. */
  synchronized void heal() {
    uploadsLeft = Integer.MAX_VALUE;
    down = false;
  }

  /** How many times {@code name} was uploaded. */
  synchronized long uploadCount(String name) {
    return uploads.stream().filter(name::equals).count();
  }

  private void check(String name) throws IOException {
    if (down) {
      throw new IOException("bucket unreachable: " + name);
    }
  }

  private synchronized void beforeUpload(String name) throws IOException {
    check(name);
    if (uploadsLeft == 0) {
      Throwable t = failure.get();
      if (t instanceof IOException io) {
        throw io;
      }
      if (t instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) t;
    }
    if (uploadsLeft != Integer.MAX_VALUE) {
      uploadsLeft--;
    }
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean exists(String name) throws IOException {
    check(name);
    return delegate.exists(name);
  }

  @Override
  public InputStream get(String name) throws IOException {
    check(name);
    return delegate.get(name);
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    check(name);
    return delegate.getRange(name, offset, length);
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    beforeUpload(name);
    delegate.upload(name, file);
    synchronized (this) {
      uploads.add(name);
    }
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    beforeUpload(name);
    delegate.upload(name, in, length);
    synchronized (this) {
      uploads.add(name);
    }
  }

  @Override
  public void delete(String name) throws IOException {
    check(name);
    delegate.delete(name);
  }

  @Override
  public void iter(String dir, boolean recursive, ObjectVisitor visitor) throws IOException {
    check(dir);
    delegate.iter(dir, recursive, visitor);
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    check(name);
    return delegate.attributes(name);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
