// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import io.sluice.objstore.s3.S3Bucket;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the bucket an objstore configuration describes. */
public final class Buckets {

  private static final Logger LOG = LoggerFactory.getLogger(Buckets.class);

  private Buckets() {}

  /**
   * Opens a bucket: a {@link FilesystemBucket} or an {@link S3Bucket}, inside a {@link
   * PrefixedBucket} when the configuration has a prefix. An S3 bucket is checked at once (HEAD
   * bucket), so a missing bucket, wrong credentials or an unreachable endpoint fail here rather
   * than at the first upload. Keys that the configuration sets but Sluice ignores are logged as a
   * warning. The caller closes the bucket.
   *
   * @throws io.sluice.objstore.s3.S3BucketUnavailableException when the S3 check fails; the message
   *     names the bucket and the cause (missing bucket, rejected credentials, unreachable endpoint)
   * @throws IOException on other failures
   */
  public static Bucket open(BucketConfig config) throws IOException {
    if (!config.ignoredKeys().isEmpty()) {
      LOG.warn(
          "objstore configuration keys accepted but not implemented by Sluice, ignored: {}",
          config.ignoredKeys());
    }
    Bucket bucket =
        switch (config.config()) {
          case FilesystemConfig fs -> new FilesystemBucket(fs.directory());
          case S3Config s3 -> S3Bucket.open(s3);
        };
    return PrefixedBucket.wrap(bucket, config.prefix());
  }
}
