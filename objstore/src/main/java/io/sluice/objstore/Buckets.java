// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import io.sluice.objstore.s3.S3Bucket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the bucket an objstore configuration describes. */
public final class Buckets {

  private static final Logger LOG = LoggerFactory.getLogger(Buckets.class);

  private Buckets() {}

  /**
   * Opens a bucket: a {@link FilesystemBucket} or an {@link S3Bucket}, inside a {@link
   * PrefixedBucket} when the configuration has a prefix. An S3 bucket is not contacted: a missing
   * bucket, wrong credentials or an unreachable endpoint do not fail here but in {@link
   * Bucket#check} and in each operation, so that the caller can run (and retry) while the store is
   * down. A filesystem bucket's directory is created and must be writable. Keys that the
   * configuration sets but Sluice ignores are logged as a warning. The caller closes the bucket.
   *
   * @throws io.sluice.objstore.s3.S3BucketUnavailableException when the S3 {@code
   *     tls_config.ca_file} cannot be read
   * @throws IOException when a filesystem bucket's directory cannot be created or written
   */
  public static Bucket open(BucketConfig config) throws IOException {
    if (!config.ignoredKeys().isEmpty()) {
      LOG.warn(
          "objstore configuration keys accepted but not implemented by Sluice, ignored: {}",
          config.ignoredKeys());
    }
    Bucket bucket =
        switch (config.config()) {
          case FilesystemConfig fs -> openFilesystem(fs.directory());
          case S3Config s3 -> S3Bucket.open(s3);
        };
    return PrefixedBucket.wrap(bucket, config.prefix());
  }

  private static FilesystemBucket openFilesystem(Path directory) throws IOException {
    FilesystemBucket bucket = new FilesystemBucket(directory);
    try {
      Files.createDirectories(bucket.root());
    } catch (IOException e) {
      throw new IOException(
          "filesystem bucket directory " + bucket.root() + " cannot be created: " + e, e);
    }
    if (!Files.isWritable(bucket.root())) {
      throw new IOException("filesystem bucket directory " + bucket.root() + " is not writable");
    }
    return bucket;
  }
}
