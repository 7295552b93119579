// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Configuration of a {@link FilesystemBucket}: Thanos' {@code FILESYSTEM} type.
 *
 * @param directory the bucket's root directory ({@code config.directory}); relative paths are
 *     resolved against the working directory when the bucket is opened
 */
public record FilesystemConfig(Path directory) implements ProviderConfig {

  /** Validates the configuration. */
  public FilesystemConfig {
    Objects.requireNonNull(directory, "directory");
    if (directory.toString().isEmpty()) {
      throw new IllegalArgumentException("missing directory for filesystem bucket");
    }
  }

  @Override
  public BucketType type() {
    return BucketType.FILESYSTEM;
  }
}
