// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A checkpoint directory.
 *
 * @param dir the directory, {@code <wal>/checkpoint.NNNNNNNN}
 * @param index the last WAL segment folded into it
 */
public record CheckpointRef(Path dir, int index) {
  /** Validates the fields. */
  public CheckpointRef {
    Objects.requireNonNull(dir, "dir");
    if (index < 0) {
      throw new IllegalArgumentException("negative checkpoint index: " + index);
    }
  }
}
